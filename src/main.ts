// The binary's entry point. `--version` answers before anything else loads, to keep it instant.
import { versionText } from "./version.ts";

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.length === 1 && argv[0] === "--version") {
    process.stdout.write(versionText());
    return;
  }
  const { runCli, processIO } = await import("./cli/index.ts");
  const code = await runCli(processIO(argv));
  // Flush stdout before exiting: a piped stdout may still hold buffered output.
  await new Promise<void>((resolve) => (process.stdout.write("") ? resolve() : process.stdout.once("drain", resolve)));
  process.exit(code);
}

void main();
