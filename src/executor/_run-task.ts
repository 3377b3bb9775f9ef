// Runs one task on many hosts: a sliding window of `forks`, per-host results and stats, fail-fast,
// a per-task timeout, and cancellation (nothing new starts; running modules are aborted and reported).
import { randomUUID } from "node:crypto";
import { TimeoutError, UnreachableError, errorMessage } from "../errors.ts";
import type { EventBus, HostStatus, RunStats } from "../events/index.ts";
import type { ModuleParams, ModuleResult } from "../modules/_types.ts";
import type { PreparedModule } from "../modules/_prepare.ts";
import type { HostTarget } from "../transport/_types.ts";
import type { ForkLimiter } from "./_limiter.ts";
import type { ConnectionPool } from "./_pool.ts";
import { classifyResult, emptyStats, recordStatus } from "./_stats.ts";
import { runWindowed } from "./_window.ts";

export interface TaskSpec {
  module: PreparedModule;
  args: ModuleParams;
  checkMode?: boolean;
  diffMode?: boolean;
  verbosity?: number;
  /** Ansible's task timeout (--task-timeout), seconds; 0 or undefined = none. */
  timeoutSec?: number;
}

export interface HostResult {
  host: string;
  status: HostStatus;
  result: ModuleResult;
  startedAt: Date;
  endedAt: Date;
  durationMs: number;
}

export interface RunTaskOptions {
  hosts: readonly HostTarget[];
  task: TaskSpec;
  forks: number;
  pool: ConnectionPool;
  failFast?: boolean;
  signal?: AbortSignal;
  events?: EventBus;
  runId?: string;
  pattern?: string;
  /** Called as each host finishes, in completion order. */
  onResult?: (r: HostResult) => void;
  /** Called as each host starts. */
  onStart?: (host: string) => void;
  /** Shared with other tasks running at the same time: a host starts only with a slot from it too. */
  limiter?: ForkLimiter;
}

export interface TaskOutcome {
  runId: string;
  /** In completion order. */
  results: HostResult[];
  stats: RunStats;
  canceled: boolean;
  /** Fail-fast stopped the run before every host started. */
  stoppedEarly: boolean;
}

export async function runTask(opts: RunTaskOptions): Promise<TaskOutcome> {
  const runId = opts.runId ?? randomUUID();
  const { task, events } = opts;
  const signal = opts.signal ?? new AbortController().signal;
  const stats = emptyStats();
  const results: HostResult[] = [];
  let stoppedEarly = false;
  const checkMode = task.checkMode ?? false;

  events?.emit({
    type: "run_start", runId, pattern: opts.pattern ?? "", module: task.module.action, args: task.args,
    hosts: opts.hosts.map((h) => h.name), checkMode, timestamp: new Date(),
  });

  const runOne = async (target: HostTarget): Promise<void> => {
    const release = await opts.limiter?.acquire();
    try {
      if (signal.aborted || stoppedEarly) return;
      await runStarted(target);
    } finally {
      release?.();
    }
  };

  const runStarted = async (target: HostTarget): Promise<void> => {
    const startedAt = new Date();
    opts.onStart?.(target.name);
    events?.emit({ type: "module_start", runId, module: task.module.action, host: target.name, checkMode, timestamp: startedAt });
    const result = await runOnHost(target, opts, signal);
    if (signal.aborted && result === CANCELED) return;
    const endedAt = new Date();
    const r = result as ModuleResult;
    const status = classifyResult(r);
    recordStatus(stats, target.name, status);
    const hr: HostResult = { host: target.name, status, result: r, startedAt, endedAt, durationMs: endedAt.getTime() - startedAt.getTime() };
    results.push(hr);
    if (opts.failFast && (status === "failed" || status === "unreachable")) stoppedEarly = true;
    events?.emit({
      type: "module_complete", runId, module: task.module.action, host: target.name, status,
      success: status !== "failed" && status !== "unreachable", changed: r.changed === true, result: r,
      error: status === "failed" || status === "unreachable" ? String(r.msg ?? "") : undefined,
      startedAt, endedAt, durationMs: hr.durationMs,
    });
    opts.onResult?.(hr);
  };

  await runWindowed(opts.hosts, opts.forks, runOne, () => !signal.aborted && !stoppedEarly);
  const canceled = signal.aborted;
  events?.emit({ type: "run_complete", runId, stats, canceled, timestamp: new Date() });
  return { runId, results, stats, canceled, stoppedEarly: stoppedEarly && results.length < opts.hosts.length };
}

const CANCELED = Symbol("canceled");

/**
 * The result as Ansible's TaskExecutor hands it to callbacks: `_ansible_no_log` after the module's own keys
 * (not on unreachable results), then `changed: false` when the module did not say. Callbacks strip the
 * internal key; the AWX worker's events carry it, as ansible-runner's do.
 */
function taskExecutorResult(result: ModuleResult): ModuleResult {
  const r: ModuleResult = { ...result };
  if (r.unreachable !== true && !("_ansible_no_log" in r)) r._ansible_no_log = false;
  if (!("changed" in r)) r.changed = false;
  return r;
}

async function runOnHost(
  target: HostTarget,
  opts: RunTaskOptions,
  runSignal: AbortSignal,
): Promise<ModuleResult | typeof CANCELED> {
  const { task } = opts;
  const ctl = new AbortController();
  const onAbort = () => ctl.abort(runSignal.reason);
  runSignal.addEventListener("abort", onAbort, { once: true });
  let timedOut = false;
  const timer =
    task.timeoutSec && task.timeoutSec > 0
      ? setTimeout(() => {
          timedOut = true;
          ctl.abort(new Error("task timeout"));
        }, task.timeoutSec * 1000)
      : undefined;
  const timeoutResult = (): ModuleResult => ({
    failed: true,
    msg: `The ${task.module.action} action failed to execute in the expected time frame (${task.timeoutSec}) and was terminated`,
  });
  try {
    const conn = await opts.pool.get(target, ctl.signal);
    // TaskExecutor's error path: no `changed` default on these.
    if (task.module.missing) return { failed: true, msg: task.module.missing, _ansible_no_log: false };
    const run = conn.runModule({
      module: task.module, args: task.args, checkMode: task.checkMode ?? false, diffMode: task.diffMode ?? false,
      verbosity: task.verbosity ?? 0, signal: ctl.signal, ...(task.timeoutSec && task.timeoutSec > 0 ? { timeoutSec: task.timeoutSec } : {}),
    });
    // A module that ignores the abort must not hold the run: race it against the abort itself.
    const aborted = new Promise<"aborted">((resolve) => ctl.signal.addEventListener("abort", () => resolve("aborted"), { once: true }));
    const r = await Promise.race([run, aborted]);
    if (r === "aborted") {
      run.catch(() => {});
      return timedOut ? taskExecutorResult(timeoutResult()) : CANCELED;
    }
    if (timedOut) return taskExecutorResult(timeoutResult());
    return taskExecutorResult(r);
  } catch (e) {
    if (timedOut || e instanceof TimeoutError) return taskExecutorResult(timeoutResult());
    if (runSignal.aborted) return CANCELED;
    if (e instanceof UnreachableError) {
      await opts.pool.discard(target.name).catch(() => {});
      return { unreachable: true, msg: e.message, changed: false };
    }
    return { failed: true, msg: errorMessage(e), _ansible_no_log: false };
  } finally {
    if (timer) clearTimeout(timer);
    runSignal.removeEventListener("abort", onAbort);
  }
}
