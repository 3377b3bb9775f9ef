// `ftl2 worker|transmit|process ...`, and the same under the name `ansible-runner` (a copy or symlink of the
// binary), with ansible-runner's arguments: the AWX execution node's entry point. Argument errors follow
// argparse (usage and `error:` on stderr, exit 2); once a worker reads its stdin, every error goes into the
// stream instead.
import { randomUUID } from "node:crypto";
import { OptionError } from "../errors.ts";
import {
  RUNNER_VERSION, buildTransmitKwargs, parseArgs, type OptDef, cleanupPrivateDataDirs, parseCleanupArgv, parseProcessArgv, parseTransmitArgv,
  runProcessCommand, runWorker, transmit, workerInfo,
} from "../runner/index.ts";

import type { CliIO } from "./_io.ts";

const WORKER_OPTIONS: readonly OptDef[] = [
  { dest: "help", kind: "flag", flags: ["-h", "--help"] },
  { dest: "version", kind: "flag", flags: ["--version"] },
  { dest: "debug", kind: "flag", flags: ["--debug"] },
  { dest: "logfile", kind: "store", flags: ["--logfile"] },
  { dest: "private_data_dir", kind: "store", flags: ["--private-data-dir"] },
  { dest: "worker_info", kind: "flag", flags: ["--worker-info"] },
  { dest: "delete", kind: "flag", flags: ["--delete"] },
  { dest: "keepalive_seconds", kind: "int", flags: ["--keepalive-seconds"] },
];

const USAGE: Record<string, string> = {
  worker: "usage: ansible-runner worker [-h] [--private-data-dir PRIVATE_DATA_DIR] [--worker-info] [--delete] [--keepalive-seconds KEEPALIVE_SECONDS] {cleanup} ...\n",
  transmit: "usage: ansible-runner transmit [-h] [-p PLAYBOOK | -m MODULE] [--hosts HOSTS] [-a MODULE_ARGS] [--limit LIMIT] [--cmdline CMDLINE] [--forks FORKS] [-i IDENT] [-v] private_data_dir\n",
  process: "usage: ansible-runner process [-h] [-i IDENT] private_data_dir\n",
};

function textOf(chunk: string | Uint8Array): string {
  return typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk);
}

function usageError(io: CliIO, command: string, e: OptionError): number {
  io.stderr.write(`${USAGE[command] ?? ""}ansible-runner ${command}: error: ${e.message.replace(/\n$/, "")}\n`);
  const code = (e as OptionError & { exitCode?: number }).exitCode;
  return code ?? 2;
}

/** -h and --version answer before anything runs; true when one of them did. */
function answeredHelpOrVersion(io: CliIO, command: string, a: { help?: unknown; version?: unknown }): boolean {
  if (a.help) io.stdout.write(USAGE[command] as string);
  else if (a.version) io.stdout.write(`${RUNNER_VERSION}\n`);
  return Boolean(a.help || a.version);
}

function stdinOf(io: CliIO): AsyncIterable<Uint8Array> {
  if (!io.stdin) throw new Error("no standard input available");
  return io.stdin();
}

async function worker(io: CliIO, argv: string[]): Promise<number> {
  if (argv[0] === "cleanup") {
    const opts = parseCleanupArgv(argv.slice(1));
    const r = await cleanupPrivateDataDirs(opts);
    io.stdout.write(r.output);
    if (r.error) {
      io.stderr.write(`${r.error}\n`);
      return 1;
    }
    return 0;
  }
  const a = parseArgs(argv, WORKER_OPTIONS, []);
  if (answeredHelpOrVersion(io, "worker", a)) return 0;
  if (a.worker_info) {
    io.stdout.write(workerInfo({ home: io.env.HOME }));
    return 0;
  }
  const ctl = new AbortController();
  const off = io.onSignal(() => ctl.abort("canceled"));
  try {
    return await runWorker(
      {
        privateDataDir: typeof a.private_data_dir === "string" ? a.private_data_dir : undefined,
        delete: a.delete === true,
        keepaliveSeconds: typeof a.keepalive_seconds === "number" ? a.keepalive_seconds : undefined,
      },
      { input: stdinOf(io), write: (c) => io.stdout.write(textOf(c)), cwd: io.cwd, env: io.env, signal: ctl.signal },
    );
  } finally {
    off();
  }
}

async function transmitCommand(io: CliIO, argv: string[]): Promise<number> {
  const opts = parseTransmitArgv(argv, io.env);
  if (answeredHelpOrVersion(io, "transmit", opts.args)) return 0;
  const kwargs = buildTransmitKwargs(opts, { cwd: io.cwd, ident: () => randomUUID() });
  await transmit(opts.privateDataDir, kwargs, (c) => io.stdout.write(textOf(c)));
  return 0;
}

async function processCommand(io: CliIO, argv: string[]): Promise<number> {
  const opts = parseProcessArgv(argv);
  if (answeredHelpOrVersion(io, "process", opts)) return 0;
  const { exitCode } = await runProcessCommand(opts, stdinOf(io), { cwd: io.cwd, stdout: (t) => io.stdout.write(t) });
  return exitCode;
}

/** Runs `argv` = [command, ...args] with command one of src/cli/index.ts RUNNER_COMMANDS. */
export async function runRunnerCommand(io: CliIO, argv: string[]): Promise<number> {
  const [command = "", ...rest] = argv;
  try {
    if (command === "worker") return await worker(io, rest);
    if (command === "transmit") return await transmitCommand(io, rest);
    if (command === "process") return await processCommand(io, rest);
  } catch (e) {
    if (e instanceof OptionError) return usageError(io, command, e);
    throw e;
  }
  io.stderr.write(
    `usage: ansible-runner {worker,transmit,process} ...\nansible-runner: error: ${command ? `'${command}' is not supported by ftl2 (it runs worker, transmit and process)` : "a command is required"}\n`,
  );
  return 2;
}
