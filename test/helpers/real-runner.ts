// The real ansible-runner (Debian python3-ansible-runner) as the peer: transmit a job the way AWX does (Python
// API, streamer="transmit"), run the real `ansible-runner worker` on it, and read worker streams.
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const PY = "/usr/bin/python3";

const TRANSMIT_PY = `
import sys, json, ansible_runner
kw = json.loads(sys.argv[2])
with open(sys.argv[1], "wb") as out:
    ansible_runner.run(streamer="transmit", _output=out, private_data_dir=sys.argv[3], **kw)
`;

/** The transmit stream AWX would send for `kwargs` and the private data dir `pdd` (as ansible-runner 2.3 writes it). */
export function realTransmit(pdd: string, kwargs: Record<string, unknown>): Buffer {
  const dir = mkdtempSync(join(tmpdir(), "ftl2-tx-"));
  try {
    const out = join(dir, "stream");
    const r = spawnSync(PY, ["-c", TRANSMIT_PY, out, JSON.stringify(kwargs), pdd], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`ansible-runner transmit failed: ${r.stderr}`);
    return readFileSync(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * An AWX-shaped job: `src` is copied to `pdd` for transmit (AWX transmits from the same path the worker
 * extracts to), then moved away so the worker starts from an empty private data dir, as on an execution node.
 */
export function transmitAwxJob(src: string, pdd: string, kwargs: Record<string, unknown>): Buffer {
  rmSync(pdd, { recursive: true, force: true });
  cpSync(src, pdd, { recursive: true });
  try {
    return realTransmit(pdd, kwargs);
  } finally {
    const aside = `${pdd}.sent`;
    rmSync(aside, { recursive: true, force: true });
    renameSync(pdd, aside);
    rmSync(aside, { recursive: true, force: true });
  }
}

export function runRealWorker(input: Buffer, pdd: string, env: Record<string, string | undefined> = process.env): { stdout: Buffer; rc: number } {
  const r = spawnSync("ansible-runner", ["worker", `--private-data-dir=${pdd}`], { input, env, maxBuffer: 256 * 1024 * 1024 });
  return { stdout: Buffer.concat([r.stdout, r.stderr]), rc: r.status ?? -1 };
}

/** The JSON lines of a worker stream up to (not including) the artifacts zip. */
export function streamLines(stream: Buffer | string): Record<string, unknown>[] {
  const text = stream.toString();
  const out: Record<string, unknown>[] = [];
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const obj = JSON.parse(line) as Record<string, unknown>;
    if ("zipfile" in obj) break;
    out.push(obj);
  }
  return out;
}
