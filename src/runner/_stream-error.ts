// A fault in a stream's input, worded as the real ansible-runner worker words it in its status line
// (`{"status": "error", "job_explanation": ..., "result_traceback": ...}`), so AWX shows the same text.
import { FtlError, type ErrorDetails } from "../errors.ts";

export const TRANSMIT_PARSE_FAILED = "Failed to JSON parse a line from transmit stream.";
export const WORKER_PARSE_FAILED = "Failed to JSON parse a line from worker stream.";
export const EXTRACT_FAILED = "Failed to extract private data directory on worker.";

export class StreamInputError extends FtlError {
  /** The status line's `job_explanation`. */
  readonly explanation: string;
  /** The status line's `result_traceback` (the real worker sends one for extraction failures). */
  readonly traceback?: string;

  constructor(explanation: string, detail?: string, details: ErrorDetails = {}) {
    super("RUNNER_INPUT", detail ? `${explanation} ${detail}` : explanation, details);
    this.explanation = explanation;
    if (detail !== undefined) this.traceback = detail;
  }

  /** The status line the real worker writes for this fault. */
  statusLine(): Record<string, unknown> {
    const line: Record<string, unknown> = { status: "error", job_explanation: this.explanation };
    if (this.traceback !== undefined) line.result_traceback = this.traceback;
    return line;
  }
}
