// Script benchmark for issue 5: ten tasks (scripts/bench-script-tasks.ts) on N sshd hosts, as `ftl2 run` of
// the script and as the same play with ansible-playbook (cold ControlPath) and ansible-playbook + Mitogen,
// side by side in one run: first on clean hosts (changes), then again (idempotent). Every run's recap is
// checked (rc 0, ok and changed per host) before a number is kept. Then the per-task cost on warm gates:
// timestamps from the script, and a CPU profile of each task through the engine in-process. Writes the
// "Scripts: 10 tasks vs ansible-playbook" section of docs/benchmarks.md (not with --quick).
// Usage: node scripts/with-bun.mjs run scripts/bench-script.ts [--quick] [--sizes 20,100] [--ftl2-only]
// (--ftl2-only: ftl2's runs alone, with the whole machine's CPU per host, and the profile; printed, not written)
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { controllerHome, startSshd, type SshFixture } from "../test/helpers/sshd.ts";
import { measure, median, type Measurement, FTL2_BIN, ROOT, SYSTEM_PY, forksFor, hostSizes, MITOGEN_PLUGINS, publishSection, measureAnsibleCold, writeSshInventory } from "./_bench-util.ts";
import { profileTasks, type TaskProfile } from "./_bench-script-profile.ts";
import { benchPlaybook, benchTasks } from "./bench-script-tasks.ts";

const root = ROOT;
const ftl2 = FTL2_BIN;
const TASKS_SCRIPT = join(root, "scripts", "bench-script-tasks.ts");
const argv = process.argv.slice(2);
const ftl2Only = argv.includes("--ftl2-only");
const quick = argv.includes("--quick") || ftl2Only;
const sizes = hostSizes(argv, quick, { quick: [5], full: [20, 100] });
const REPS = quick && !ftl2Only ? 1 : 3;
const PY = SYSTEM_PY;

const work = mkdtempSync(join(tmpdir(), "ftl2-bench-script-"));
// As bench-ssh: the sessions' HOME is private to this run. `own` is the path where each host sees a
// directory of its own (sshd.ts ownDir), so 100 "hosts" on one disk do not share their files.
const remoteHome = join(work, "remote-home");
const home = join(work, "home");
const own = join(work, "own");
const src = join(work, "src.txt");
for (const d of [remoteHome, own]) mkdirSync(d, { recursive: true });
writeFileSync(src, "a small file copied from the controller\n");
const playbook = join(work, "play.yml");
writeFileSync(playbook, benchPlaybook(own, src));
const TASKS = benchTasks(own, src);
const CHANGED = [0, 1].map((run) => TASKS.filter((t) => t.changed[run]).length) as [number, number];

const inventory = (fx: SshFixture, n: number): string => writeSshInventory(work, fx.hosts, fx.clientKey, n);

function wipe(fx: SshFixture, n: number): void {
  for (const h of fx.hosts.slice(0, n)) rmSync(join(fx.ownDirOf(h.name), "b"), { recursive: true, force: true });
}

/** Throws unless the run exited 0 and every host's recap says ok=`ok` changed=`changed`, nothing failed. */
function check(m: Measurement, what: string, hosts: string[], ok: number, changed: number): Measurement {
  const want = `ok=${ok} changed=${changed} unreachable=0 failed=0`;
  const recap = new Map<string, string>();
  for (const x of m.stdout.split("PLAY RECAP")[1]?.matchAll(/^(\S+)\s+: (ok=\d+)\s+(changed=\d+)\s+(unreachable=\d+)\s+(failed=\d+)/gm) ?? []) {
    recap.set(x[1]!, x.slice(2, 6).join(" "));
  }
  const bad = hosts.filter((h) => recap.get(h) !== want);
  if (m.code !== 0 || bad.length > 0) {
    throw new Error(`${what}: rc ${m.code}; ${bad.length} hosts not '${want}' (${bad[0]}: '${recap.get(bad[0] ?? "")}')\n${m.stdout.slice(-3000)}`);
  }
  return m;
}

/** One cold ansible-playbook run (see measureAnsibleCold). */
function runPlaybook(fx: SshFixture, inv: string, forks: number, mitogen: boolean): Measurement {
  return measureAnsibleCold(["ansible-playbook", "-i", inv, "-f", String(forks), playbook], { work, home, knownHosts: fx.knownHosts, mitogen });
}

