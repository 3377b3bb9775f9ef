// Failure isolation over SSH against real sshd hosts on loopback: a host whose sshd dies, whose gate is
// killed, whose module prints garbage or hangs fails alone with a precise message; every other host
// finishes; the exit code is ansible's; and no gate or module process is left on any host afterwards.
// Processes are found through each daemon's mount namespace (test/helpers/sshd.ts), so other test files
// running gates on this machine do not disturb the counts.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hostBlocks, runAnsible, runFtl2 } from "../helpers/cli.ts";
import { startSshd, type HostProcess, type SshFixture } from "../helpers/sshd.ts";

let home: string;
let shared: SshFixture;
const started: SshFixture[] = [];

const env = () => ({ HOME: home, ANSIBLE_NOCOLOR: "1" });

async function fixture(hosts: number): Promise<SshFixture> {
  const f = await startSshd({ hosts, hostsPerDaemon: 1 });
  started.push(f);
  writeFileSync(join(home, ".ssh", "known_hosts"), started.map((s) => readFileSync(s.knownHosts, "utf8")).join(""));
  return f;
}

/** Polls `probe` until it returns a value (not undefined) or the deadline passes. */
async function waitFor<T>(what: string, ms: number, probe: () => T | undefined): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await Bun.sleep(25);
  }
}

const isGate = (p: HostProcess) => p.cmd.includes("ftl_gate_");
const running = (f: SshFixture, host: string, match: (p: HostProcess) => boolean) => {
  const ps = f.processes(host).filter(match);
  return ps.length > 0 ? ps : undefined;
};
/** Waits until no process of the fixture matches; returns the stragglers' command lines otherwise. */
async function leftovers(f: SshFixture, ms: number, match: (p: HostProcess) => boolean = () => true): Promise<string[]> {
  try {
    await waitFor("the hosts' processes to end", ms, () => (f.processes().some(match) ? undefined : true));
    return [];
  } catch {
    return f.processes().filter(match).map((p) => p.cmd);
  }
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), "ftl2-home-"));
  mkdirSync(join(home, ".ssh"));
  shared = await fixture(3);
});

afterAll(async () => {
  await Promise.all(started.map((f) => f.stop()));
});

describe("a host that dies mid-run fails alone", () => {
  test("sshd killed during `sleep 5`: that host UNREACHABLE naming host and port, the others CHANGED, rc 4, promptly", async () => {
    const f = await fixture(3);
    const [h1] = f.hosts;
    const t0 = Date.now();
    const run = runFtl2(["all", "-i", f.inventory(), "-a", "sleep 5", "-o"], { env: env() });
    await waitFor("sleep 5 on host001", 10_000, () => running(f, h1!.name, (p) => p.cmd === "sleep 5"));
    const killedAt = Date.now();
    f.killHost(h1!.name);
    const r = await run;
    const elapsed = Date.now() - t0;
    // ansible 2.14 itself says `FAILED | rc=-1 >> ... Connection refused` here (its retry reconnects to the
    // dead port); ftl2 reports the lost connection as the transport failure it is: UNREACHABLE, rc 4.
    expect(r.code).toBe(4);
    expect(r.stdout).toContain(`${h1!.name} | UNREACHABLE!: Failed to connect to the host via ssh: Connection to ${h1!.address} port ${h1!.port} closed by remote host`);
    for (const h of f.hosts.slice(1)) expect(r.stdout).toContain(`${h.name} | CHANGED | rc=0 | (stdout) `);
    // The others need their 5 s; the dead host must not add keepalive timeouts on top.
    expect(elapsed).toBeLessThan(killedAt - t0 + 5_000 + 2_000);
    expect(await leftovers(f, 3_000)).toEqual([]);
  }, 30_000);
});

describe("a gate killed mid-module fails its host alone", () => {
  test("SIGKILL to host001's gate during `sleep 4`: MODULE FAILURE rc 137 naming the gate, the others CHANGED, rc 2", async () => {
    // ansible reports a remote Python killed by a signal as a module failure, not an unreachable host:
    // `FAILED! => {"module_stdout": "Killed\r\n", "msg": "MODULE FAILURE\nSee stdout/stderr...", "rc": 137}`
    // (checked with a module that SIGKILLs itself). The gate is that remote Python, and the SSH connection
    // is still up, so ftl2 says the same, with the cause in module_stderr.
    const f = shared;
    const [h1] = f.hosts;
    const run = runFtl2(["all", "-i", f.inventory(), "-a", "sleep 4", "-o"], { env: env() });
    await waitFor("sleep 4 on host001", 10_000, () => running(f, h1!.name, (p) => p.cmd === "sleep 4"));
    const ps = f.processes(h1!.name);
    const gates = ps.filter((p) => isGate(p) && !ps.some((q) => q.pid === p.ppid && isGate(q)));
    expect(gates.length).toBe(1);
    process.kill(gates[0]!.pid, "SIGKILL");
    // Well before `sleep 4` would end by itself: the module and its children die with the gate.
    const killedAt = Date.now();
    await waitFor("host001's module processes to end", 1_500, () => (running(f, h1!.name, () => true) ? undefined : true))
      .catch(() => expect(f.processes(h1!.name).map((p) => p.cmd)).toEqual([]));
    expect(Date.now() - killedAt).toBeLessThan(1_500);
    const r = await run;
    expect(r.code).toBe(2);
    const [b1, b2, b3] = hostBlocks(r.stdout);
    expect(b1).toStartWith(`${h1!.name} | FAILED! => {"changed": false,"module_stderr": "the gate on root@${h1!.address}:${h1!.port} (pid ${gates[0]!.pid}) was killed by SIGKILL while the module ran\\n","module_stdout": "","msg": "MODULE FAILURE\\nSee stdout/stderr for the exact error","rc": 137}`);
    expect(b2).toBe(`${f.hosts[1]!.name} | CHANGED | rc=0 | (stdout)`);
    expect(b3).toBe(`${f.hosts[2]!.name} | CHANGED | rc=0 | (stdout)`);
    expect(await leftovers(f, 3_000)).toEqual([]);
  }, 30_000);
});
