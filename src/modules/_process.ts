// Child processes for native modules, run the way Ansible's run_command runs them: async (never blocking the
// event loop), in their own process group so an abort kills the child and everything it started, stdout and
// stderr collected as bytes and decoded as Python's surrogateescape does.
import { spawn } from "node:child_process";
import { accessSync, constants, readFileSync, statSync } from "node:fs";
import { constants as osConstants } from "node:os";
import { join } from "node:path";
import { CanceledError } from "../errors.ts";

export interface ProcessOptions {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Bytes for the child's stdin; without them the child reads an empty stdin. */
  stdin?: Uint8Array;
  signal: AbortSignal;
}

export type ProcessOutcome =
  | { ok: true; rc: number; stdout: Uint8Array; stderr: Uint8Array }
  /** The program could not be started; `errno`/`message` as Python's OSError reports it. */
  | { ok: false; errno: number; message: string };

// After the child exits, run_command keeps reading only while output keeps coming within 1 s; a background
// grandchild that holds the pipes open does not hold up the result.
const DRAIN_IDLE_MS = 1000;

const STRERROR: Record<string, string> = {
  ENOENT: "No such file or directory",
  EACCES: "Permission denied",
  ENOEXEC: "Exec format error",
  ENOTDIR: "Not a directory",
  E2BIG: "Argument list too long",
  ELOOP: "Too many levels of symbolic links",
  ENAMETOOLONG: "File name too long",
};

/** Python's repr() of a bytes value, as it appears in OSError messages: b'name'. */
export function pyBytesRepr(s: string): string {
  const bytes = Buffer.from(s, "utf8");
  const quote = bytes.includes(0x27) && !bytes.includes(0x22) ? '"' : "'";
  let out = "";
  for (const b of bytes) {
    if (b === 0x5c) out += "\\\\";
    else if (b === quote.charCodeAt(0)) out += `\\${quote}`;
    else if (b === 0x09) out += "\\t";
    else if (b === 0x0a) out += "\\n";
    else if (b === 0x0d) out += "\\r";
    else if (b < 0x20 || b >= 0x7f) out += `\\x${b.toString(16).padStart(2, "0")}`;
    else out += String.fromCharCode(b);
  }
  return `b${quote}${out}${quote}`;
}

function spawnFailure(err: NodeJS.ErrnoException, program: string): ProcessOutcome {
  const code = err.code ?? "EIO";
  const errno = (osConstants.errno as Record<string, number>)[code] ?? Math.abs(err.errno ?? 5);
  const text = STRERROR[code] ?? err.message;
  return { ok: false, errno, message: `[Errno ${errno}] ${text}: ${pyBytesRepr(program)}` };
}

/** Runs argv[0] with argv (no shell); resolves when it has exited and its output is drained. */
export function runProcess(argv: readonly string[], opts: ProcessOptions): Promise<ProcessOutcome> {
  const [program, ...args] = argv;
  if (program === undefined) return Promise.resolve({ ok: false, errno: 2, message: "[Errno 2] No such file or directory: b''" });
  if (opts.signal.aborted) return Promise.reject(new CanceledError(`${program} was not started: the task was canceled`));
  const env = Object.fromEntries(Object.entries(opts.env).filter((e): e is [string, string] => e[1] !== undefined));
  return new Promise((resolve, reject) => {
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(program, args, {
        cwd: opts.cwd,
        env,
        detached: true, // own process group, so abort can kill the whole tree
        stdio: [opts.stdin ? "pipe" : "ignore", "pipe", "pipe"],
      });
    } catch (e) {
      // Bun reports some exec failures (ENOEXEC) by throwing rather than through the "error" event.
      resolve(spawnFailure(e as NodeJS.ErrnoException, program));
      return;
    }
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let exitCode: number | null = null;
    let idle: ReturnType<typeof setTimeout> | undefined;
    let settled = false;
    const armIdle = (): void => {
      if (exitCode === null) return;
      clearTimeout(idle);
      idle = setTimeout(finish, DRAIN_IDLE_MS);
    };
    child.stdout?.on("data", (b: Buffer) => (out.push(b), armIdle()));
    child.stderr?.on("data", (b: Buffer) => (err.push(b), armIdle()));
    const onAbort = (): void => {
      killGroup(child.pid);
      if (settled) return;
      settled = true;
      cleanup();
      reject(new CanceledError(`${program} was killed: the task was canceled`));
    };
    const cleanup = (): void => {
      clearTimeout(idle);
      opts.signal.removeEventListener("abort", onAbort);
      child.stdout?.destroy();
      child.stderr?.destroy();
    };
    function finish(): void {
      if (settled) return;
      settled = true;
      cleanup();
      resolve({ ok: true, rc: exitCode ?? 0, stdout: Buffer.concat(out), stderr: Buffer.concat(err) });
    }
    opts.signal.addEventListener("abort", onAbort, { once: true });
    child.on("error", (e: NodeJS.ErrnoException) => {
      if (settled) return;
      settled = true;
      cleanup();
      resolve(spawnFailure(e, program));
    });
    child.on("exit", (code, sig) => {
      // Python reports death by signal N as rc -N.
      exitCode = code ?? -((sig && (osConstants.signals as Record<string, number>)[sig]) || 1);
      armIdle();
    });
    child.on("close", finish);
    if (opts.stdin && child.stdin) {
      child.stdin.on("error", () => {}); // a child that never reads stdin is not an error (EPIPE)
      child.stdin.end(opts.stdin);
    }
  });
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

