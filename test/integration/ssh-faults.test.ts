// Failure isolation over SSH against real sshd hosts on loopback: a host whose sshd dies, whose gate is
// killed, whose module prints garbage or hangs fails alone with a precise message; every other host
// finishes; the exit code is ansible's; and no gate or module process is left on any host afterwards.
// Processes are found through each daemon's mount namespace (test/helpers/sshd.ts), so other test files
// running gates on this machine do not disturb the counts.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { connect, createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli, type CliIO, type SignalName } from "../../src/cli/index.ts";
import { ConnectionPool, runTask } from "../../src/executor/index.ts";
import { prepareModule } from "../../src/modules/_prepare.ts";
import type { ConnectionDefaults, HostTarget } from "../../src/transport/_types.ts";
import { hostBlocks, runAnsible, runFtl2 } from "../helpers/cli.ts";
import { startSshd, type HostProcess, type SshFixture } from "../helpers/sshd.ts";

let home: string;
let shared: SshFixture;
const started: SshFixture[] = [];

const env = () => ({ HOME: home, ANSIBLE_NOCOLOR: "1" });

async function fixture(hosts: number, hostsPerDaemon = 1): Promise<SshFixture> {
  const f = await startSshd({ hosts, hostsPerDaemon });
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
/** Gate processes of a host; a module is forked from its gate, so it carries the same command line. */
const gatesOf = (f: SshFixture, host: string) => {
  const ps = f.processes(host);
  return ps.filter((p) => isGate(p) && !ps.some((q) => q.pid === p.ppid && isGate(q)));
};
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

describe("a connection reset mid-run", () => {
  test("a TCP reset during `sleep 3`: UNREACHABLE in OpenSSH's words, rc 4, the host's gate and module end", async () => {
    const h = shared.hosts[2]!;
    // A relay in front of the host's sshd that can answer with a RST, as a middlebox dropping the flow does.
    const clients: Socket[] = [];
    const relay = createServer((c) => {
      clients.push(c);
      const up = connect(h.port, h.address);
      c.pipe(up).pipe(c);
      c.on("error", () => up.destroy());
      up.on("error", () => c.destroy());
      c.on("close", () => up.destroy());
    });
    await new Promise<void>((r) => relay.listen(0, "127.0.0.1", () => r()));
    const port = (relay.address() as { port: number }).port;
    const inv = join(shared.dir, "reset.ini");
    writeFileSync(inv, `relayed ansible_host=127.0.0.1 ansible_port=${port} ansible_user=root ansible_ssh_private_key_file=${shared.clientKey} ansible_host_key_checking=false\n`);
    try {
      const run = runFtl2(["all", "-i", inv, "-a", "sleep 3", "-o"], { env: env() });
      await waitFor("sleep 3 behind the relay", 10_000, () => running(shared, h.name, (p) => p.cmd === "sleep 3"));
      for (const c of clients) c.resetAndDestroy();
      const r = await run;
      expect(r.code).toBe(4);
      expect(r.stdout).toBe(`relayed | UNREACHABLE!: Failed to connect to the host via ssh: Read from remote host 127.0.0.1 port ${port}: Connection reset by peer\n`);
      expect(await leftovers(shared, 2_000)).toEqual([]);
    } finally {
      relay.close();
    }
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
    const gates = gatesOf(f, h1!.name);
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

describe("a connection outlives its gate", () => {
  test("one pool, several tasks: a killed gate is replaced by a new one; a timed-out module leaves the same gate warm", async () => {
    const h = shared.hosts[1]!;
    const target: HostTarget = {
      name: h.name,
      vars: { ansible_connection: "ssh", ansible_host: h.address, ansible_port: h.port, ansible_user: "root", ansible_ssh_private_key_file: shared.clientKey, ansible_host_key_checking: false },
    };
    const d: ConnectionDefaults = { connectTimeoutSec: 10, hostKeyChecking: false, modulePaths: [], collectionsPaths: [], cwd: process.cwd(), env: { HOME: home } };
    const pool = new ConnectionPool(d);
    const command = await prepareModule("command", d);
    const task = (cmd: string, timeoutSec?: number) => runTask({ hosts: [target], forks: 1, pool, task: { module: command, args: { _raw_params: cmd }, timeoutSec } });
    const gatePids = () => gatesOf(shared, h.name).map((p) => p.pid);
    try {
      expect((await task("true")).results[0]!.status).toBe("changed");
      const [first] = gatePids();
      expect(first).toBeDefined();
      const dying = task("sleep 3");
      await waitFor("sleep 3", 10_000, () => running(shared, h.name, (p) => p.cmd === "sleep 3"));
      process.kill(first!, "SIGKILL");
      expect((await dying).results[0]!.result.rc).toBe(137);
      const again = await task("echo again");
      expect(again.results[0]!.result.stdout).toBe("again");
      const [second] = gatePids();
      expect(second).toBeDefined();
      expect(second).not.toBe(first);
      const slow = await task("sleep 9", 1);
      expect(slow.results[0]!.result.msg).toBe("The command action failed to execute in the expected time frame (1) and was terminated");
      // The gate enforced the timeout itself, killing only the module: the same gate stays warm for the next task.
      expect((await leftovers(shared, 2_000)).filter((cmd) => !cmd.includes("/.ftl/ftl_gate_"))).toEqual([]);
      expect((await task("echo after")).results[0]!.result.stdout).toBe("after");
      expect(gatePids()).toEqual([second!]);
    } finally {
      await pool.closeAll();
    }
    expect(await leftovers(shared, 2_000)).toEqual([]);
  }, 30_000);
});

describe("modules that misbehave fail as ansible reports them over ssh", () => {
  let lib: string;
  beforeAll(() => {
    lib = mkdtempSync(join(tmpdir(), "ftl2-faults-lib-"));
    const mod = (name: string, body: string) => writeFileSync(join(lib, `${name}.py`), `#!/usr/bin/python3\n${body}`);
    mod("garbage", "import sys\nprint('this is not json')\nsys.stderr.write('some err\\n')\n");
    mod("junk", "import json\nprint(json.dumps({'changed': False, 'x': 1}))\nprint('trailing junk')\n");
    mod("hang", "import subprocess\nsubprocess.call(['sleep', '29'])\n");
  });

  // ansible's ssh runs modules on a tty by default, which merges stderr into stdout and adds "Shared
  // connection to X closed."; without the tty it keeps them apart, as the gate's pipes do. Piped transfer
  // avoids the sftp/scp warnings of a test sshd that has no sftp subsystem.
  const oracle = (module: string, extra: string[] = []) =>
    runAnsible(["all", "-i", shared.inventory("ansible_ssh_use_tty=False"), "-M", lib, "-m", module, ...extra], {
      env: { HOME: home, ANSIBLE_HOST_KEY_CHECKING: "False", ANSIBLE_SSH_TRANSFER_METHOD: "piped" },
    });

  test("non-JSON output: MODULE FAILURE with module_stdout and module_stderr, identical to ansible", async () => {
    const inv = shared.inventory();
    const mine = await runFtl2(["all", "-i", inv, "-M", lib, "-m", "garbage"], { env: env() });
    const theirs = oracle("garbage");
    expect(theirs.code).toBe(2);
    expect(mine.code).toBe(2);
    expect(hostBlocks(mine.stdout)).toEqual(hostBlocks(theirs.stdout));
    expect(mine.stdout).toContain('"module_stdout": "this is not json\\n"');
    expect(mine.stdout).toContain('"module_stderr": "some err\\n"');
  }, 30_000);

  test("JSON then junk: the result stands, with ansible's junk warning", async () => {
    const mine = await runFtl2(["all", "-i", shared.inventory(), "-M", lib, "-m", "junk"], { env: env() });
    const theirs = oracle("junk");
    expect(mine.code).toBe(0);
    expect(hostBlocks(mine.stdout)).toEqual(hostBlocks(theirs.stdout));
    const warnings = (t: string) => t.split("\n").filter((l) => l.includes("junk after the JSON")).sort();
    expect(warnings(mine.stderr)).toEqual(warnings(theirs.stderr));
    expect(warnings(mine.stderr).length).toBe(3);
  }, 30_000);

  test("a hanging module with --task-timeout 2: FAILED with ansible's message, nothing left running on the host", async () => {
    const [h1] = shared.hosts;
    let seen = false;
    let done = false;
    const watch = (async () => {
      for (; !done && !seen; await Bun.sleep(50)) seen = running(shared, h1!.name, (p) => p.cmd === "sleep 29") !== undefined;
    })();
    const t0 = Date.now();
    const mine = await runFtl2([h1!.name, "-i", shared.inventory(), "-M", lib, "-m", "hang", "--task-timeout", "2"], { env: env() });
    done = true;
    await watch;
    expect(seen).toBe(true);
    // Not 2 s + the 3 s a graceful Shutdown grants in-flight modules when the connection closes.
    expect(Date.now() - t0).toBeLessThan(4_000);
    // The abort reached the gate (its session was ended, so it killed the module's process group):
    // neither the module nor its `sleep 29` runs on.
    expect(await leftovers(shared, 2_000)).toEqual([]);
    const theirs = oracle("hang", ["--limit", h1!.name, "--task-timeout", "2"]);
    // ansible leaves its own module running on the host: end it so later tests count only ftl2's.
    for (const p of shared.processes()) process.kill(p.pid, "SIGKILL");
    expect(theirs.code).toBe(2);
    expect(mine.code).toBe(2);
    expect(mine.stdout).toBe(theirs.stdout);
  }, 30_000);
});

describe("runs that end early or wide leave nothing behind", () => {
  test("SIGINT while `sleep 20` runs on every host: rc 99 promptly, and no gate or module left on any host", async () => {
    const f = shared;
    let stdout = "";
    let stderr = "";
    let handler: ((s: SignalName) => void) | undefined;
    const io: CliIO = {
      argv: ["all", "-i", f.inventory(), "-a", "sleep 20", "-o"], argv0: "ftl2", env: { PATH: process.env.PATH, ...env() }, cwd: process.cwd(),
      stdout: { write: (t) => void (stdout += t) }, stderr: { write: (t) => void (stderr += t) },
      onSignal: (h) => ((handler = h), () => (handler = undefined)),
    };
    const run = runCli(io);
    // runFtl2's fixed delay would race gate start-up on a loaded machine: interrupt once all modules run.
    await waitFor("sleep 20 on every host", 20_000, () => (f.hosts.every((h) => running(f, h.name, (p) => p.cmd === "sleep 20")) ? true : undefined));
    const sentAt = Date.now();
    handler?.("SIGINT");
    const code = await run;
    // Not the 3 s a graceful Shutdown grants in-flight modules: the aborted modules end their gates.
    expect(Date.now() - sentAt).toBeLessThan(2_500);
    expect(code).toBe(99);
    expect(stderr).toContain("[ERROR]: User interrupted execution");
    expect(stdout).not.toContain("CHANGED");
    expect(await leftovers(f, 2_000)).toEqual([]);
  }, 30_000);

  test("40 hosts, forks 40, ping: all SUCCESS, then no gate process left", async () => {
    const f = await fixture(40, 16);
    const r = await runFtl2(["all", "-i", f.inventory(), "-m", "ping", "-f", "40", "-o"], { env: env() });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split("\n").sort()).toEqual(f.hosts.map((h) => `${h.name} | SUCCESS => {"changed": false,"ping": "pong"}`));
    expect(await leftovers(f, 3_000)).toEqual([]);
  }, 60_000);
});
