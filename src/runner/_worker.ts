// `ansible-runner worker`: read the job transmit sent (stdin), run it, and answer with the stream process
// reads (stdout): starting, running, events, final status, the artifacts zip, eof. Everything the worker has
// to say goes into that stream; it never writes to stderr (Receptor merges stderr into the same file).
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Transport } from "../transport/index.ts";
import { ArtifactsWriter } from "./_artifacts-writer.ts";
import { extractZip } from "./_extract-zip.ts";
import { RunnerJobError } from "./_job-error.ts";
import { resolveRunnerJob, type RunnerJob } from "./_job-spec.ts";
import { RC_CANCELED, type JobOutcome } from "./_run-job.ts";
import { runRunnerJob } from "./_script-job.ts";
import { EXTRACT_FAILED, StreamInputError } from "./_stream-error.ts";
import { StreamWriter } from "./_stream-writer.ts";
import { readWorkerInput, resolveKwargPaths } from "./_worker-input.ts";
import { zipDirectory } from "./_zip-directory.ts";

export interface WorkerOptions {
  privateDataDir?: string;
  /** --delete: remove the private data dir before the job and again at exit. */
  delete?: boolean;
  keepaliveSeconds?: number;
  /** Where a playbook job's baked script is looked for (default env FTL2_SCRIPT_DIR, else /opt/ftl2). */
  scriptDir?: string;
}

export interface WorkerIO {
  input: AsyncIterable<Uint8Array>;
  write: (chunk: string | Uint8Array) => void;
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Aborted on SIGINT/SIGTERM (Receptor's cancel). */
  signal?: AbortSignal;
  transports?: readonly Transport[];
}

function keepaliveSeconds(opts: WorkerOptions, env: WorkerIO["env"]): number {
  if (opts.keepaliveSeconds !== undefined) return opts.keepaliveSeconds;
  const n = Number(env.ANSIBLE_RUNNER_KEEPALIVE_SECONDS ?? 0);
  return Number.isFinite(n) && n > 0 ? n : 0;
}

/** --delete on these would be a disaster, whatever AWX sent. */
function refuseDangerousDelete(dir: string): void {
  const forbidden = ["/", homedir(), "/tmp", "/var", "/etc", "/usr", "/root", "/home"];
  if (forbidden.includes(dir.replace(/\/+$/, "") || "/")) {
    throw new RunnerJobError(`refusing to --delete ${dir}: not a private data dir`);
  }
}

/** A job that stops on cancel (the caller's signal), job_timeout, or idle_timeout (no event for that long). */
export class JobClock {
  readonly ctl = new AbortController();
  #idle?: ReturnType<typeof setTimeout>;
  #job?: ReturnType<typeof setTimeout>;
  readonly #idleMs: number;

  constructor(job: RunnerJob, outer?: AbortSignal) {
    this.#idleMs = job.settings.idleTimeout * 1000;
    if (outer?.aborted) this.ctl.abort("canceled");
    outer?.addEventListener("abort", () => this.ctl.abort("canceled"), { once: true });
    if (job.settings.jobTimeout > 0) this.#job = setTimeout(() => this.ctl.abort("timeout"), job.settings.jobTimeout * 1000);
    this.touch();
  }

  touch(): void {
    if (this.#idleMs <= 0) return;
    if (this.#idle) clearTimeout(this.#idle);
    this.#idle = setTimeout(() => this.ctl.abort("timeout"), this.#idleMs);
  }

  stop(): void {
    if (this.#idle) clearTimeout(this.#idle);
    if (this.#job) clearTimeout(this.#job);
  }
}

function errorLine(e: unknown): Record<string, unknown> {
  if (e instanceof StreamInputError) {
    return e.traceback !== undefined
      ? { status: "error", job_explanation: e.explanation, result_traceback: e.traceback }
      : { status: "error", job_explanation: e.explanation };
  }
  if (e instanceof RunnerJobError) return { status: "error", job_explanation: e.message };
  const msg = e instanceof Error ? e.message : String(e);
  return { status: "error", job_explanation: `ftl2 worker failed: ${msg}`, result_traceback: e instanceof Error ? (e.stack ?? msg) : msg };
}

async function prepare(opts: WorkerOptions, io: WorkerIO, pdd: string): Promise<RunnerJob> {
  const input = await readWorkerInput(io.input);
  mkdirSync(pdd, { recursive: true, mode: 0o700 });
  if (input.zip) {
    try {
      await extractZip(input.zip, pdd);
    } catch (e) {
      throw e instanceof StreamInputError ? e : new StreamInputError(EXTRACT_FAILED, e instanceof Error ? (e.stack ?? e.message) : String(e));
    }
  }
  return resolveRunnerJob(resolveKwargPaths(input.kwargs, pdd), { privateDataDir: pdd, processEnv: io.env, scriptDir: opts.scriptDir ?? (io.env.FTL2_SCRIPT_DIR || undefined) });
}

/** Runs one worker job; resolves to the exit code (the job's rc; 0 after an error status, as the real worker). */
export async function runWorker(opts: WorkerOptions, io: WorkerIO): Promise<number> {
  const pdd = opts.privateDataDir ? resolve(io.cwd, opts.privateDataDir) : mkdtempSync(join(tmpdir(), "ftl2-worker-"));
  const out = new StreamWriter(io.write, { keepaliveSeconds: keepaliveSeconds(opts, io.env) });
  try {
    if (opts.delete) {
      refuseDangerousDelete(pdd);
      rmSync(pdd, { recursive: true, force: true });
    }
    let job: RunnerJob;
    try {
      job = await prepare(opts, io, pdd);
    } catch (e) {
      out.line(errorLine(e));
      out.eof();
      return 0;
    }
    const outcome = await runJob(job, io, out);
    out.zipfile(await zipDirectory(job.artifactDir));
    out.eof();
    return outcome.rc;
  } finally {
    out.close();
    if (opts.delete || !opts.privateDataDir) rmSync(pdd, { recursive: true, force: true });
  }
}

async function runJob(job: RunnerJob, io: WorkerIO, out: StreamWriter): Promise<JobOutcome> {
  const artifacts = new ArtifactsWriter(job.artifactDir, { suppressOutputFile: job.settings.suppressOutputFile, writeEventFiles: false });
  artifacts.command({ command: job.command, cwd: job.cwd, env: job.env });
  out.line({ status: "starting", runner_ident: job.ident, command: job.command, env: job.env, cwd: job.cwd });
  out.line({ status: "running", runner_ident: job.ident });
  const clock = new JobClock(job, io.signal);
  let outcome: JobOutcome;
  try {
    outcome = await runRunnerJob(job, {
      signal: clock.ctl.signal,
      transports: io.transports,
      emit: (ev) => {
        clock.touch();
        out.line(ev);
        artifacts.event(ev);
      },
    });
  } catch (e) {
    // A fault of ftl2 itself, not of the job: reported in the stream, with the artifacts so far.
    const line = errorLine(e);
    artifacts.status("error", null);
    out.line({ ...line, runner_ident: job.ident });
    return { status: "failed", rc: 0 };
  } finally {
    clock.stop();
  }
  artifacts.status(outcome.status, outcome.rc);
  out.line({ status: outcome.status, runner_ident: job.ident });
  return outcome.status === "canceled" || outcome.status === "timeout" ? { ...outcome, rc: RC_CANCELED } : outcome;
}
