// A job the worker cannot run: its message is the `job_explanation` of the `error` status line.
import { FtlError } from "../errors.ts";

export class RunnerJobError extends FtlError {
  constructor(explanation: string) {
    super("RUNNER_INPUT", explanation);
  }
}
