// ansible.builtin.wait_for: wait for a port to open/close/drain or a file to appear (optionally containing a
// regex) or vanish; same checks, result keys and timeout messages as modules/wait_for.py. Every wait is
// abortable through ctx.signal. Patterns are Python `re` syntax, translated to JS for the common forms.
import { lookup } from "node:dns/promises";
import { stat, readFile } from "node:fs/promises";
import { isIPv4, isIPv6, Socket } from "node:net";
import { resolve } from "node:path";
import { CanceledError } from "../errors.ts";
import { addPathInfo } from "./_path-info.ts";
import { expandPath } from "./_process.ts";
import type { ModuleContext, ModuleParams, ModuleResult, NativeModule } from "./_types.ts";

const CONNECTION_STATE_IDS: Record<string, string> = {
  ESTABLISHED: "01", SYN_SENT: "02", SYN_RECV: "03", FIN_WAIT1: "04", FIN_WAIT2: "05", TIME_WAIT: "06",
};

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((res, rej) => {
    if (signal.aborted) return rej(new CanceledError("wait_for was canceled"));
    const t = setTimeout(() => (signal.removeEventListener("abort", onAbort), res()), ms);
    const onAbort = (): void => (clearTimeout(t), rej(new CanceledError("wait_for was canceled")));
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** Python `re` (bytes, MULTILINE) to a JS RegExp over latin1 text, for named groups, \A, \Z and leading flags. */
export function compilePyRegex(pattern: string): RegExp {
  let flags = "m";
  const lead = /^\(\?([aiLmsux]+)\)/.exec(pattern);
  if (lead) {
    for (const f of lead[1] as string) if ((f === "i" || f === "s") && !flags.includes(f)) flags += f;
    pattern = pattern.slice(lead[0].length);
  }
  const js = pattern
    .replace(/\(\?P<([A-Za-z_]\w*)>/g, "(?<$1>")
    .replace(/\(\?P=([A-Za-z_]\w*)\)/g, "\\k<$1>")
    .replace(/\\A/g, "(?<![\\s\\S])")
    .replace(/\\Z/g, "(?![\\s\\S])");
  // Bytes patterns match bytes: UTF-8 text in the pattern must meet the file's bytes, seen here as latin1.
  return new RegExp(Buffer.from(js, "utf8").toString("latin1"), flags);
}

/** Groups as the module returns them: bytes decoded to text, unmatched groups null. */
function groupsOf(m: RegExpExecArray): { groups: (string | null)[]; named: Record<string, string | null> } {
  const text = (s: string | undefined): string | null => (s === undefined ? null : Buffer.from(s, "latin1").toString("utf8"));
  const named: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(m.groups ?? {})) named[k] = text(v);
  return { groups: m.slice(1).map(text), named };
}

/** socket.create_connection((host, port), timeout); then read until `re` matches, EOF or `deadline`. */
function probePort(host: string, port: number, timeoutS: number, re: RegExp | null, deadline: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((res) => {
    const sock = new Socket();
    let data = "";
    const done = (ok: boolean): void => {
      clearTimeout(readTimer);
      signal.removeEventListener("abort", onAbort);
      sock.destroy();
      res(ok);
    };
    const onAbort = (): void => done(false);
    let readTimer: ReturnType<typeof setTimeout> | undefined;
    signal.addEventListener("abort", onAbort, { once: true });
    sock.setTimeout(timeoutS * 1000, () => done(false));
    sock.once("error", () => done(false));
    sock.connect({ host, port }, () => {
      sock.setTimeout(0);
      if (!re) return done(true);
      readTimer = setTimeout(() => done(false), Math.max(0, deadline - Date.now()));
      sock.on("data", (b: Buffer) => {
        data += b.toString("latin1");
        re.lastIndex = 0;
        if (re.test(data)) done(true);
      });
      sock.once("end", () => done(false));
    });
  });
}

/** The host's addresses in /proc/net/tcp* notation: [family, hex], with IPv4 also as ::ffff:a.b.c.d. */
async function hostToHex(host: string): Promise<[4 | 6, string][]> {
  const addrs = isIPv4(host) || isIPv6(host) ? [{ address: host, family: isIPv4(host) ? 4 : 6 }] : await lookup(host, { all: true });
  const out: [4 | 6, string][] = [];
  for (const a of addrs) {
    out.push([a.family as 4 | 6, ipToProcHex(a.address)]);
    if (a.family === 4) out.push([6, ipToProcHex(`::ffff:${a.address}`)]);
  }
  return out;
}

function ipToProcHex(ip: string): string {
  let bytes: number[];
  if (isIPv4(ip)) bytes = ip.split(".").map(Number);
  else {
    const v4 = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
    const text = v4 ? `${v4[1]}${ipToWords(v4[2] as string)}` : ip;
    const [head, tail = ""] = text.split("::") as [string, string?];
    const h = head ? head.split(":") : [];
    const t = tail ? tail.split(":") : [];
    const words = text.includes("::") ? [...h, ...Array(8 - h.length - t.length).fill("0"), ...t] : h;
    bytes = words.flatMap((w) => [Number.parseInt(w, 16) >> 8, Number.parseInt(w, 16) & 0xff]);
  }
  // Each 4-byte group in host (little-endian) order, as the kernel prints it.
  let hex = "";
  for (let i = 0; i < bytes.length; i += 4) {
    hex += bytes.slice(i, i + 4).reverse().map((b) => b.toString(16).toUpperCase().padStart(2, "0")).join("");
  }
  return hex;
}

function ipToWords(v4: string): string {
  const b = v4.split(".").map(Number) as [number, number, number, number];
  return `${((b[0] << 8) | b[1]).toString(16)}:${((b[2] << 8) | b[3]).toString(16)}`;
}

async function activeConnections(host: string, port: number, states: string[], exclude: string[] | null): Promise<number> {
  const ips = (await hostToHex(host)).map(([f, h]) => `${f}/${h}`);
  const excluded = new Set<string>();
  for (const h of exclude ?? []) for (const [f, x] of await hostToHex(h)) excluded.add(`${f}/${x}`);
  const portHex = port.toString(16).toUpperCase().padStart(4, "0");
  const stateIds = states.map((s) => CONNECTION_STATE_IDS[s]);
  let count = 0;
  for (const [family, file, any] of [[4, "/proc/net/tcp", "00000000"], [6, "/proc/net/tcp6", "0".repeat(32)]] as const) {
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n")) {
      const f = line.trim().split(/\s+/);
      if (f.length < 4 || f[1] === "local_address" || !stateIds.includes(f[3])) continue;
      const [localIp, localPort] = (f[1] as string).split(":") as [string, string];
      if (localPort !== portHex) continue;
      if (excluded.has(`${family}/${(f[2] as string).split(":")[0]}`)) continue;
      const mapped = localIp.startsWith("0000000000000000FFFF0000") && ips.includes(`${family}/0000000000000000FFFF000000000000`);
      if (ips.includes(`${family}/${localIp}`) || ips.includes(`${family}/${any}`) || mapped) count++;
    }
  }
  return count;
}

async function runWaitFor(p: ModuleParams, ctx: ModuleContext): Promise<ModuleResult> {
  const host = p.host as string;
  const [timeout, connectTimeout, delay, sleepS] = [p.timeout, p.connect_timeout, p.delay, p.sleep] as [number, number, number, number];
  const port = (p.port as number | null) ?? null;
  const state = p.state as string;
  const path = p.path == null ? null : expandPath(p.path as string, ctx.env);
  const searchRegex = (p.search_regex as string | null) ?? null;
  const msg = (p.msg as string | null) ?? null;
  const fail = (text: string, elapsed = 0): ModuleResult => ({ changed: false, failed: true, msg: msg || text, elapsed });
  let re: RegExp | null = null;
  if (searchRegex !== null) {
    try {
      re = compilePyRegex(searchRegex);
    } catch (e) {
      return { changed: false, failed: true, msg: `Invalid regular expression: ${(e as Error).message.replace(/^Invalid regular expression: (\/.*\/\w*: )?/, "")}` };
    }
  }
  if (port && path) return { changed: false, failed: true, msg: "port and path parameter can not both be passed to wait_for", elapsed: 0 };
  for (const s of ["stopped", "drained"]) {
    if (path && state === s) {
      return { changed: false, failed: true, msg: `state=${s} should only be used for checking a port in the wait_for module`, elapsed: 0 };
    }
  }
  if (p.exclude_hosts != null && state !== "drained") {
    return { changed: false, failed: true, msg: "exclude_hosts should only be with state=drained", elapsed: 0 };
  }
  for (const s of p.active_connection_states as string[]) {
    if (!(s in CONNECTION_STATE_IDS)) return { changed: false, failed: true, msg: `unknown active_connection_state (${s}) defined`, elapsed: 0 };
  }

  let groups: (string | null)[] = [];
  let named: Record<string, string | null> = {};
  const start = Date.now();
  const end = start + timeout * 1000;
  const elapsed = (): number => Math.floor((Date.now() - start) / 1000);
  const absPath = path === null ? "" : resolve(ctx.cwd, path);
  if (delay) await sleep(delay * 1000, ctx.signal);

  const until = async (check: () => Promise<boolean>): Promise<boolean> => {
    while (Date.now() < end) {
      if (await check()) return true;
      await sleep(sleepS * 1000, ctx.signal);
    }
    return false;
  };

  if (!port && !path && state !== "drained") {
    await sleep(timeout * 1000, ctx.signal);
  } else if (state === "absent" || state === "stopped") {
    const gone = await until(async () =>
      path ? !(await exists(absPath)) : !(await probePort(host, port as number, connectTimeout, null, end, ctx.signal)),
    );
    if (!gone) {
      return fail(port ? `Timeout when waiting for ${host}:${port} to stop.` : `Timeout when waiting for ${path} to be absent.`, elapsed());
    }
  } else if (state === "started" || state === "present") {
    let statError: string | undefined;
    const found = await until(async () => {
      if (path) {
        try {
          await stat(absPath);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== "ENOENT") statError = (e as NodeJS.ErrnoException).code;
          return statError !== undefined;
        }
        if (!re) return true;
        const text = await readFile(absPath).then((b) => b.toString("latin1"), () => null);
        const m = text === null ? null : re.exec(text);
        if (m) ({ groups, named } = groupsOf(m));
        return m !== null;
      }
      const remaining = Math.ceil((end - Date.now()) / 1000);
      return probePort(host, port as number, Math.min(connectTimeout, remaining), re, end, ctx.signal);
    });
    if (statError !== undefined) return fail(`Failed to stat ${path}, ${STRERROR[statError] ?? statError}`, elapsed());
    if (!found) {
      const what = port ? `${host}:${port}` : path;
      if (searchRegex) return fail(`Timeout when waiting for search string ${searchRegex} in ${what}`, elapsed());
      return fail(port ? `Timeout when waiting for ${what}` : `Timeout when waiting for file ${path}`, elapsed());
    }
  } else if (state === "drained") {
    const exclude = (p.exclude_hosts as string[] | null) ?? null;
    const states = p.active_connection_states as string[];
    const drained = await until(async () => (await activeConnections(host, port as number, states, exclude)) === 0);
    if (!drained) return fail(`Timeout when waiting for ${host}:${port} to drain`, elapsed());
  }
  const result = { changed: false, state, port, search_regex: searchRegex, match_groups: groups, match_groupdict: named, path };
  return addPathInfo({ ...result, elapsed: elapsed() }, ctx);
}

const STRERROR: Record<string, string> = { EACCES: "Permission denied", ENOTDIR: "Not a directory", ELOOP: "Too many levels of symbolic links" };

async function exists(p: string): Promise<boolean> {
  return stat(p).then(() => true, () => false);
}

export const waitForModule: NativeModule = {
  name: "wait_for",
  spec: {
    args: {
      host: { type: "str", default: "127.0.0.1" },
      timeout: { type: "int", default: 300 },
      connect_timeout: { type: "int", default: 5 },
      delay: { type: "int", default: 0 },
      port: { type: "int" },
      active_connection_states: {
        type: "list", elements: "str", default: ["ESTABLISHED", "FIN_WAIT1", "FIN_WAIT2", "SYN_RECV", "SYN_SENT", "TIME_WAIT"],
      },
      path: { type: "path" },
      search_regex: { type: "str" },
      state: { type: "str", default: "started", choices: ["absent", "drained", "present", "started", "stopped"] },
      exclude_hosts: { type: "list", elements: "str" },
      sleep: { type: "int", default: 1 },
      msg: { type: "str" },
    },
    supportsCheckMode: false,
  },
  run: runWaitFor,
};
