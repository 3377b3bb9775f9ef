// Public face of executor/: run a task on many hosts over pooled connections.
export { runTask } from "./_run-task.ts";
export type { HostResult, RunTaskOptions, TaskOutcome, TaskSpec } from "./_run-task.ts";
export { ConnectionPool } from "./_pool.ts";
export { ForkLimiter } from "./_limiter.ts";
export { classifyResult, emptyStats, exitCodeFor, recordStatus } from "./_stats.ts";
export { runWindowed } from "./_window.ts";
