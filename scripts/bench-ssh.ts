// SSH benchmark for issue 3, side by side in one run on the same real sshd hosts (test/helpers/sshd.ts):
// `-m ping` and `-a 'echo hi'` on N hosts with ftl2 (cold and warm gate), ansible and ansible+Mitogen at
// the same forks, then the warm per-call cost through the engine API on one pool. Writes the "Remote
// execution over SSH" section of docs/benchmarks.md (not with --quick).
// Usage: node scripts/with-bun.mjs run scripts/bench-ssh.ts [--quick] [--sizes 20,100,500] [--warm-only]
// (--warm-only: only the per-call part, without ansible, printed and not written to docs/benchmarks.md)
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { ConnectionPool, runTask } from "../src/executor/index.ts";
import { prepareModule } from "../src/modules/_prepare.ts";
import type { ConnectionDefaults, HostTarget } from "../src/transport/index.ts";
import { controllerHome, startSshd, type SshFixture } from "../test/helpers/sshd.ts";
import { measure, median, type Measurement, FTL2_BIN, ROOT, SYSTEM_PY, forksFor, hostSizes, MITOGEN_PLUGINS, publishSection, measureAnsibleCold, writeSshInventory } from "./_bench-util.ts";

const root = ROOT;
const ftl2 = FTL2_BIN;
const argv = process.argv.slice(2);
const warmOnly = argv.includes("--warm-only");
const quick = argv.includes("--quick") || warmOnly;
const sizes = hostSizes(argv, quick, { quick: [20], full: [20, 100, 500] });
const WARM_HOSTS = Math.min(100, Math.max(...sizes));
const K = quick && !warmOnly ? 5 : 20;
const PY = SYSTEM_PY;

const work = mkdtempSync(join(tmpdir(), "ftl2-bench-ssh-"));
// The sshd sessions get this HOME (sshd_config SetEnv), so the gate's ~/.ftl and ansible's ~/.ansible/tmp
// are private to this run: a cold start can delete them without touching root's real home.
const remoteHome = join(work, "remote-home");
const home = join(work, "home");
mkdirSync(remoteHome);

const inventory = (fx: SshFixture, n: number): string => writeSshInventory(work, fx.hosts, fx.clientKey, n);

/** One cold ansible run (see measureAnsibleCold). */
function runAnsible(fx: SshFixture, cmd: string[], mitogen: boolean): Measurement {
  return measureAnsibleCold(["ansible", ...cmd], { work, home, knownHosts: fx.knownHosts, mitogen });
}

function runFtl2(cmd: string[], cold: boolean): Measurement {
  if (cold) rmSync(join(remoteHome, ".ftl"), { recursive: true, force: true });
  return measure([ftl2, ...cmd], { HOME: home, ANSIBLE_NOCOLOR: "1" });
}

interface Series {
  ms: number;
  rssMb: number;
  failed: number[];
}
function series(ms: Measurement[]): Series {
  return {
    ms: median(ms.map((m) => m.seconds)) * 1000,
    rssMb: Math.max(...ms.map((m) => m.maxRssKb)) / 1024,
    failed: ms.map((m) => m.code).filter((c) => c !== 0),
  };
}
const repeat = (n: number, f: () => Measurement) => Array.from({ length: n }, f);
const sec = (s: Series | undefined) => (!s ? "-" : `${(s.ms / 1000).toFixed(2)} s${s.failed.length ? ` (rc ${s.failed.join(",")})` : ""}`);

const rows: string[] = [];
const verdicts: string[] = [];
const met = (ok: boolean) => (ok ? "met" : "**missed**");

async function adhocRows(fx: SshFixture): Promise<void> {
  for (const n of sizes) {
    const inv = inventory(fx, n);
    const f = String(forksFor(n));
    const reps = quick ? 2 : n >= 500 ? 3 : 5;
    // ansible's own time varies ~10% from run to run: the median of 3 up to 100 hosts (one ~80 s run at 500).
    const ansibleReps = quick || n >= 500 ? 1 : 3;
    for (const [what, mod] of [["`-m ping`", ["-m", "ping"]], ["`-a 'echo hi'`", ["-m", "command", "-a", "echo hi"]]] as const) {
      const args = ["all", "-i", inv, ...mod, "-f", f];
      const cold = series([runFtl2(args, true)]);
      const warm = series(repeat(reps, () => runFtl2(args, false)));
      const ans = series(repeat(ansibleReps, () => runAnsible(fx, args, false)));
      const mit = series([runAnsible(fx, args, true)]);
      const line =
        `| ${what} | ${n} | ${f} | ${sec(warm)} (cold ${sec(cold)}) | ${sec(ans)} | ${sec(mit)} | ${(ans.ms / warm.ms).toFixed(1)}x ` +
        `(cold ${(ans.ms / cold.ms).toFixed(1)}x; vs mitogen ${(mit.ms / warm.ms).toFixed(1)}x) | ${Math.max(cold.rssMb, warm.rssMb).toFixed(0)} MB | ` +
        `${ans.rssMb.toFixed(0)} MB (mitogen ${mit.rssMb.toFixed(0)} MB) |`;
      rows.push(line);
      console.log(line);
      if (n === 100) verdicts.push(`100 hosts ${what}: ${(ans.ms / warm.ms).toFixed(1)}x warm, ${(ans.ms / cold.ms).toFixed(1)}x cold (${met(ans.ms / warm.ms >= 10)})`);
      if (n === 500) verdicts.push(`500 hosts ${what}: ${Math.max(cold.rssMb, warm.rssMb).toFixed(0)} MB peak RSS (${met(Math.max(cold.rssMb, warm.rssMb) <= 250)})`);
    }
  }
}

