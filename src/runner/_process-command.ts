// `ansible-runner process PRIVATE_DATA_DIR [-i IDENT]`: its options, and what the command does around the
// Processor: the private data dir made 0700, an empty daemon.log (0600) left in it, every event's stdout
// printed (this sub-command has no --quiet), exit code 0 whatever the job's outcome (the real command returns
// the Processor's rc, which it never sets). A bad artifacts zip makes the real one exit 1 with a traceback in
// daemon.log; here it exits 1 too, the reason in the returned result.
import { closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs, type OptDef } from "./_argparse.ts";
import { ARTIFACTS_EXTRACT_FAILED, processStream, type ProcessOptions, type ProcessResult } from "./_process-stream.ts";

export const PROCESS_OPTIONS: readonly OptDef[] = [
  { dest: "help", kind: "flag", flags: ["-h", "--help"] },
  { dest: "version", kind: "flag", flags: ["--version"] },
  { dest: "debug", kind: "flag", flags: ["--debug"] },
  { dest: "logfile", kind: "store", flags: ["--logfile"] },
  { dest: "ident", kind: "store", flags: ["-i", "--ident"] },
];

export interface ProcessCommandOptions {
  privateDataDir: string;
  ident?: string;
  help?: boolean;
  version?: boolean;
}

export function parseProcessArgv(argv: readonly string[]): ProcessCommandOptions {
  const a = parseArgs(argv, PROCESS_OPTIONS, ["private_data_dir"]);
  const out: ProcessCommandOptions = { privateDataDir: String(a.private_data_dir ?? "") };
  if (typeof a.ident === "string") out.ident = a.ident;
  if (a.help) out.help = true;
  if (a.version) out.version = true;
  return out;
}

export async function runProcessCommand(
  opts: ProcessCommandOptions,
  src: AsyncIterable<Uint8Array>,
  io: { cwd: string; stdout: (text: string) => void; tmpdir?: () => string },
  handlers: Omit<ProcessOptions, "quiet" | "ident" | "stdout"> = {},
): Promise<{ exitCode: number; result: ProcessResult }> {
  const pdd = opts.privateDataDir ? resolve(io.cwd, opts.privateDataDir) : resolve(io.tmpdir?.() ?? "/tmp");
  mkdirSync(pdd, { recursive: true, mode: 0o700 });
  const log = join(pdd, "daemon.log");
  if (!existsSync(log)) closeSync(openSync(log, "a", 0o600));
  const result = await processStream(src, pdd, { ...handlers, ...(opts.ident ? { ident: opts.ident } : {}), stdout: io.stdout });
  return { exitCode: result.explanation === ARTIFACTS_EXTRACT_FAILED ? 1 : 0, result };
}
