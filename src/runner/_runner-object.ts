// The library API's Runner, shaped as ansible-runner's: a resolved job (config) that runs once, with its status
// and rc, the flags canceled/timedOut/errored, and the artifacts read back (events, stdout, stderr, stats,
// hostEvents). Its run() mirrors Runner.run(): status `starting` (with command, env, cwd), the artifacts dir and
// `command` file, status `running`, every event to eventHandler then to artifacts, the final status with the
// `status` and `rc` files, then artifactsHandler and finishedCallback.
// Beyond ansible-runner: status `error` when ftl2 itself fails or a callback throws while the job runs (the job is
// stopped and `explanation` says why); an exception from artifactsHandler or finishedCallback rejects run().
import type { Transport } from "../transport/index.ts";
import type { RunnerEvent } from "./_adhoc-events.ts";
import type { RunnerCallbacks, RunnerStatus, StatusData } from "./_api-options.ts";
import { hostEventsOf, readArtifactText, readJobEvents, statsFromEvents, type RunnerStats } from "./_artifacts-read.ts";
import { ArtifactsWriter } from "./_artifacts-writer.ts";
import type { RunnerJob } from "./_job-spec.ts";
import type { JobOutcome } from "./_run-job.ts";
import { runRunnerJob } from "./_script-job.ts";
import { JobClock } from "./_worker.ts";

export interface RunnerHooks extends RunnerCallbacks {
  display?: (text: string) => void;
  quiet?: boolean;
  cancelPollMs?: number;
  transports?: readonly Transport[];
}

const DEFAULT_CANCEL_POLL_MS = 100;

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class Runner {
  status: RunnerStatus = "unstarted";
  /** The job's exit code as ansible's (254 when canceled or timed out); null until it ends, or after an error. */
  rc: number | null = null;
  canceled = false;
  timedOut = false;
  errored = false;
  /** Why the status is `error`. */
  explanation?: string;
  readonly config: RunnerJob;
  readonly #hooks: RunnerHooks;
  readonly #cancel = new AbortController();
  #done?: Promise<Runner>;
  #callbackFault?: string;

  constructor(config: RunnerJob, hooks: RunnerHooks = {}) {
    this.config = config;
    this.#hooks = hooks;
  }

  get artifactDir(): string {
    return this.config.artifactDir;
  }

  /** The job_events/ files in counter order (only those the eventHandler kept). */
  get events(): RunnerEvent[] {
    return readJobEvents(this.config.artifactDir);
  }

  get stdout(): string {
    return readArtifactText(this.config.artifactDir, "stdout");
  }

  get stderr(): string {
    return readArtifactText(this.config.artifactDir, "stderr");
  }

  get stats(): RunnerStats | null {
    return statsFromEvents(this.events);
  }

  hostEvents(host: string): RunnerEvent[] {
    return hostEventsOf(this.events, host);
  }

  /** Stops the job: status `canceled`, rc 254. Before run(), the job ends as soon as it starts. */
  cancel(): void {
    this.#cancel.abort("canceled");
  }

  /** Starts the job once; later calls return the same promise. */
  run(): Promise<Runner> {
    this.#done ??= this.#run();
    return this.#done;
  }

  /** Calls a user callback; a throw stops the job and makes its status `error`. */
  #guard<T>(name: string, fn: () => T): T | undefined {
    try {
      return fn();
    } catch (e) {
      this.#callbackFault ??= `${name} failed: ${messageOf(e)}`;
      this.#cancel.abort("error");
      return undefined;
    }
  }

  #setStatus(status: RunnerStatus, extra: Partial<StatusData> = {}): void {
    this.status = status;
    const handler = this.#hooks.statusHandler;
    if (handler) this.#guard("statusHandler", () => handler({ status, runner_ident: this.config.ident, ...extra }, this.config));
  }

  #onEvent(ev: RunnerEvent, artifacts: ArtifactsWriter): void {
    const handler = this.#hooks.eventHandler;
    const keep = handler ? this.#guard("eventHandler", () => handler(ev)) !== false : true;
    artifacts.event(ev, keep);
    const { display, quiet } = this.#hooks;
    if (!display || quiet || this.config.settings.suppressAnsibleOutput) return;
    if (typeof ev.stdout === "string" && (ev.event === "verbose" || (ev.stdout !== "" && ev.stdout !== "{}"))) {
      this.#guard("display", () => display(`${(ev.stdout as string).replaceAll("\r\n", "\n")}\n`));
    }
  }

  async #run(): Promise<Runner> {
    const job = this.config;
    this.#setStatus("starting", { command: job.command, env: job.env, cwd: job.cwd });
    let artifacts: ArtifactsWriter | undefined;
    let outcome: JobOutcome | undefined;
    let fault: string | undefined;
    const clock = new JobClock(job, this.#cancel.signal);
    const poll = this.#startCancelPoll();
    try {
      // fact_cache/ as well: ansible-runner always turns on Ansible's jsonfile cache, which makes the directory.
      artifacts = new ArtifactsWriter(job.artifactDir, { suppressOutputFile: job.settings.suppressOutputFile });
      artifacts.command({ command: job.command, cwd: job.cwd, env: job.env });
      this.#setStatus("running");
      const writer = artifacts;
      outcome = await runRunnerJob(job, {
        signal: clock.ctl.signal,
        transports: this.#hooks.transports,
        emit: (ev) => {
          clock.touch();
          this.#onEvent(ev, writer);
        },
      });
    } catch (e) {
      fault = `ftl2 runner failed: ${messageOf(e)}`;
    } finally {
      clock.stop();
      if (poll) clearInterval(poll);
    }
    this.#finish(artifacts, outcome, this.#callbackFault ?? fault);
    const { artifactsHandler, finishedCallback } = this.#hooks;
    if (artifactsHandler) artifactsHandler(job.artifactDir);
    if (finishedCallback) finishedCallback(this);
    return this;
  }

  #startCancelPoll(): ReturnType<typeof setInterval> | undefined {
    const cb = this.#hooks.cancelCallback;
    if (!cb) return undefined;
    const check = (): void => {
      if (!this.#cancel.signal.aborted && this.#guard("cancelCallback", cb) === true) this.cancel();
    };
    check();
    return setInterval(check, this.#hooks.cancelPollMs ?? DEFAULT_CANCEL_POLL_MS);
  }

  #finish(artifacts: ArtifactsWriter | undefined, outcome: JobOutcome | undefined, fault: string | undefined): void {
    if (fault !== undefined || !outcome) {
      this.errored = true;
      this.explanation = fault ?? "ftl2 runner failed: the job ended without an outcome";
      this.rc = null;
      artifacts?.status("error", null);
      this.#setStatus("error", { job_explanation: this.explanation });
      return;
    }
    this.canceled = outcome.status === "canceled";
    this.timedOut = outcome.status === "timeout";
    this.rc = outcome.rc;
    artifacts?.status(outcome.status, outcome.rc);
    this.#setStatus(outcome.status);
  }
}
