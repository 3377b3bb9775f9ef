// Runs ftl2's CLI in-process with captured IO, and the real `ansible` CLI with the same arguments.
import { spawnSync } from "node:child_process";
import { runCli, type CliIO, type SignalName } from "../../src/cli/index.ts";
import { SYSTEM_PYTHON } from "./ansible.ts";

export interface CliRun {
  stdout: string;
  stderr: string;
  code: number;
}

export interface InProcessOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  tty?: boolean;
  argv0?: string;
  /** Sends a signal once the run has started (after `afterMs`). */
  signal?: { name: SignalName; afterMs: number };
}

export async function runFtl2(argv: string[], opts: InProcessOptions = {}): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  let handler: ((s: SignalName) => void) | undefined;
  const io: CliIO = {
    argv,
    argv0: opts.argv0 ?? "ftl2",
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...opts.env },
    cwd: opts.cwd ?? process.cwd(),
    stdout: { write: (t) => void (stdout += t), isTTY: opts.tty ?? false, columns: 100 },
    stderr: { write: (t) => void (stderr += t), isTTY: opts.tty ?? false, columns: 100 },
    onSignal: (h) => {
      handler = h;
      return () => (handler = undefined);
    },
  };
  const timer = opts.signal ? setTimeout(() => handler?.(opts.signal!.name), opts.signal.afterMs) : undefined;
  const code = await runCli(io);
  if (timer) clearTimeout(timer);
  return { stdout, stderr, code };
}

/** The real ansible with a deterministic environment (no colour, no config file, system python). */
export function runAnsible(argv: string[], opts: { env?: Record<string, string>; cwd?: string } = {}): CliRun {
  const r = spawnSync("ansible", argv, {
    cwd: opts.cwd,
    encoding: "utf8",
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ANSIBLE_NOCOLOR: "1",
      ANSIBLE_CONFIG: "",
      ANSIBLE_PYTHON_INTERPRETER: SYSTEM_PYTHON,
      ...opts.env,
    },
  });
  return { stdout: r.stdout, stderr: r.stderr, code: r.status ?? -1 };
}

/** Splits minimal-callback output into per-host blocks sorted by host, so completion order does not matter. */
export function hostBlocks(stdout: string): string[] {
  const blocks: string[] = [];
  for (const line of stdout.split("\n")) {
    if (/^\S+ \| (SUCCESS|CHANGED|FAILED|UNREACHABLE|SKIPPED)/.test(line) || blocks.length === 0) blocks.push(line);
    else blocks[blocks.length - 1] += "\n" + line;
  }
  return blocks.map((b) => b.trimEnd()).filter(Boolean).sort();
}
