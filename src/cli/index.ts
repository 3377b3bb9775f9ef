// The CLI's public face: one entry that picks the command from argv. The ad-hoc command keeps ansible's
// own flags (parsed argparse-style); the other commands are citty commands, one file each.
import { runAdhocCommand } from "./adhoc.ts";
import type { CliIO } from "./_io.ts";

export type { CliIO, OutStream, SignalName } from "./_io.ts";
export { processIO } from "./_io.ts";

/** Runs the command `io.argv` names; resolves to the exit code. */
export async function runCli(io: CliIO): Promise<number> {
  return runAdhocCommand(io);
}
