// Real OpenSSH sshd daemons on loopback for tests and benchmarks. Each daemon listens on up to 16
// addresses in 127.0.0.0/8 (sshd's ListenAddress limit), so N hosts take ceil(N/16) daemons. Sessions
// run in a private mount namespace where root's ~/.bashrc (pyenv init, ~100 ms per command) is masked by
// an empty file. Keys are generated per fixture; known_hosts lines are provided for host-key tests.
// Each daemon's mount namespace also tells its processes apart from everyone else's (other test files,
// other users of the machine): a gate orphaned by a killed sshd keeps the namespace it was born in.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface SshHost {
  name: string;
  address: string;
  port: number;
}

export interface SshFixture {
  dir: string;
  hosts: SshHost[];
  clientKey: string;
  clientKeyText: string;
  hostPublicKey: string;
  /** A known_hosts file that lists every host's key. */
  knownHosts: string;
  user: string;
  /** An INI inventory naming every host with its address, port, user and key. */
  inventory(extraVars?: string): string;
  /** Stops one daemon by host, to simulate a host going down. */
  killDaemonOf(host: string): void;
  /**
   * SIGKILLs the daemon serving `host` and every sshd process of its live sessions (the listener and the
   * per-connection processes are different processes), as a host whose sshd dies. The session's own
   * children (a gate, a module) are left to notice on their own. Every host of that daemon goes down:
   * use `hostsPerDaemon: 1` to kill one host alone.
   */
  killHost(host: string): void;
  /** The real directory `host`'s sessions see at `ownDir` (only with the `ownDir` option). */
  ownDirOf(host: string): string;
  /** Processes started by the daemons' sessions (or by the one serving `host`), sshd itself excluded. */
  processes(host?: string): HostProcess[];
  stop(): Promise<void>;
}

export interface HostProcess {
  pid: number;
  ppid: number;
  /** The command line, arguments joined by spaces. */
  cmd: string;
}

const MAX_LISTEN = 16;

