// The real gate (`/usr/bin/python3 gate/__main__.py`) driven by the controller-side codec: handshake, native
// ping, a shipped Ansible bundle, requests answered out of order, a 20 MB Put/Get, Shutdown, no leftovers.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { GateMessage } from "../../../src/gate/index.ts";
import { GateChild } from "./_gate-child.ts";

const ROOT = join(import.meta.dir, "..", "..", "..");
let tmp = "";
let gate: GateChild;
let command: { hash: string; b64: string };

function descendants(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      parent.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {}
  }
  const found = new Set<number>();
  let frontier = new Set([pid]);
  while (frontier.size) {
    frontier = new Set([...parent].filter(([p, pp]) => frontier.has(pp) && !found.has(p)).map(([p]) => p));
    for (const p of frontier) found.add(p);
  }
  return [...found];
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

function data<T = Record<string, unknown>>(m: GateMessage): T {
  return m.data as T;
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "ftl-gate-ts-"));
  const zip = join(tmp, "command.zip");
  const r = spawnSync("/usr/bin/python3", [join(ROOT, "gate", "tests", "bundle_helper.py"), "command", zip], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  command = { hash: r.stdout.trim(), b64: readFileSync(zip).toString("base64") };
  gate = new GateChild(join(tmp, "cache"));
});

afterAll(() => {
  gate.proc.kill("SIGKILL");
  rmSync(tmp, { recursive: true, force: true });
});

test("a whole session against the real gate", async () => {
  const hello = await gate.request("Hello", { version: 1, capabilities: ["multiplex"] });
  expect(hello.type).toBe("Hello");
  expect(data(hello).pid).toBe(gate.proc.pid);
  expect(data(hello).capabilities).toEqual(["multiplex", "bundles", "fork", "native"]);

  const ping = await gate.request("Module", { name: "ping", args: {} });
  expect(ping).toMatchObject({ type: "ModuleResult", data: { rc: 0, result: { ping: "pong" } } });

  // Shipped: by hash first, then with the bundle, as the controller does.
  const byHash = { name: "command", args: { _raw_params: "echo hi" }, bundle_hash: command.hash };
  expect(await gate.request("Module", byHash)).toMatchObject({ type: "ModuleNotFound", data: { bundle_hash: command.hash } });
  const shipped = await gate.request("Module", { ...byHash, bundle: command.b64 });
  expect(shipped).toMatchObject({ type: "ModuleResult", data: { rc: 0, result: { stdout: "hi", rc: 0, changed: true } } });

  // In flight at once: the slow one is asked first and answered last.
  const first = gate.arrivals.length;
  const slow = gate.request("Module", { name: "command", args: { _raw_params: "sleep 0.6" }, bundle_hash: command.hash });
  await Bun.sleep(200);
  const children = descendants(gate.proc.pid!);
  expect(children.length).toBeGreaterThanOrEqual(2); // the module's process and its `sleep`
  const quick = [gate.request("Module", { name: "ping", args: { data: "a" } }), gate.request("Module", { name: "ping", args: { data: "b" } })];
  const replies = await Promise.all([slow, ...quick]);
  expect(replies.map((m) => m.type)).toEqual(["ModuleResult", "ModuleResult", "ModuleResult"]);
  const order = gate.arrivals.slice(first);
  expect(order[order.length - 1]).toBe(replies[0]!.id!);

  // 20 MB up in 1 MiB chunks, back down in 4 MiB chunks.
  const src = join(tmp, "src.bin");
  const dest = join(tmp, "dest.bin");
  const size = 20 * 1024 * 1024;
  writeFileSync(src, randomBytes(size));
  const fd = openSync(src, "r");
  const chunk = Buffer.alloc(1024 * 1024);
  let put: GateMessage | undefined;
  for (let offset = 0; offset < size; offset += chunk.length) {
    const n = readSync(fd, chunk, 0, chunk.length, offset);
    put = await gate.request("Put", {
      path: dest, mode: 0o600, offset, chunk: chunk.subarray(0, n).toString("base64"), last: offset + n >= size,
    });
    expect(put.type).toBe("PutResult");
  }
  closeSync(fd);
  const srcHash = createHash("sha256").update(readFileSync(src)).digest("hex");
  expect(data(put!).sha256).toBe(srcHash);
  const down = createHash("sha256");
  let offset = 0;
  for (;;) {
    const got = await gate.request("Get", { path: dest, offset, length: 4 * 1024 * 1024 });
    const d = data<{ chunk: string; eof: boolean; size: number }>(got);
    const bytes = Buffer.from(d.chunk, "base64");
    down.update(bytes);
    offset += bytes.length;
    if (d.eof) break;
  }
  expect(offset).toBe(size);
  expect(down.digest("hex")).toBe(srcHash);

  const bye = await gate.request("Shutdown", {});
  expect(bye.type).toBe("Goodbye");
  expect(await gate.exited).toBe(0);
  expect(children.filter(alive)).toEqual([]);
}, 60_000);
