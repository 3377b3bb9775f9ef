// stat, slurp and wait_for side by side with `ansible localhost -m X -a TEXT` in the same temp directory.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultModuleContext, runNativeModule } from "../../../src/modules/_run-native.ts";
import { slurpModule } from "../../../src/modules/slurp.ts";
import { statModule } from "../../../src/modules/stat.ts";
import { waitForModule } from "../../../src/modules/wait-for.ts";
import type { NativeModule } from "../../../src/modules/_types.ts";
import { SYSTEM_PYTHON } from "../../helpers/ansible.ts";
import { compareAdhoc } from "./_oracle-compare.ts";

let dir = "";
let server: ChildProcess | undefined;
let openPort = 0;
let closedPort = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "ftl2-stat-"));
  writeFileSync(join(dir, "hello.txt"), "hello\nworld 42\n");
  chmodSync(join(dir, "hello.txt"), 0o4755);
  writeFileSync(join(dir, "bin.dat"), Buffer.from([0, 1, 2, 255, 254]));
  writeFileSync(join(dir, "empty"), "");
  mkdirSync(join(dir, "sub"));
  symlinkSync("hello.txt", join(dir, "link"));
  symlinkSync("nowhere/x", join(dir, "broken"));
  symlinkSync("loop2", join(dir, "loop1"));
  symlinkSync("loop1", join(dir, "loop2"));
  execFileSync("mkfifo", [join(dir, "fifo")]);
  // A banner server in its own process: the oracle runs synchronously and would stall an in-process one.
  server = spawn(SYSTEM_PYTHON, ["-c", `
import socket, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(16)
c = socket.socket(); c.bind(("127.0.0.1", 0))
print(s.getsockname()[1], c.getsockname()[1], flush=True)
while True:
    a, _ = s.accept(); a.sendall(b"SSH-2.0-test ok\\r\\n"); a.close()
`], { stdio: ["ignore", "pipe", "inherit"] });
  const line = await new Promise<string>((res) => {
    let text = "";
    server?.stdout?.on("data", (b: Buffer) => {
      text += b.toString();
      if (text.includes("\n")) res(text);
    });
  });
  [openPort, closedPort] = line.trim().split(" ").map(Number) as [number, number];
});
afterAll(() => {
  server?.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

type Case = [NativeModule, string | (() => string), { check?: boolean }?];
const CASES: Case[] = [
  [statModule, "path=hello.txt"],
  [statModule, "path=link"],
  [statModule, "path=link follow=yes"],
  [statModule, "path=broken"],
  [statModule, "path=loop1"],
  [statModule, "path=sub"],
  [statModule, "path=fifo"],
  [statModule, "path=empty"],
  [statModule, "path=bin.dat checksum_algorithm=sha512 get_md5=yes"],
  [statModule, "dest=/dev/null checksum=md5"],
  [statModule, "path=nope"],
  [statModule, "path=hello.txt/x"],
  [statModule, "name=hello.txt get_checksum=no mime=no attr=no", { check: true }],
  [statModule, "follow=yes"],
  [slurpModule, "src=hello.txt"],
  [slurpModule, "path=bin.dat"],
  [slurpModule, "src=empty", { check: true }],
  [slurpModule, "src=nope"],
  [slurpModule, "src=sub"],
  [slurpModule, "src=hello.txt/x"],
  [slurpModule, "src=loop1"],
  [waitForModule, "path=hello.txt"],
  [waitForModule, "path=hello.txt search_regex='(?P<word>wor+)ld (\\d+)(x)?'"],
  [waitForModule, "path=link search_regex=^world"],
  [waitForModule, "path=sub"],
  [waitForModule, "path=nope state=absent"],
  [waitForModule, "path=nope timeout=0"],
  [waitForModule, "path=nope timeout=0 msg='custom text'"],
  [waitForModule, "path=hello.txt search_regex=absent timeout=0"],
  [waitForModule, "path=hello.txt state=absent timeout=0"],
  [waitForModule, () => `port=${openPort}`],
  [waitForModule, () => `port=${openPort} search_regex=SSH-(\\S+)`],
  [waitForModule, () => `port=${closedPort} state=stopped`],
  [waitForModule, () => `port=${closedPort} timeout=0`],
  [waitForModule, () => `port=${openPort} state=stopped timeout=0`],
  [waitForModule, () => `port=${closedPort} state=drained timeout=1`],
  [waitForModule, "port=22 path=x"],
  [waitForModule, "path=x state=stopped"],
  [waitForModule, "path=x state=drained"],
  [waitForModule, "port=22 exclude_hosts=10.0.0.1"],
  [waitForModule, "port=22 active_connection_states=BOGUS"],
  [waitForModule, "path=hello.txt", { check: true }],
];

function label(c: Case): string {
  return typeof c[1] === "string" ? c[1] : c[1].toString().replace(/^\(\) => /, "");
}

describe("same result as ansible", () => {
  test.each(CASES.map((c) => [c[0].name, label(c), c[2]?.check ? "(check)" : "", c] as const))("%s %s %s", async (_m, _a, _c, c) => {
    const [mod, args, opts] = c;
    const text = typeof args === "string" ? args : args();
    const { ours, theirs } = await compareAdhoc(mod, text, { cwd: dir, checkMode: opts?.check });
    // atime moves when either side reads the file; the argument runner's failure shape is not this module's.
    for (const r of [ours, theirs]) {
      if (r.stat && typeof r.stat === "object") delete (r.stat as Record<string, unknown>).atime;
      if (r.failed && String(r.msg).startsWith("missing required")) delete r.invocation, delete r.changed;
    }
    expect(ours).toEqual(theirs);
  });
});

test("stat of a checksum algorithm outside the choices fails like ansible", async () => {
  const { ours } = await compareAdhoc(statModule, "path=hello.txt checksum_algorithm=crc32", { cwd: dir });
  expect(ours.msg).toBe("value of checksum_algorithm must be one of: md5, sha1, sha224, sha256, sha384, sha512, got: crc32");
});

test("wait_for reports a bad pattern as ansible does", async () => {
  const { ours, theirs } = await compareAdhoc(waitForModule, "path=hello.txt search_regex=(", { cwd: dir });
  expect(ours.failed).toBe(true);
  expect(String(theirs.msg)).toStartWith(String(ours.msg));
  expect(ours.msg).toBe("Invalid regular expression: missing )");
});

test("wait_for timeout on a file waits and reports elapsed", async () => {
  const { ours, theirs } = await compareAdhoc(waitForModule, "path=nope timeout=1 sleep=1", { cwd: dir });
  expect(ours).toEqual(theirs);
  expect(ours.elapsed).toBe(1);
});

test("wait_for stops waiting when the task is aborted", async () => {
  const ac = new AbortController();
  const t0 = Date.now();
  setTimeout(() => ac.abort(), 100);
  const r = await runNativeModule(waitForModule, { path: join(dir, "never"), timeout: 30 }, defaultModuleContext({ signal: ac.signal }));
  expect(r.failed).toBe(true);
  expect(Date.now() - t0).toBeLessThan(2000);
});
