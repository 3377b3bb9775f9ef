// The binary's entry point. `--version` answers before anything else loads, to keep it instant.
import { writeFd } from "./cli/_fd-write.ts";
import { versionText } from "./version.ts";

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.length === 1 && argv[0] === "--version" && !process.argv0.endsWith("ansible-runner")) {
    writeFd(1, versionText());
    return;
  }
  const { runCli, processIO } = await import("./cli/index.ts");
  const code = await runCli(processIO(argv));
  process.exit(code);
}

void main();
