// The library API's entry points, as ansible-runner's interface.py: initRunner prepares a job (dump_artifacts,
// then the job resolved as RunnerConfig.prepare does), run runs it to the end, runAsync starts it and hands back
// the Runner at once. As in ansible-runner, bad options are thrown before anything runs: RunnerJobError (code
// RUNNER_INPUT) from initRunner and runAsync, a rejected promise from run. No Runner exists for such a job.
import { existsSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Transport } from "../transport/index.ts";
import { optionsToKwargs, type RunnerOptions } from "./_api-options.ts";
import { dumpArtifacts } from "./_dump-artifacts.ts";
import { RunnerJobError } from "./_job-error.ts";
import { resolveRunnerJob } from "./_job-spec.ts";
import { Runner } from "./_runner-object.ts";

/** What the embedding program supplies; defaults are the process's own. */
export interface RunnerContext {
  processEnv?: Readonly<Record<string, string | undefined>>;
  cwd?: string;
  transports?: readonly Transport[];
}

/** A prepared Runner (status `unstarted`); `runner.run()` starts it. */
export function initRunner(options: RunnerOptions, ctx: RunnerContext = {}): Runner {
  const kwargs = optionsToKwargs(options);
  const pdd = options.privateDataDir ? resolve(ctx.cwd ?? process.cwd(), options.privateDataDir) : mkdtempSync(join(tmpdir(), "ftl2-runner-"));
  kwargs.private_data_dir = pdd;
  // As dump_artifacts: a missing directory is an error, never created by writing an inline inventory into it.
  if (!existsSync(pdd) || !statSync(pdd).isDirectory()) throw new RunnerJobError(`private data dir ${pdd} does not exist`);
  dumpArtifacts(kwargs, pdd);
  const job = resolveRunnerJob(kwargs, { privateDataDir: pdd, processEnv: ctx.processEnv ?? process.env });
  return new Runner(job, {
    eventHandler: options.eventHandler, statusHandler: options.statusHandler, artifactsHandler: options.artifactsHandler,
    finishedCallback: options.finishedCallback, cancelCallback: options.cancelCallback, display: options.display,
    quiet: options.quiet, cancelPollMs: options.cancelPollMs, transports: ctx.transports,
  });
}

/** Runs the job to its end; resolves with the finished Runner (whatever its status). */
export async function run(options: RunnerOptions, ctx: RunnerContext = {}): Promise<Runner> {
  return initRunner(options, ctx).run();
}

/** Starts the job and returns at once: the Runner to watch or cancel, and the promise of its end. */
export function runAsync(options: RunnerOptions, ctx: RunnerContext = {}): { runner: Runner; done: Promise<Runner> } {
  const runner = initRunner(options, ctx);
  return { runner, done: runner.run() };
}
