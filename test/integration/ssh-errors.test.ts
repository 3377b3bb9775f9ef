// Connection failures, each produced for real: a real ssh2 Client against a real sshd, stub servers
// (test/fixtures/ssh-errors/stub-server.py) and a private network namespace. describeConnectError's message must
// be what Ansible prints for the same target: "Failed to connect to the host via ssh: " + the real ssh's stderr.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, type ConnectConfig } from "ssh2";
import { KnownHosts } from "../../src/transport/ssh/_known-hosts.ts";
import { describeConnectError, describeKeyFileError, type ConnectFailure } from "../../src/transport/ssh/_ssh-errors.ts";
import { SYSTEM_PYTHON } from "../helpers/ansible.ts";
import { startSshd, type SshFixture } from "../helpers/sshd.ts";

const PREFIX = "Failed to connect to the host via ssh: ";
const FIXTURES = join(import.meta.dir, "..", "fixtures", "ssh-errors");
const dir = mkdtempSync(join(tmpdir(), "ftl2-ssh-errors-"));
let sshd: SshFixture;
const stubs: ChildProcess[] = [];
const stubPort: Record<string, number> = {};
let silent: Server;
const silentSockets: Socket[] = [];
let closedPort = 0;

async function startStub(mode: string): Promise<number> {
  const p = spawn(SYSTEM_PYTHON, [join(FIXTURES, "stub-server.py"), mode], { stdio: ["ignore", "pipe", "inherit"] });
  stubs.push(p);
  const line = await new Promise<string>((resolve) => p.stdout!.once("data", (b: Buffer) => resolve(b.toString())));
  return Number(line.trim());
}

beforeAll(async () => {
  sshd = await startSshd();
  for (const m of ["reset", "close", "full", "oldssh"]) stubPort[m] = await startStub(m);
  silent = createServer((s) => silentSockets.push(s));
  await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
  stubPort.silent = (silent.address() as { port: number }).port;
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
  closedPort = (probe.address() as { port: number }).port;
  await new Promise((r) => probe.close(r));
  spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(dir, "stranger")]);
  spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "secret", "-f", join(dir, "encrypted")]);
});

