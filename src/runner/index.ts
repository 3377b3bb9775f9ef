// Public face of runner/: ansible-runner compatibility (the AWX worker's jobs, events, stream and API).
export { resolveRunnerJob, type RunnerJob, type RunnerSettings, type ResolveJobContext } from "./_job-spec.ts";
export { RunnerJobError } from "./_job-error.ts";
export { AdhocEventBuilder, runnerColor, type RunnerEvent } from "./_adhoc-events.ts";
export { runAdhocJob, RC_CANCELED, type JobOutcome, type JobStatus, type RunJobIO } from "./_run-job.ts";
