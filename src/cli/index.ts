// The CLI's public face: one entry that picks the command from argv. The ad-hoc command keeps ansible's
// own flags (parsed argparse-style); the other commands are citty commands, one file each. Each front door is
// imported when its command is run, so a process loads only the code of the one it uses.
import type { CliIO } from "./_io.ts";

export type { CliIO, OutStream, SignalName } from "./_io.ts";
export { processIO } from "./_io.ts";

/** ansible-runner's commands, run by src/cli/runner.ts (named here, so choosing a command loads nothing). */
const RUNNER_COMMANDS: readonly string[] = ["worker", "transmit", "process"];

/** Runs the command `io.argv` names; resolves to the exit code. */
export async function runCli(io: CliIO): Promise<number> {
  // Under the name ansible-runner, every invocation is an ansible-runner command line.
  if (io.argv0 === "ansible-runner") {
    if (io.argv[0] === "--version") {
      const { RUNNER_VERSION } = await import("../runner/_worker-info.ts");
      io.stdout.write(`${RUNNER_VERSION}\n`);
      return 0;
    }
    return (await import("./runner.ts")).runRunnerCommand(io, io.argv);
  }
  if (io.argv[0] === "run") return (await import("./run.ts")).runScriptCommand(io);
  if (io.argv[0] === "types") return (await import("./types.ts")).runTypesCommand(io);
  if (RUNNER_COMMANDS.includes(io.argv[0] ?? "")) return (await import("./runner.ts")).runRunnerCommand(io, io.argv);
  return (await import("./adhoc.ts")).runAdhocCommand(io);
}
