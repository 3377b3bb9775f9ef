// The real ansible-runner (Debian 2.3.1) as the peer in these tests, and helpers to compare directory trees.
import { spawnSync } from "node:child_process";
import { lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const CLEAN_ENV = {
  PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
  LANG: "C.UTF-8",
  TZ: process.env.TZ ?? "UTC",
};

export interface RunnerRun {
  status: number | null;
  stdout: Buffer;
  stderr: string;
}

export function runRunner(args: string[], opts: { input?: Uint8Array | string; cwd?: string; env?: Record<string, string> } = {}): RunnerRun {
  const r = spawnSync("ansible-runner", args, {
    input: opts.input ?? "",
    cwd: opts.cwd,
    env: { ...CLEAN_ENV, HOME: opts.env?.HOME ?? tmpdir(), ...opts.env },
    maxBuffer: 1 << 28,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString() };
}

/** A byte source in small chunks, so lines and base64 cross chunk boundaries. */
export async function* chunked(data: Uint8Array | string, size = 97): AsyncGenerator<Uint8Array> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

export interface Node {
  type: "file" | "dir" | "link";
  mode: number;
  content?: string;
  link?: string;
  mtime?: number;
}

/** Every path under `dir` with its type, permission bits, content or link target (and mtime when asked). */
export function treeOf(dir: string, opts: { mtimes?: boolean; skip?: (rel: string) => boolean } = {}): Record<string, Node> {
  const out: Record<string, Node> = {};
  const walk = (rel: string): void => {
    for (const name of readdirSync(rel ? join(dir, rel) : dir).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      if (opts.skip?.(r)) continue;
      const full = join(dir, r);
      const st = lstatSync(full);
      const mode = st.mode & 0o7777;
      if (st.isSymbolicLink()) out[r] = { type: "link", mode: 0, link: readlinkSync(full) };
      else if (st.isDirectory()) {
        out[r] = { type: "dir", mode };
        walk(r);
      } else {
        out[r] = { type: "file", mode, content: readFileSync(full, "latin1") };
        if (opts.mtimes) out[r]!.mtime = Math.floor(st.mtimeMs / 1000);
      }
    }
  };
  walk("");
  return out;
}

export function tempDir(prefix = "ftl2-runner-"): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/** Splits a stream into its lines and zip bodies: [{line}|{zip: base64}]. */
export function splitStream(data: Buffer): Array<{ line: string } | { zip: string }> {
  const out: Array<{ line: string } | { zip: string }> = [];
  let at = 0;
  while (at < data.length) {
    const nl = data.indexOf(10, at);
    const line = data.subarray(at, nl < 0 ? data.length : nl).toString();
    out.push({ line });
    at = nl < 0 ? data.length : nl + 1;
    const m = /^\{"zipfile": (\d+)\}$/.exec(line);
    if (m) {
      const n = 4 * Math.ceil(Number(m[1]) / 3);
      out.push({ zip: data.subarray(at, at + n).toString() });
      at += n;
    }
  }
  return out;
}
