// ansible-runner compatibility: the stream I/O layer (transmit, worker input, process, artifacts, zips) and
// the worker's info and cleanup sub-commands. docs/protocol/runner-stream.md is the byte-level spec.
export { StreamInputError, TRANSMIT_PARSE_FAILED, WORKER_PARSE_FAILED, EXTRACT_FAILED } from "./_stream-error.ts";
export { readWorkerInput, resolveKwargPaths, NO_KWARGS, BAD_KWARGS, type WorkerInput } from "./_worker-input.ts";
export { zipDirectory } from "./_zip-directory.ts";
export { extractZip } from "./_extract-zip.ts";
export { StreamWriter, KEEPALIVE_LINE } from "./_stream-writer.ts";
export { ArtifactsWriter, type ArtifactsWriterOptions } from "./_artifacts-writer.ts";
export {
  processStream,
  processArtifactDir,
  ARTIFACTS_EXTRACT_FAILED,
  type ProcessResult,
  type ProcessOptions,
} from "./_process-stream.ts";
export { transmit } from "./_transmit.ts";
export { parseTransmitArgv, buildTransmitKwargs, TRANSMIT_OPTIONS, type TransmitOptions } from "./_transmit-argv.ts";
export { parseProcessArgv, runProcessCommand, type ProcessCommandOptions } from "./_process-command.ts";
export { workerInfo, ensureRunnerUuid, RUNNER_VERSION } from "./_worker-info.ts";
export { cleanupPrivateDataDirs, parseCleanupArgv, pyGlob, type CleanupOptions, type CleanupResult } from "./_cleanup.ts";
// The job side: resolution of a job from kwargs and the private data dir, and its events.
export { resolveRunnerJob, DEFAULT_SCRIPT_DIR, type RunnerJob, type RunnerSettings, type ResolveJobContext } from "./_job-spec.ts";
export { RunnerJobError } from "./_job-error.ts";
export { AdhocEventBuilder, runnerColor, type RunnerEvent } from "./_adhoc-events.ts";
export { runAdhocJob, RC_CANCELED, type JobOutcome, type JobStatus, type RunJobIO } from "./_run-job.ts";
export { runRunnerJob, runScriptJob } from "./_script-job.ts";
export { PlaybookEventBuilder, type PlaybookEventOptions } from "./_playbook-events.ts";
export { EventSequence, type EventSequenceOptions } from "./_event-sequence.ts";
export { runWorker, type WorkerIO, type WorkerOptions } from "./_worker.ts";
export { parseArgs, type OptDef, type ParsedArgs } from "./_argparse.ts";
// The library API: run, runAsync, initRunner and the Runner, as ansible-runner's Python interface.
export { run, runAsync, initRunner, type RunnerContext } from "./_api.ts";
export { Runner, type RunnerHooks } from "./_runner-object.ts";
export {
  type RunnerOptions, type RunnerCallbacks, type RunnerStatus, type StatusData, type InventoryInput,
} from "./_api-options.ts";
export { type RunnerStats } from "./_artifacts-read.ts";