function mountNamespace(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/ns/mnt`);
  } catch {
    return undefined;
  }
}

/** Every live process whose mount namespace is `ns`, read from /proc. */
function processesIn(ns: string): (HostProcess & { comm: string })[] {
  const out: (HostProcess & { comm: string })[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (mountNamespace(pid) !== ns) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      const comm = stat.slice(stat.indexOf("(") + 1, close);
      const fields = stat.slice(close + 2).split(" ");
      if (fields[0] === "Z") continue;
      const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean).join(" ");
      out.push({ pid, ppid: Number(fields[1]), cmd, comm });
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}
let nextBase = 20 + (process.pid % 150);

function keygen(path: string, type = "ed25519"): void {
  const r = spawnSync("ssh-keygen", ["-q", "-t", type, "-N", "", "-f", path], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`ssh-keygen failed: ${r.stderr}`);
}

function freePortSync(): number {
  const r = spawnSync(process.execPath, ["-e", "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"], { encoding: "utf8" });
  return Number(r.stdout.trim());
}

async function waitForPort(address: string, port: number, deadlineMs: number): Promise<void> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host: address, port }, () => {
        s.destroy();
        resolve(true);
      });
      s.on("error", () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > end) throw new Error(`sshd did not listen on ${address}:${port}`);
    await Bun.sleep(20);
  }
}

export interface StartSshdOptions {
  hosts?: number;
  /** Extra sshd_config lines. */
  config?: string[];
  /** sshd host key type (ed25519, ecdsa, rsa). */
  hostKeyType?: string;
  /** Hosts served by one daemon (1..16, default 16); 1 lets `killHost` take down one host alone. */
  hostsPerDaemon?: number;
  /**
   * An existing directory that each daemon's sessions see as a directory of their own (`ownDirOf(host)`,
   * bind-mounted over it in the daemon's mount namespace): with `hostsPerDaemon: 1`, hosts that share this
   * machine's disk each get private files under one path, as separate machines would.
   */
  ownDir?: string;
}

export async function startSshd(opts: StartSshdOptions = {}): Promise<SshFixture> {
  const n = opts.hosts ?? 1;
  const dir = mkdtempSync(join(tmpdir(), "ftl2-sshd-"));
  // sshd reads AuthorizedKeysFile as the logging-in user: test users other than root must be able to read it.
  chmodSync(dir, 0o755);
  mkdirSync("/run/sshd", { recursive: true });
  keygen(join(dir, "host_key"), opts.hostKeyType ?? "ed25519");
  keygen(join(dir, "client_key"));
  writeFileSync(join(dir, "authorized_keys"), readFileSync(join(dir, "client_key.pub")), { mode: 0o644 });
  writeFileSync(join(dir, "empty"), "");
  const hostPublicKey = readFileSync(join(dir, "host_key.pub"), "utf8").trim();

  const hosts: SshHost[] = [];
  const daemons: { proc: ChildProcess; hosts: SshHost[]; ns?: string }[] = [];
  const perDaemon = Math.max(1, Math.min(MAX_LISTEN, opts.hostsPerDaemon ?? MAX_LISTEN));
  const base = nextBase;
  nextBase = 20 + ((nextBase - 20 + Math.ceil(n / 250) + 1) % 150);
  for (let d = 0; d * perDaemon < n; d++) {
    const port = freePortSync();
    const mine: SshHost[] = [];
    for (let i = d * perDaemon; i < Math.min(n, (d + 1) * perDaemon); i++) {
      const address = `127.${base + Math.floor(i / 250)}.${1 + (i % 250)}.${1 + (d % 250)}`;
      mine.push({ name: `host${String(i + 1).padStart(3, "0")}`, address, port });
    }
    const cfg = join(dir, `sshd_config.${d}`);
    writeFileSync(
      cfg,
      [
        // sshd keeps the first value it reads for an option: the caller's lines go first so they win.
        ...(opts.config ?? []),
        `Port ${port}`,
        ...mine.map((h) => `ListenAddress ${h.address}`),
        `HostKey ${join(dir, "host_key")}`,
        `AuthorizedKeysFile ${join(dir, "authorized_keys")}`,
        "PermitRootLogin yes",
        "StrictModes no",
        "UsePAM no",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        `PidFile ${join(dir, `sshd.${d}.pid`)}`,
        "MaxSessions 1000",
        "MaxStartups 1000:30:2000",
        // ansible's default file transfer is sftp; without it every module upload fails over to scp, then to dd.
        "Subsystem sftp internal-sftp",
        "LogLevel ERROR",
      ].join("\n") + "\n",
    );
    let own = "";
    if (opts.ownDir) {
      const real = join(dir, "own", String(d));
      mkdirSync(real, { recursive: true });
      own = `mount --bind '${real}' '${opts.ownDir}' || exit 1; `;
    }
    const proc = spawn(
      "unshare",
      ["-m", "sh", "-c", `mount --bind ${join(dir, "empty")} /root/.bashrc 2>/dev/null; ${own}exec /usr/sbin/sshd -D -e -f ${cfg}`],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    let log = "";
    proc.stderr?.on("data", (b: Buffer) => (log += b.toString()));
    proc.on("exit", (code) => {
      if (code && code !== 0 && code !== 143 && !stopped) console.error(`sshd ${d} exited ${code}: ${log}`);
    });
    daemons.push({ proc, hosts: mine });
    hosts.push(...mine);
  }
  let stopped = false;
  await Promise.all(daemons.flatMap((d) => d.hosts.map((h) => waitForPort(h.address, h.port, 10_000))));
  // unshare execs sh which execs sshd: the child's pid is the listener's, in its own namespace by now.
  for (const d of daemons) d.ns = d.proc.pid ? mountNamespace(d.proc.pid) : undefined;
  const daemonOf = (host: string) => {
    const d = daemons.find((x) => x.hosts.some((h) => h.name === host));
    if (!d) throw new Error(`no sshd serves ${host}`);
    return d;
  };
  const knownHosts = join(dir, "known_hosts");
  writeFileSync(knownHosts, hosts.map((h) => `[${h.address}]:${h.port} ${hostPublicKey}\n`).join(""));
  const clientKey = join(dir, "client_key");

  return {
    dir,
    hosts,
    clientKey,
    clientKeyText: readFileSync(clientKey, "utf8"),
    hostPublicKey,
    knownHosts,
    user: "root",
    inventory(extraVars = "") {
      const lines = hosts.map(
        (h) => `${h.name} ansible_host=${h.address} ansible_port=${h.port} ansible_user=root ansible_ssh_private_key_file=${clientKey} ${extraVars}`.trimEnd(),
      );
      const path = join(dir, `inventory-${Math.random().toString(36).slice(2)}.ini`);
      writeFileSync(path, `[sshd]\n${lines.join("\n")}\n`);
      return path;
    },
    ownDirOf(host) {
      if (!opts.ownDir) throw new Error("ownDirOf needs the ownDir option");
      return join(dir, "own", String(daemons.indexOf(daemonOf(host))));
    },
    killDaemonOf(host) {
      const d = daemons.find((x) => x.hosts.some((h) => h.name === host));
      d?.proc.kill("SIGKILL");
    },
    killHost(host) {
      const d = daemonOf(host);
      d.proc.kill("SIGKILL");
      if (!d.ns) return;
      for (const p of processesIn(d.ns)) {
        if (p.comm !== "sshd") continue;
        try {
          process.kill(p.pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
    },
    processes(host) {
      const list = host ? [daemonOf(host)] : daemons;
      return list.flatMap((d) => (d.ns ? processesIn(d.ns) : []))
        .filter((p) => p.comm !== "sshd")
        .map(({ pid, ppid, cmd }) => ({ pid, ppid, cmd }));
    },
    async stop() {
      stopped = true;
      for (const d of daemons) d.proc.kill("SIGTERM");
      // A daemon killed earlier has exited already: its "exit" event will not come again.
      await Promise.all(daemons.map((d) => (d.proc.exitCode !== null || d.proc.signalCode !== null ? undefined : new Promise((r) => d.proc.once("exit", r)))));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A controller HOME (`home`, else a fresh one) whose ~/.ssh/known_hosts trusts the fixture's hosts (the caller removes it). */
export function controllerHome(fx: SshFixture, home = mkdtempSync(join(tmpdir(), "ftl2-home-"))): string {
  mkdirSync(join(home, ".ssh"), { recursive: true });
  writeFileSync(join(home, ".ssh", "known_hosts"), readFileSync(fx.knownHosts));
  return home;
}
