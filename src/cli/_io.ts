// Everything the CLI touches outside itself, injected so tests run commands in-process.
import { isatty } from "node:tty";
import { writeFd } from "./_fd-write.ts";
import { promptSecretOnTty } from "./_prompt.ts";

export interface OutStream {
  write(text: string): void;
  isTTY?: boolean;
  columns?: number;
}

export type SignalName = "SIGINT" | "SIGTERM";

export interface CliIO {
  /** Arguments after the program name. */
  argv: string[];
  /** The name the program was invoked as (basename), e.g. "ftl2" or "ansible-runner". */
  argv0: string;
  env: Record<string, string | undefined>;
  cwd: string;
  stdout: OutStream;
  stderr: OutStream;
  /** Subscribes to SIGINT/SIGTERM; returns the unsubscribe function. */
  onSignal: (handler: (sig: SignalName) => void) => () => void;
  /** Standard input as bytes (the worker's and process's input stream). */
  stdin?: () => AsyncIterable<Uint8Array>;
  /** Reads a secret from the terminal (for -k/-K); undefined when there is no terminal. */
  promptSecret?: (prompt: string) => Promise<string | undefined>;
}

/**
 * The name the binary was invoked as: a compiled binary's argv[1] is its embedded entry (/$bunfs/...), so the
 * name (e.g. a copy or symlink called ansible-runner) comes from argv0; from source it is the script's name.
 */
export function invokedName(): string {
  const entry = process.argv[1] ?? "";
  const path = entry.startsWith("/$bunfs/") || entry === "" ? process.argv0 : entry;
  return path.split("/").pop() || "ftl2";
}

/** The real process's IO (never process.stdout: see _fd-write.ts). */
export function processIO(argv = process.argv.slice(2)): CliIO {
  const columns = Number(process.env.COLUMNS) || undefined;
  const out = (fd: number): OutStream => ({ write: (t) => writeFd(fd, t), isTTY: isatty(fd), columns });
  return {
    argv,
    argv0: invokedName(),
    env: process.env,
    cwd: process.cwd(),
    stdout: out(1),
    stderr: out(2),
    promptSecret: promptSecretOnTty,
    stdin: () => Bun.stdin.stream() as unknown as AsyncIterable<Uint8Array>,
    onSignal(handler) {
      const onInt = () => handler("SIGINT");
      const onTerm = () => handler("SIGTERM");
      process.on("SIGINT", onInt);
      process.on("SIGTERM", onTerm);
      return () => {
        process.off("SIGINT", onInt);
        process.off("SIGTERM", onTerm);
      };
    },
  };
}
