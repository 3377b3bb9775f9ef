// The CLI's public face: one entry that picks the command from argv. The ad-hoc command keeps ansible's
// own flags (parsed argparse-style); the other commands are citty commands, one file each.
import { runAdhocCommand } from "./adhoc.ts";
import { RUNNER_COMMANDS, runRunnerCommand } from "./runner.ts";
import { runScriptCommand } from "./run.ts";
import type { CliIO } from "./_io.ts";
import { RUNNER_VERSION } from "../runner/index.ts";

export type { CliIO, OutStream, SignalName } from "./_io.ts";
export { processIO } from "./_io.ts";

/** Runs the command `io.argv` names; resolves to the exit code. */
export async function runCli(io: CliIO): Promise<number> {
  // Under the name ansible-runner, every invocation is an ansible-runner command line.
  if (io.argv0 === "ansible-runner") {
    if (io.argv[0] === "--version") {
      io.stdout.write(`${RUNNER_VERSION}\n`);
      return 0;
    }
    return runRunnerCommand(io, io.argv);
  }
  if (io.argv[0] === "run") return runScriptCommand(io);
  if ((RUNNER_COMMANDS as readonly string[]).includes(io.argv[0] ?? "")) return runRunnerCommand(io, io.argv);
  return runAdhocCommand(io);
}