afterAll(async () => {
  for (const p of stubs) p.kill("SIGKILL");
  for (const s of silentSockets) s.destroy();
  silent.close();
  await sshd.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Attempt {
  host: string;
  port: number;
  key?: string;
  timeoutMs?: number;
  known?: KnownHosts;
  /** Refuse every host key without a known_hosts verdict. */
  denyHostKey?: boolean;
  forceIPv4?: boolean;
  serverHostKey?: string[];
}

/** One real ssh2 connect, wired as a client should: connect event, offered methods, host key verdict. */
async function ssh2Failure(a: Attempt): Promise<ConnectFailure> {
  const keyFile = a.key;
  const ctx = { host: a.host, port: a.port, user: "root", keyFile, tcpConnected: false, authMethods: undefined as string[] | undefined, hostKey: undefined as ReturnType<KnownHosts["check"]> | undefined };
  let key: Buffer | undefined;
  try {
    key = keyFile ? await readFile(keyFile) : undefined;
  } catch (e) {
    return describeConnectError(e, ctx);
  }
  // As the client does: ssh2 would skip an unusable key silently and report only "Permission denied".
  const keyProblem = key && keyFile ? describeKeyFileError(key, keyFile) : undefined;
  if (keyProblem) return keyProblem;
  return new Promise((resolve) => {
    const c = new Client();
    let tried = false;
    let settled = false;
    const settle = (e: unknown) => {
      if (settled) return;
      settled = true;
      c.end();
      resolve(describeConnectError(e, ctx));
    };
    c.on("connect", () => (ctx.tcpConnected = true));
    c.on("ready", () => settle(new Error("unexpectedly connected")));
    c.on("error", settle);
    const cfg: ConnectConfig = {
      host: a.host,
      port: a.port,
      username: "root",
      readyTimeout: a.timeoutMs ?? 1000,
      forceIPv4: a.forceIPv4,
      ...(a.serverHostKey ? { algorithms: { serverHostKey: a.serverHostKey as never } } : {}),
      hostVerifier: (blob: Buffer) => {
        if (a.denyHostKey) return false;
        if (!a.known) return true;
        ctx.hostKey = a.known.check(a.host, a.port, blob);
        return ctx.hostKey.ok;
      },
      authHandler: (methodsLeft, _partial, next) => {
        if (methodsLeft) ctx.authMethods = methodsLeft;
        if (tried || !key) return next(false as never);
        tried = true;
        next({ type: "publickey", username: "root", key } as never);
      },
    };
    try {
      c.connect(cfg);
    } catch (e) {
      settle(e);
    }
  });
}

/** The real ssh's stderr for the same target, as Ansible's ssh plugin would see it. */
function sshStderr(host: string, port: number, extra: string[] = [], ns?: string): string {
  // ssh keeps the first value it sees for an option, so the case's own options go first.
  const argv = [
    ...extra, "-F", "/dev/null", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
    "-o", "LogLevel=INFO", "-o", "ConnectTimeout=1", "-o", "PasswordAuthentication=no", "-p", String(port), `root@${host}`, "true",
  ];
  const r = ns ? spawnSync("ip", ["netns", "exec", ns, "ssh", ...argv], { encoding: "utf8" }) : spawnSync("ssh", argv, { encoding: "utf8" });
  expect(r.status).toBe(255);
  return r.stderr.split("\r\n").filter((l) => l && !l.startsWith("Warning: Permanently added")).join("\r\n");
}

describe("messages are what ssh prints, after Ansible's prefix", () => {
  const cases: [string, () => Attempt, string[], boolean][] = [
    ["connection refused", () => ({ host: "127.0.0.1", port: closedPort }), [], true],
    ["connect timeout (SYN dropped)", () => ({ host: "127.0.0.1", port: stubPort.full! }), [], true],
    ["banner timeout", () => ({ host: "127.0.0.1", port: stubPort.silent! }), [], true],
    ["reset before the banner", () => ({ host: "127.0.0.1", port: stubPort.reset! }), [], true],
    ["closed before the banner", () => ({ host: "127.0.0.1", port: stubPort.close! }), [], true],
    ["unknown host name", () => ({ host: "no-such-host.invalid", port: 22 }), [], false],
    ["unknown host name, IPv4 lookup", () => ({ host: "no-such-host.invalid", port: 22, forceIPv4: true }), ["-4"], false],
    ["wrong key", () => ({ host: sshd.hosts[0]!.address, port: sshd.hosts[0]!.port, key: join(dir, "stranger") }), ["-i", join(dir, "stranger")], false],
  ];
  for (const [name, make, extra, transient] of cases) {
    test(name, async () => {
      const a = make();
      const ours = await ssh2Failure(a);
      expect(ours.message).toBe(PREFIX + sshStderr(a.host, a.port, extra));
      expect(ours.transient).toBe(transient);
    });
  }

  test("host key refused without a known_hosts verdict: ssh's last line", async () => {
    const h = sshd.hosts[0]!;
    const ours = await ssh2Failure({ host: h.address, port: h.port, denyHostKey: true });
    const ssh = sshStderr(h.address, h.port, ["-o", "StrictHostKeyChecking=yes", "-o", "GlobalKnownHostsFile=/dev/null"]);
    expect(ours.message).toBe(PREFIX + ssh.split("\r\n").at(-1));
    expect(ours.transient).toBe(false);
  });

  test("no shared host key algorithm", async () => {
    const h = sshd.hosts[0]!;
    const ours = await ssh2Failure({ host: h.address, port: h.port, serverHostKey: ["rsa-sha2-256"] });
    const ssh = sshStderr(h.address, h.port, ["-o", "HostKeyAlgorithms=rsa-sha2-256"]);
    expect(ssh).toStartWith(`${ours.message.slice(PREFIX.length)}. Their offer:`);
    expect(ours.transient).toBe(false);
  });

  test("a server that does not speak SSH 2", async () => {
    const ours = await ssh2Failure({ host: "127.0.0.1", port: stubPort.oldssh! });
    const ssh = sshStderr("127.0.0.1", stubPort.oldssh!);
    expect(ssh.split("\r\n")).toContain(ours.message.slice(PREFIX.length));
    expect(ours.transient).toBe(false);
  });

  test("Ansible prints the same messages", async () => {
    const h = sshd.hosts[0]!;
    const targets: Record<string, Attempt> = {
      refused: { host: "127.0.0.1", port: closedPort },
      reset: { host: "127.0.0.1", port: stubPort.reset! },
      closed: { host: "127.0.0.1", port: stubPort.close! },
      noname: { host: "no-such-host.invalid", port: 22 },
      badkey: { host: h.address, port: h.port, key: join(dir, "stranger") },
    };
    const inv = join(dir, "ansible.ini");
    writeFileSync(inv, Object.entries(targets).map(([n, a]) =>
      `${n} ansible_host=${a.host} ansible_port=${a.port} ansible_user=root${a.key ? ` ansible_ssh_private_key_file=${a.key}` : ""}`).join("\n") + "\n");
    const r = spawnSync("ansible", ["all", "-i", inv, "-m", "ping"], {
      encoding: "utf8",
      env: { ...process.env, ANSIBLE_STDOUT_CALLBACK: "json", ANSIBLE_LOAD_CALLBACK_PLUGINS: "1", ANSIBLE_HOST_KEY_CHECKING: "False", ANSIBLE_PYTHON_INTERPRETER: SYSTEM_PYTHON, ANSIBLE_TIMEOUT: "5" },
    });
    const doc = JSON.parse(r.stdout.slice(r.stdout.indexOf("{"))) as { plays: { tasks: { hosts: Record<string, { msg: string }> }[] }[] };
    const results = doc.plays[0]!.tasks[0]!.hosts;
    for (const [n, a] of Object.entries(targets)) {
      const ours = await ssh2Failure(a);
      // ssh names the peer by address on a reset or close, and so do we when given the address.
      expect({ n, msg: ours.message }).toEqual({ n, msg: results[n]!.msg.replace(/\r\nWarning: Permanently added[^\r]*/, "").replace(/^(Failed to connect to the host via ssh: )Warning: Permanently added[^\r]*\r\n/, "$1") });
    }
  }, 60_000);

  test("a key file that cannot be read is named, as ssh names it", async () => {
    const missing = join(dir, "no-such-key");
    const ours = await ssh2Failure({ host: sshd.hosts[0]!.address, port: sshd.hosts[0]!.port, key: missing });
    const ssh = sshStderr(sshd.hosts[0]!.address, sshd.hosts[0]!.port, ["-i", missing]);
    expect(ssh).toContain(`Warning: ${ours.message.slice(PREFIX.length)}`);
    expect(ours.transient).toBe(false);
  });

  test("an encrypted key without a passphrase is named", async () => {
    const key = join(dir, "encrypted");
    const ours = await ssh2Failure({ host: sshd.hosts[0]!.address, port: sshd.hosts[0]!.port, key });
    expect(ours.message).toBe(`${PREFIX}the private key ${key} is encrypted and no passphrase was given`);
    expect(ours.transient).toBe(false);
    expect(ours.hint).toContain("ssh-agent");
  });

  test("a wrong passphrase, a file that is no key, and a public key are named", () => {
    const enc = join(dir, "encrypted");
    expect(describeKeyFileError(readFileSync(enc), enc, "wrong")?.message).toBe(`${PREFIX}the passphrase for the private key ${enc} is wrong`);
    expect(describeKeyFileError(readFileSync(enc), enc, "secret")).toBeUndefined();
    const junk = join(dir, "junk");
    writeFileSync(junk, "not a key\n");
    const j = describeKeyFileError(readFileSync(junk), junk);
    expect(j?.message).toStartWith(`${PREFIX}the private key ${junk} cannot be used: `);
    expect(describeKeyFileError(readFileSync(`${enc}.pub`), `${enc}.pub`)?.message).toBe(`${PREFIX}${enc}.pub holds a public key, not a private key`);
    expect(describeKeyFileError(readFileSync(sshd.clientKey), sshd.clientKey)).toBeUndefined();
  });

  test("anything else keeps its own words and names the target", () => {
    const d = describeConnectError(new Error("something odd"), { host: "h", port: 2222, user: "u" });
    expect(d).toEqual({ message: `${PREFIX}connect to host h port 2222 as u: something odd`, transient: false });
  });
});

describe("host key failures carry the known_hosts verdict", () => {
  function sshStrict(file: string, fx: SshFixture = sshd): string {
    const h = fx.hosts[0]!;
    return spawnSync("ssh", [
      "-F", "/dev/null", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-o", `UserKnownHostsFile=${file}`,
      "-o", "GlobalKnownHostsFile=/dev/null", "-i", fx.clientKey, "-p", String(h.port), `root@${h.address}`, "true",
    ], { encoding: "utf8" }).stderr;
  }

  test("changed: same offending line and fingerprint as ssh", async () => {
    const h = sshd.hosts[0]!;
    const file = join(dir, "changed.kh");
    writeFileSync(file, `# other\n[${h.address}]:${h.port} ${readFileSync(join(dir, "stranger.pub"), "utf8")}`);
    const ours = await ssh2Failure({ host: h.address, port: h.port, key: sshd.clientKey, known: await KnownHosts.load([file]) });
    const ssh = sshStrict(file);
    expect(ssh).toContain("REMOTE HOST IDENTIFICATION HAS CHANGED");
    expect(ours.message).toStartWith(`${PREFIX}WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!`);
    expect(ours.message).toContain(/Offending \S+ key in (\S+:\d+)/.exec(ssh)![1]!);
    expect(ours.message).toContain(/(SHA256:[A-Za-z0-9+/]+)/.exec(ssh)![1]!);
    expect(ours.hint).toContain(`-R '[${h.address}]:${h.port}'`);
    expect(ours.transient).toBe(false);
  });

  test("unknown: same host name and key type as ssh", async () => {
    const h = sshd.hosts[0]!;
    const file = join(dir, "empty.kh");
    writeFileSync(file, "");
    const ours = await ssh2Failure({ host: h.address, port: h.port, key: sshd.clientKey, known: await KnownHosts.load([file]) });
    const ssh = sshStrict(file);
    const said = /No (\S+) host key is known for (\S+) /.exec(ssh)!;
    expect(ours.message).toContain(`no ${said[1]} host key is known for ${said[2]};`);
    expect(ours.hint).toContain(`ssh-keyscan -p ${h.port} ${h.address} >> ${file}`);
    expect(ours.transient).toBe(false);
  });

  test("a known key type the server also has is negotiated, not reported as changed", async () => {
    // sshd with ed25519 and rsa keys; known_hosts has only the rsa one, as for a host first met years ago.
    spawnSync("ssh-keygen", ["-q", "-t", "rsa", "-b", "2048", "-N", "", "-f", join(dir, "rsa_host")]);
    const two = await startSshd({ config: [`HostKey ${join(dir, "rsa_host")}`] });
    try {
      const h = two.hosts[0]!;
      const file = join(dir, "rsa-only.kh");
      writeFileSync(file, `[${h.address}]:${h.port} ${readFileSync(join(dir, "rsa_host.pub"), "utf8")}`);
      const known = await KnownHosts.load([file]);
      const serverHostKey = known.hostKeyAlgorithms(h.address, h.port, ["ssh-ed25519", "ecdsa-sha2-nistp256", "rsa-sha2-512", "rsa-sha2-256"]);
      const ok = await new Promise<boolean>((resolve) => {
        const c = new Client();
        c.on("ready", () => (c.end(), resolve(true)));
        c.on("error", () => resolve(false));
        c.connect({
          host: h.address, port: h.port, username: "root", privateKey: readFileSync(two.clientKey), readyTimeout: 5000,
          algorithms: { serverHostKey: serverHostKey as never },
          hostVerifier: (blob: Buffer) => known.check(h.address, h.port, blob).ok,
        });
      });
      expect(ok).toBe(true);
      expect(sshStrict(file, two)).toBe(""); // ssh agrees: it orders the known type first too
    } finally {
      await two.stop();
    }
  });
});

describe("unreachable networks, in a private network namespace", () => {
  // A veth pair with nothing behind it: 10.77.0.2 never answers ARP (no route to host), 10.77.0.3 has a static
  // neighbour entry so SYNs leave and are dropped (connect timeout), 10.1.1.1 has no route, and no DNS server
  // can be reached (temporary resolution failure).
  const ns = `ftl2-sshe-${process.pid}`;
  const setup = spawnSync("sh", ["-c", [
    `ip netns add ${ns}`,
    `ip netns exec ${ns} sh -c 'ip link set lo up && ip link add v0 type veth peer name v1 && ip link set v0 up && ip link set v1 up && ip addr add 10.77.0.1/24 dev v0 && ip neigh add 10.77.0.3 lladdr 02:00:00:00:00:03 dev v0 nud permanent'`,
  ].join(" && ")], { encoding: "utf8" });
  afterAll(() => {
    spawnSync("ip", ["netns", "del", ns]);
  });

  // Root with iproute2 (scripts/setup.sh installs it) can always make a namespace: failing to is a failure, not a skip.
  test("no route, no network, dropped SYNs, no DNS", async () => {
    expect(setup.stderr).toBe("");
    expect(setup.status).toBe(0);
    const targets = [
      { host: "10.77.0.2", port: 22, timeoutMs: 6000, ssh: ["-o", "ConnectTimeout=6"] },
      { host: "10.1.1.1", port: 22, timeoutMs: 2000, ssh: [] },
      { host: "10.77.0.3", port: 22, timeoutMs: 1000, ssh: [] },
      { host: "no-such-host.invalid", port: 22, timeoutMs: 2000, ssh: [] },
    ];
    const probe = spawn("ip", ["netns", "exec", ns, process.execPath, join(FIXTURES, "netns-probe.ts"), JSON.stringify(targets)], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    probe.stdout!.on("data", (b: Buffer) => (out += b.toString()));
    const sshSaid = targets.map((t) => sshStderr(t.host, t.port, t.ssh, ns));
    await new Promise((r) => probe.once("exit", r));
    const ours = JSON.parse(out) as (ConnectFailure & { code?: string })[];
    const expected = targets.map((t, i) =>
      // Bun reports EHOSTUNREACH and ENETUNREACH as ECONNREFUSED; we can only say what the runtime tells us.
      ours[i]!.code === "ECONNREFUSED" && !sshSaid[i]!.includes("refused") ? `ssh: connect to host ${t.host} port 22: Connection refused` : sshSaid[i],
    );
    expect(ours.map((o) => o.message)).toEqual(expected.map((e) => PREFIX + e));
    expect(sshSaid.map((s) => s.replace(/.*: /, ""))).toEqual(["No route to host", "Network is unreachable", "Connection timed out", "Temporary failure in name resolution"]);
    expect(ours[2]!.transient).toBe(true);
    expect(ours[3]!.transient).toBe(true);
  }, 30_000);
});