/**
 * UTF-8 to text the way Python's `surrogateescape` does: each byte of an invalid sequence becomes U+DC80..U+DCFF,
 * which is what Ansible's command and raw results carry for non-UTF-8 output.
 */
export function decodeSurrogateEscape(bytes: Uint8Array): string {
  let out = "";
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      let j = i;
      while (j < n && (bytes[j] as number) < 0x80) j++;
      out += Buffer.from(bytes.buffer, bytes.byteOffset + i, j - i).toString("latin1");
      i = j;
      continue;
    }
    const len = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    let cp = len === 2 ? b & 0x1f : len === 3 ? b & 0x0f : b & 0x07;
    let ok = len > 0 && i + len <= n;
    for (let k = 1; ok && k < len; k++) {
      const c = bytes[i + k] as number;
      // Second-byte limits rule out overlongs, UTF-16 surrogates and code points above U+10FFFF.
      const lo = k === 1 && b === 0xe0 ? 0xa0 : k === 1 && b === 0xf0 ? 0x90 : 0x80;
      const hi = k === 1 && b === 0xed ? 0x9f : k === 1 && b === 0xf4 ? 0x8f : 0xbf;
      if (c < lo || c > hi) ok = false;
      else cp = (cp << 6) | (c & 0x3f);
    }
    if (ok) {
      out += String.fromCodePoint(cp);
      i += len;
    } else {
      out += String.fromCharCode(0xdc00 + b);
      i++;
    }
  }
  return out;
}

/** Python's str.splitlines(): the line breaks it knows, no trailing empty line. */
export function pySplitlines(s: string): string[] {
  if (s === "") return [];
  const lines = s.split(/\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/);
  if (/(?:\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029])$/.test(s)) lines.pop();
  return lines;
}

/** os.path.expandvars: $NAME and ${NAME} from env; unknown names stay as written. */
export function expandVars(s: string, env: Readonly<Record<string, string | undefined>>): string {
  if (!s.includes("$")) return s;
  return s.replace(/\$([A-Za-z0-9_]+|\{[^}]*\})/g, (m, name: string) => {
    const key = name.startsWith("{") && name.endsWith("}") ? name.slice(1, -1) : name;
    return env[key] ?? m;
  });
}

/** check_type_path: $VAR then ~ expansion, as AnsibleModule applies to `type: path` arguments and argv words. */
export function expandPath(p: string, env: Readonly<Record<string, string | undefined>>): string {
  return expandUser(expandVars(p, env), env);
}

/** os.path.expanduser for `~` (HOME) and `~user` (/etc/passwd); unknown users stay as written. */
export function expandUser(s: string, env: Readonly<Record<string, string | undefined>>): string {
  if (!s.startsWith("~")) return s;
  let i = s.indexOf("/", 1);
  if (i < 0) i = s.length;
  const name = s.slice(1, i);
  const home = name === "" ? (env.HOME ?? lookupHome(process.getuid?.() ?? -1)) : lookupHome(name);
  if (home === undefined) return s;
  return home.replace(/\/+$/, "") + s.slice(i) || "/";
}

function lookupHome(user: string | number): string | undefined {
  try {
    const passwd = readFileSync("/etc/passwd", "utf8");
    for (const line of passwd.split("\n")) {
      const f = line.split(":");
      if (f.length >= 6 && (f[0] === user || f[2] === String(user))) return f[5];
    }
  } catch {
    // No passwd file: leave ~ as written, as Python does when pwd fails.
  }
  return undefined;
}

/** get_bin_path: PATH, then /sbin, /usr/sbin, /usr/local/sbin; a regular executable file, or undefined. */
export function findBinPath(name: string, env: Readonly<Record<string, string | undefined>>): string | undefined {
  const dirs = (env.PATH ?? "").split(":");
  for (const d of ["/sbin", "/usr/sbin", "/usr/local/sbin"]) if (!dirs.includes(d)) dirs.push(d);
  for (const d of dirs) {
    if (!d) continue;
    const p = join(d, name);
    try {
      if (statSync(p).isDirectory()) continue;
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // Not here.
    }
  }
  return undefined;
}
