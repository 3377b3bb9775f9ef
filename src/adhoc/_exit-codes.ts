// Exit codes as ansible's cli_executor assigns them: 5 for option errors, 4 for parser errors (bad -a / -e),
// 1 for other errors, 99 when the user interrupts, 250 for an unexpected exception (a bug in ftl2).
import { ArgsError, FtlError, OptionError } from "../errors.ts";

export const EXIT = { OK: 0, ERROR: 1, ARGPARSE: 2, FAILED: 2, UNREACHABLE: 4, PARSER: 4, OPTIONS: 5, INTERRUPTED: 99, BUG: 250 } as const;

export function exitCodeForError(e: unknown): number {
  if (e instanceof OptionError) return EXIT.OPTIONS;
  if (e instanceof ArgsError) return EXIT.PARSER;
  if (e instanceof FtlError) return e.code === "INTERNAL" ? EXIT.BUG : EXIT.ERROR;
  return EXIT.BUG;
}

export function describeError(e: unknown, verbosity: number): string {
  if (e instanceof FtlError && e.code !== "INTERNAL") return e.describe();
  const msg = e instanceof Error ? e.message : String(e);
  const trace = e instanceof Error && verbosity > 2 ? `\n${e.stack ?? ""}` : "\nto see the full traceback, use -vvv";
  return `Unexpected Exception, this is probably a bug: ${msg}${trace}\nPlease report it with the command line and this output.`;
}