/** CPU seconds used so far by this run's gates, the module processes they reaped and the helpers they keep
 * running (stat's long-lived `file`): /proc, utime+stime+cutime+cstime. */
function gateCpuSeconds(): number {
  let ticks = 0;
  const gates = new Set<string>();
  const others: [string, number][] = [];
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
      const cpu = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
      if (!readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(`${remoteHome}/.ftl/ftl_gate_`)) others.push([f[1]!, cpu]);
      else {
        gates.add(pid);
        ticks += cpu;
      }
    } catch {
      // the process ended between listing and reading
    }
  }
  for (const [ppid, cpu] of others) if (gates.has(ppid)) ticks += cpu;
  return ticks / 100;
}

function busySeconds(): number {
  const f = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  return (f[0]! + f[1]! + f[2]! + f[5]! + f[6]!) / 100;
}

async function warmPerCall(fx: SshFixture): Promise<string[]> {
  const env = { ...process.env, HOME: home };
  const defaults: ConnectionDefaults = { connectTimeoutSec: 30, hostKeyChecking: true, modulePaths: [], collectionsPaths: [], cwd: root, env };
  const popts = { modulePaths: [], collectionsPaths: [], cwd: root, env };
  const hosts: HostTarget[] = fx.hosts.slice(0, WARM_HOSTS).map((h) => ({
    name: h.name,
    vars: { ansible_host: h.address, ansible_port: h.port, ansible_user: "root", ansible_ssh_private_key_file: fx.clientKey, ansible_python_interpreter: PY },
  }));
  const n = hosts.length;
  const forks = 50;
  const pool = new ConnectionPool(defaults);
  const out: string[] = [];
  const run = async (name: string, args: Record<string, unknown>) => {
    const t0 = performance.now();
    const o = await runTask({ hosts, task: { module: await prepareModule(name, popts), args }, forks, pool });
    const bad = o.results.filter((r) => r.status !== "ok" && r.status !== "changed");
    if (bad.length) throw new Error(`${name}: ${bad.length} hosts ${bad[0]!.status}: ${JSON.stringify(bad[0]!.result.msg)}`);
    return performance.now() - t0;
  };
  try {
    const cpuStart = process.cpuUsage();
    const first = await run("ping", {});
    const startCpu = process.cpuUsage(cpuStart);
    out.push(
      `- Opening ${n} connections and starting ${n} gates with the first \`ping\` (forks ${forks}): ${(first / 1000).toFixed(2)} s; ` +
        `CPU per host: controller ${((startCpu.user + startCpu.system) / 1000 / n).toFixed(1)} ms, gate (Python start, gate imports, ping) ${((gateCpuSeconds() * 1000) / n).toFixed(1)} ms.`,
    );
    for (const [name, args] of [["command", { _raw_params: "echo hi" }], ["stat", { path: "/etc/passwd" }]] as const) {
      const gateBefore = gateCpuSeconds();
      const firstCall = await run(name, args);
      const firstGateMs = ((gateCpuSeconds() - gateBefore) * 1000) / n;
      const cpu0 = process.cpuUsage();
      const gate0 = gateCpuSeconds();
      const busy0 = busySeconds();
      const times: number[] = [];
      for (let k = 0; k < K; k++) times.push(await run(name, args));
      const cpu = process.cpuUsage(cpu0);
      const ctlMs = (cpu.user + cpu.system) / 1000 / (K * n);
      const gateMs = ((gateCpuSeconds() - gate0) * 1000) / (K * n);
      const busyMs = ((busySeconds() - busy0) * 1000) / (K * n);
      const mean = times.reduce((a, b) => a + b, 0) / K;
      const line =
        `- \`${name} ${name === "command" ? "echo hi" : "path=/etc/passwd"}\` on ${n} warm hosts, ${K} calls: ${mean.toFixed(0)} ms per task ` +
        `(median ${median(times).toFixed(0)} ms; the first call, which loads the module in the gate (native there, else its bundle shipped and imported), ` +
        `${firstCall.toFixed(0)} ms and ${firstGateMs.toFixed(1)} ms of gate CPU per host), ` +
        `**${(mean / n).toFixed(2)} ms per host per call**. CPU per host per call: controller ${ctlMs.toFixed(2)} ms, ` +
        `gate and module process ${gateMs.toFixed(2)} ms, whole machine ${busyMs.toFixed(2)} ms.`;
      out.push(line);
      console.log(line);
      verdicts.push(`warm \`${name}\`: ${(mean / n).toFixed(2)} ms per host per call (${met(mean / n <= 2)})`);
    }
  } finally {
    await pool.closeAll();
  }
  return out;
}

