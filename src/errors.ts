// One error hierarchy for the whole engine. Every error has a stable code, a message that names what was
// wrong and where (file and line when the user's own input is at fault), and a hint the user can act on.
// A failed task is a result, not an exception; an unreachable host is its own outcome (UnreachableError).

export type ErrorCode =
  | "INVENTORY_PARSE"
  | "INVENTORY_NOT_FOUND"
  | "INVENTORY_SCRIPT"
  | "PATTERN_INVALID"
  | "LIMIT_INVALID"
  | "MODULE_ARGS_INVALID"
  | "EXTRA_VARS_INVALID"
  | "MODULE_NOT_FOUND"
  | "OPTION_INVALID"
  | "UNREACHABLE"
  | "GATE_PROTOCOL"
  | "TIMEOUT"
  | "CANCELED"
  | "RUNNER_INPUT"
  | "SCRIPT_ERROR"
  | "STATE_FILE"
  | "TASK_FAILED"
  | "INTERNAL";

export interface ErrorDetails {
  hint?: string;
  file?: string;
  line?: number;
  column?: number;
  cause?: unknown;
}

export class FtlError extends Error {
  readonly code: ErrorCode;
  readonly hint?: string;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = details.hint;
    this.file = details.file;
    this.line = details.line;
    this.column = details.column;
  }

  /** Where the error is, as `file:line:column`, or undefined when it is not tied to a file. */
  get location(): string | undefined {
    if (!this.file) return undefined;
    if (this.line === undefined) return this.file;
    return this.column === undefined ? `${this.file}:${this.line}` : `${this.file}:${this.line}:${this.column}`;
  }

  /** One line for the user: `location: message (hint)`. */
  describe(): string {
    const where = this.location ? `${this.location}: ` : "";
    return `${where}${this.message}${this.hint ? ` (hint: ${this.hint})` : ""}`;
  }
}

export class InventoryError extends FtlError {}
export class PatternError extends FtlError {}
export class ArgsError extends FtlError {}
export class ModuleNotFoundError extends FtlError {
  /** True when nothing by that name exists anywhere searched (not a removed or broken module). */
  notFound = false;
}
/** Bad command-line options: the CLI exits 5, as ansible does. */
export class OptionError extends FtlError {}
/** The host could not be reached or its transport died; the host's outcome becomes UNREACHABLE. */
export class UnreachableError extends FtlError {
  constructor(message: string, details: ErrorDetails = {}) {
    super("UNREACHABLE", message, details);
  }
}
export class TimeoutError extends FtlError {
  constructor(message: string, details: ErrorDetails = {}) {
    super("TIMEOUT", message, details);
  }
}
export class CanceledError extends FtlError {
  constructor(message = "canceled", details: ErrorDetails = {}) {
    super("CANCELED", message, details);
  }
}

export function isFtlError(e: unknown): e is FtlError {
  return e instanceof FtlError;
}

/** Message text of anything thrown, without a stack. */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