function runScript(inv: string, forks: number, vars: Record<string, unknown>, coldGate = false): Measurement {
  if (coldGate) rmSync(join(remoteHome, ".ftl"), { recursive: true, force: true });
  const e = JSON.stringify({ base: own, src, ...vars });
  return measure([ftl2, "run", TASKS_SCRIPT, "-i", inv, "-f", String(forks), "-e", e], { HOME: home, ANSIBLE_NOCOLOR: "1" });
}

const secs = (m: Measurement | number) => `${(typeof m === "number" ? m : m.seconds).toFixed(2)} s`;
const mb = (ms: Measurement[]) => `${(Math.max(...ms.map((m) => m.maxRssKb)) / 1024).toFixed(0)} MB`;
const rows: string[] = [];
const verdicts: string[] = [];

async function sideBySide(fx: SshFixture, n: number): Promise<void> {
  const inv = inventory(fx, n);
  const f = forksFor(n);
  const hosts = fx.hosts.slice(0, n).map((h) => h.name);
  const [c1, c2] = [CHANGED[0], CHANGED[1]];
  const T = TASKS.length;
  wipe(fx, n);
  const cold = check(runScript(inv, f, {}, true), "ftl2 cold", hosts, T, c1);
  const warm1: Measurement[] = [];
  const warm2: Measurement[] = [check(runScript(inv, f, {}), "ftl2 second run", hosts, T, c2)];
  for (let r = 0; r < REPS; r++) {
    wipe(fx, n);
    warm1.push(check(runScript(inv, f, {}), "ftl2 first run", hosts, T, c1));
    warm2.push(check(runScript(inv, f, {}), "ftl2 second run", hosts, T, c2));
  }
  wipe(fx, n);
  const a1 = check(runPlaybook(fx, inv, f, false), "ansible-playbook first run", hosts, T, c1);
  const a2 = check(runPlaybook(fx, inv, f, false), "ansible-playbook second run", hosts, T, c2);
  wipe(fx, n);
  let mit: [Measurement, Measurement] | string;
  try {
    mit = [check(runPlaybook(fx, inv, f, true), "mitogen first run", hosts, T, c1), check(runPlaybook(fx, inv, f, true), "mitogen second run", hosts, T, c2)];
  } catch (e) {
    mit = `did not run: ${String((e as Error).message).split("\n")[0]}`;
  }
  const w1 = median(warm1.map((m) => m.seconds));
  const w2 = median(warm2.map((m) => m.seconds));
  const pairs: [string, number, Measurement, Measurement | undefined, string][] = [
    ["first run (changes)", w1, a1, typeof mit === "string" ? undefined : mit[0], ` (cold gate ${secs(cold)})`],
    ["second run (idempotent)", w2, a2, typeof mit === "string" ? undefined : mit[1], ""],
  ];
  for (const [what, ours, ans, m, extra] of pairs) {
    const line =
      `| ${what} | ${n} | ${f} | ${secs(ours)}${extra} | ${secs(ans)} | ${m ? secs(m) : typeof mit === "string" ? mit : "-"} | ` +
      `**${(ans.seconds / ours).toFixed(1)}x**${what.startsWith("first") ? ` (cold ${(ans.seconds / cold.seconds).toFixed(1)}x)` : ""} | ` +
      `${m ? `${(m.seconds / ours).toFixed(1)}x` : "-"} | ${mb([cold, ...warm1, ...warm2])} | ${mb([a1, a2])}${m ? ` (mitogen ${mb([m])})` : ""} |`;
    rows.push(line);
    console.log(line);
    if (n === Math.max(...sizes)) verdicts.push(`${n} hosts, ${what}: ${(ans.seconds / ours).toFixed(1)}x (${ans.seconds / ours >= 20 ? "met" : "**missed**"})`);
  }
}

/** CPU seconds so far of this fixture's sshd daemons with everything they reaped (sessions, gates, modules). */
function hostCpuSeconds(fx: SshFixture): number {
  let ticks = 0;
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(`${fx.dir}/sshd_config`)) continue;
      const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
      ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    } catch {
      // the process ended between listing and reading
    }
  }
  return ticks / 100;
}

/** CPU seconds of this process's reaped children (the ftl2 runs). */
function childCpuSeconds(): number {
  const f = readFileSync("/proc/self/stat", "utf8").split(") ")[1]!.split(" ");
  return (Number(f[13]) + Number(f[14])) / 100;
}