const fx = await startSshd({ hosts: Math.max(...sizes, WARM_HOSTS), config: [`SetEnv HOME=${remoteHome}`] });
let warmLines: string[] = [];
const load0 = loadavg()[0]!;
try {
  controllerHome(fx, home);
  if (!warmOnly) await adhocRows(fx);
  warmLines = await warmPerCall(fx);
} finally {
  await fx.stop();
  rmSync(work, { recursive: true, force: true });
}

const body = [
  `Measured ${new Date().toISOString().slice(0, 10)} on this machine (2 cores, shared with other work: load average ${load0.toFixed(1)} at the start, ` +
    `${loadavg()[0]!.toFixed(1)} at the end), ansible-core 2.14 and ansible-mitogen 0.3.3 from Debian, \`dist/ftl2\` built by \`npm run build\`.`,
  `The hosts are real OpenSSH daemons on loopback addresses (test/helpers/sshd.ts, 16 addresses per daemon, root logins with an ed25519 key), ` +
    "so the controller and every \"remote\" host share the same 2 cores: a number here is the CPU of both sides, not network latency.",
  "",
  "Method: every tool gets the same INI inventory (with `ansible_python_interpreter=/usr/bin/python3`, so nobody runs interpreter discovery) and the same forks. " +
    "ftl2 reads the fixture's known_hosts from `$HOME/.ssh`; ansible is given it with `ANSIBLE_SSH_COMMON_ARGS=-o UserKnownHostsFile=...` " +
    "(OpenSSH takes ~/.ssh from the passwd entry, not `$HOME`). Every ansible run is cold: ansible's default ssh arguments " +
    "(ControlMaster=auto, ControlPersist=60s, no pipelining) with a fresh ControlPath directory, and each master closed (`ssh -O exit`) after the run. " +
    `Mitogen is \`ANSIBLE_STRATEGY_PLUGINS=${MITOGEN_PLUGINS}\` with \`ANSIBLE_STRATEGY=mitogen_linear\`; it runs with ansible-core 2.14 (its version check allows 2.10 to 2.14). ` +
    "ftl2 cold = the gate directory `~/.ftl` of the remote user removed first (gate zipapp and module bundles uploaded again); warm = it is there. " +
    "ftl2 times are medians of 5 runs (3 at 500 hosts), ansible of 3 runs up to 100 hosts and 1 run at 500, mitogen 1 run. " +
    "Peak RSS is GNU time `%M`: for ansible, its largest single process (each of its forks is a process of its own).",
  "",
  "| what | hosts | forks | ftl2 warm (cold) | ansible | mitogen | speed-up: ansible / ftl2 | ftl2 peak RSS | ansible peak RSS |",
  "|---|---|---|---|---|---|---|---|---|",
  ...rows,
  "",
  `Warm per-call cost through the engine API in-process (\`runTask\` over one \`ConnectionPool\`, ${WARM_HOSTS} hosts, forks 50): ` +
    "task wall time divided by hosts, and where the CPU went (controller: this process; gate: the remote gate processes and the module processes they fork, read from /proc).",
  "",
  ...warmLines,
  "",
  "Reference from the issue: `ansible all -m ping -f 20` on 20 loopback hosts took 3.7 s.",
  "",
  "Targets: 100 hosts at least 10x faster than ansible; at most 250 MB controller peak RSS for 500 hosts; a warm module call at most 2 ms per host.",
  "This run: " + verdicts.join("; ") + ".",
  // A blank line before the next section's heading.
  "",
].join("\n");
publishSection(quick, "Remote execution over SSH (scripts/bench-ssh.ts)", body);