/** ftl2's first and second runs alone: wall time, and CPU per host of the controller and of the hosts'
 * sshd (sessions, gates, modules), which other work on the machine does not disturb (medians of REPS). */
function ftl2Runs(fx: SshFixture, n: number): void {
  const inv = inventory(fx, n);
  const f = forksFor(n);
  const hosts = fx.hosts.slice(0, n).map((h) => h.name);
  wipe(fx, n);
  check(runScript(inv, f, {}), "ftl2 warm-up", hosts, TASKS.length, CHANGED[0]); // the gate and bundles on the hosts
  const runs: [number, number, number][][] = [[], []];
  for (let r = 0; r < REPS; r++) {
    wipe(fx, n);
    for (const run of [0, 1] as const) {
      const [ctl0, host0] = [childCpuSeconds(), hostCpuSeconds(fx)];
      const m = check(runScript(inv, f, {}), `ftl2 run ${run + 1}`, hosts, TASKS.length, CHANGED[run]);
      runs[run]!.push([m.seconds, ((childCpuSeconds() - ctl0) * 1000) / n, ((hostCpuSeconds(fx) - host0) * 1000) / n]);
    }
  }
  for (const run of [0, 1] as const) {
    const rs = runs[run]!;
    const med = (i: number) => median(rs.map((x) => x[i]!)).toFixed(1);
    console.log(`${run ? "second run (idempotent)" : "first run (changes)"}, ${n} hosts, forks ${f}: ${median(rs.map((x) => x[0])).toFixed(2)} s; ` +
      `CPU per host: controller ${med(1)} ms, hosts (sshd, gates, modules) ${med(2)} ms, ` +
      `sum ${median(rs.map((x) => x[1] + x[2])).toFixed(1)} ms (runs: ${rs.map((x) => (x[1] + x[2]).toFixed(1)).join(", ")})`);
  }
}

interface Timing {
  task: string;
  ms: number;
  changed: number;
}

/** Per-task wall time per host from the script's own timestamps, gates opened by an untimed ping first. */
function scriptTimings(fx: SshFixture, n: number): [Timing[], Timing[]] {
  const inv = inventory(fx, n);
  const hosts = fx.hosts.slice(0, n).map((h) => h.name);
  wipe(fx, n);
  const out: Timing[][] = [];
  for (const run of [0, 1] as const) {
    const file = join(work, `timings-${run}.json`);
    check(runScript(inv, forksFor(n), { warmup: 1, timings: file }), `ftl2 timed run ${run + 1}`, hosts, TASKS.length + 1, CHANGED[run]);
    const t = JSON.parse(readFileSync(file, "utf8")) as Timing[];
    const wrong = t.find((x, i) => x.changed !== (TASKS[i]!.changed[run] ? n : 0));
    if (wrong) throw new Error(`timed run ${run + 1}: ${wrong.task} changed ${wrong.changed} hosts`);
    out.push(t);
  }
  return [out[0]!, out[1]!];
}

// Where each task runs on a host (gate/ftl_gate/native.py lists the gate's native modules; the rest are shipped).
const WHERE: Record<string, string> = {
  file: "native in the gate", copy: "copy action: stat + Put + copy module, all native; unchanged: stat + file module",
  command: "native in the gate", shell: "native in the gate", stat: "native in the gate", lineinfile: "native in the gate", blockinfile: "native in the gate",
};

const n = Math.max(...sizes);
const fx = await startSshd({ hosts: n, hostsPerDaemon: 1, ownDir: own, config: [`SetEnv HOME=${remoteHome}`] });
const load0 = loadavg()[0]!;
let timings: [Timing[], Timing[]];
let profile: TaskProfile[];
try {
  controllerHome(fx, home);
  if (ftl2Only) for (const size of sizes) ftl2Runs(fx, size);
  else for (const size of sizes) await sideBySide(fx, size);
  timings = scriptTimings(fx, n);
  profile = await profileTasks({
    inventory: inventory(fx, n), tasks: TASKS, forks: forksFor(n), env: { ...process.env, HOME: home }, gateDir: join(remoteHome, ".ftl"), repeats: quick ? 2 : 5,
  });
} finally {
  await fx.stop();
  rmSync(work, { recursive: true, force: true });
}
const load1 = loadavg()[0]!;

const perTask = TASKS.map((t, i) => {
  const p = profile[i]!;
  return `| ${i + 1}. ${t.title} | ${WHERE[t.module] ?? "shipped module"} | ${(timings[0][i]!.ms / n).toFixed(2)} | ${(timings[1][i]!.ms / n).toFixed(2)} | ` +
    `${p.wallMs.toFixed(2)} | ${p.gateCpuMs.toFixed(2)} | ${p.controllerCpuMs.toFixed(2)} |`;
});
const sum = (xs: Timing[]) => xs.reduce((a, x) => a + x.ms, 0) / n;
console.log(perTask.join("\n"));

const body = [
  `Measured ${new Date().toISOString().slice(0, 10)} on this machine (2 cores, shared with other work: load average ${load0.toFixed(1)} at the start, ` +
    `${load1.toFixed(1)} at the end), ansible-core 2.14 and ansible-mitogen 0.3.3 from Debian, \`dist/ftl2\` built by \`npm run build\`.`,
  "",
  "Method: the ten tasks of `scripts/bench-script-tasks.ts` (file directory, copy content, copy of a small controller file, command, " +
    "shell with `creates`, lineinfile, stat, file touch with mode and preserved times, blockinfile, a final command) run as `ftl2 run` of that " +
    "script and as the same play (`hosts: all`, `gather_facts: false`, linear strategy, same forks) with `ansible-playbook`, and with " +
    "`ansible-playbook` under Mitogen (`ANSIBLE_STRATEGY=mitogen_linear`). The hosts are real OpenSSH daemons on loopback (test/helpers/sshd.ts, " +
    "one daemon per host so that each host sees a directory of its own at the same path, root logins, `Subsystem sftp internal-sftp` (the fixture's default) so " +
    "ansible's default sftp transfer works); controller and hosts share the same 2 cores. Inventory, known_hosts and ControlPath handling as in " +
    "the SSH section above: every ansible run is cold (fresh ControlPath directory, masters closed after). Each tool starts on clean hosts " +
    `(first run: ${CHANGED[0]} of ${TASKS.length} tasks change), then runs again (second run: only the ${CHANGED[1]} commands report a change). ` +
    "Every run is checked before it counts: exit code 0 and each host's recap `ok=10 changed=N unreachable=0 failed=0`. " +
    `ftl2 times are medians of ${REPS} runs with the gate already on the hosts (\`~/.ftl\`); cold gate = \`~/.ftl\` removed first ` +
    "(gate and module bundles uploaded again); ansible and mitogen 1 run each. Peak RSS is GNU time `%M` (ansible: its largest process).",
  "",
  "| run | hosts | forks | ftl2 run | ansible-playbook | mitogen | ansible / ftl2 | mitogen / ftl2 | ftl2 peak RSS | ansible peak RSS |",
  "|---|---|---|---|---|---|---|---|---|---|",
  ...rows,
  "",
  `Per-task cost on warm gates at ${n} hosts (forks ${forksFor(n)}), milliseconds per host. "Script": the task's wall time from timestamps in ` +
    "the script under `ftl2 run`, every gate opened first by an untimed `ping`, divided by hosts (first run on clean hosts, second run). " +
    `"Profile": the same task through \`automation()\` in-process on warm gates, ${quick ? 2 : 5} calls after an untimed one (so the idempotent form), ` +
    "wall time and CPU (gate: the hosts' gate processes and the module processes they fork, from /proc; controller: the calling process) per host per call.",
  "",
  "| task | where it runs on the host | script, first run | script, second run | profile wall | profile gate CPU | profile controller CPU |",
  "|---|---|---|---|---|---|---|",
  ...perTask,
  `| all ten | | ${sum(timings[0]).toFixed(1)} | ${sum(timings[1]).toFixed(1)} | ${profile.reduce((a, p) => a + p.wallMs, 0).toFixed(1)} | ` +
    `${profile.reduce((a, p) => a + p.gateCpuMs, 0).toFixed(1)} | ${profile.reduce((a, p) => a + p.controllerCpuMs, 0).toFixed(1)} |`,
  "",
  "Target: the ten-task script at least 20x faster than ansible-playbook on 100 hosts.",
  "This run: " + verdicts.join("; ") + ".",
  "",
].join("\n");
publishSection(quick, "Scripts: 10 tasks vs ansible-playbook (scripts/bench-script.ts)", body);
