// AWX worker benchmark for issue 4: the same AWX-shaped ad-hoc job (`ping`, and `command` with `echo hi`) on N
// real sshd hosts, end to end as AWX runs it: a transmit stream made once by the real ansible-runner's Python
// API -> `worker --private-data-dir=DIR --delete` (stdin a regular file, stdout and stderr into one stream, as
// Receptor does) -> streamed into the real `process` inside a long-lived Python, as AWX's task process reads it
// (scripts/_awx_controller.py); the `ansible-runner process` command afterwards gives the sequential figure. Once through the real
// `ansible-runner worker` and once through `dist/ftl2 worker`, side by side in one run; both must report the
// same final status and the same events per host, or the script fails. Writes the "AWX worker" section of
// docs/benchmarks.md (not with --quick).
// Usage: node scripts/with-bun.mjs run scripts/bench-worker.ts [--quick] [--sizes 20,100]
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { realTransmit } from "../test/helpers/real-runner.ts";
import { startSshd, type SshFixture } from "../test/helpers/sshd.ts";
import { measure, median, type Measurement, FTL2_BIN, ROOT, SYSTEM_PY, forksFor, hostSizes, publishSection } from "./_bench-util.ts";

const root = ROOT;
const ftl2 = FTL2_BIN;
if (!existsSync(ftl2)) throw new Error(`${ftl2} is missing: run npm run build first`);
const argv = process.argv.slice(2);
const quick = argv.includes("--quick");
const sizes = hostSizes(argv, quick, { quick: [20], full: [20, 100] });
const FTL2_REPS = quick ? 2 : 3;
const REAL_REPS = quick ? 1 : 3;
const PY = SYSTEM_PY;

const work = mkdtempSync(join(tmpdir(), "ftl2-bench-worker-"));
// sshd sessions get this HOME (sshd_config SetEnv): the gate's ~/.ftl and ansible's ~/.ansible/tmp stay private
// to this run, so a cold ftl2 run can remove the gate directory without touching root's real home.
const remoteHome = join(work, "remote-home");
// The execution node's HOME for both workers (ansible's ~/.ansible, ftl2's caches).
const home = join(work, "home");
mkdirSync(remoteHome);
mkdirSync(home);

// Both workers run with an execution environment's PATH. This machine's PATH starts with pyenv's shims, whose
// `python3` is a shell script costing ~100 ms per start, and AWX's inventory script runs through
// `/usr/bin/env python3`: with the shims first every job of either worker paid it (9.6 ms with /usr/bin/python3).
const EE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

type Job = { label: string; module: string; args: string };
const JOBS: Job[] = [
  { label: "`ping`", module: "ping", args: "" },
  { label: "`command echo hi`", module: "command", args: "echo hi" },
];

/** The prompts AWX's RunAdHocCommand sends (get_password_prompts), each with an empty answer: no password in use. */
function awxPasswords(): Record<string, string> {
  const out: Record<string, string> = { "Enter passphrase for .*:\\s*?$": "", "Bad passphrase, try again for .*:\\s*?$": "" };
  for (const m of ["sudo", "su", "pbrun", "pfexec", "dzdo", "pmrun", "runas", "enable"]) {
    out[`${m} password.*:\\s*?$`] = "";
    out[`${m.toUpperCase()} password.*:\\s*?$`] = "";
  }
  return { ...out, "BECOME password.*:\\s*?$": "", "SSH password:\\s*?$": "", "Password:\\s*?$": "" };
}

/**
 * A private data dir as AWX's RunAdHocCommand writes it: inventory/hosts is its executable script (print of the
 * JSON with _meta.hostvars), env/cmdline its argument line, env/extravars the awx_* meta vars, env/settings the
 * runner settings. Returned with the kwargs AWX passes to ansible_runner.run(streamer="transmit").
 */
function awxJob(fx: SshFixture, n: number, job: Job, ident: number, pdd: string): Record<string, unknown> {
  const hosts = fx.hosts.slice(0, n);
  const hostvars = Object.fromEntries(hosts.map((h, i) => [h.name, {
    ansible_host: h.address, ansible_port: h.port, ansible_python_interpreter: PY, remote_tower_id: i + 1, remote_tower_enabled: "true",
  }]));
  const inventory = { all: { children: ["sshd"] }, sshd: { hosts: hosts.map((h) => h.name) }, _meta: { hostvars } };
  rmSync(pdd, { recursive: true, force: true });
  mkdirSync(join(pdd, "inventory"), { recursive: true });
  mkdirSync(join(pdd, "env"));
  // AWX: '#! /usr/bin/env python3\n# -*- coding: utf-8 -*-\nprint(%r)\n' % json.dumps(script_data), mode 0700.
  const repr = `'${JSON.stringify(inventory).replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
  writeFileSync(join(pdd, "inventory", "hosts"), `#! /usr/bin/env python3\n# -*- coding: utf-8 -*-\nprint(${repr})\n`);
  chmodSync(join(pdd, "inventory", "hosts"), 0o700);
  writeFileSync(join(pdd, "env", "cmdline"), `-u root --forks=${forksFor(n)} all`);
  writeFileSync(join(pdd, "env", "extravars"), `awx_job_id: ${ident}\nawx_user_name: admin\nawx_inventory_id: 1\nawx_inventory_name: bench\n`);
  writeFileSync(join(pdd, "env", "settings"), '{"job_timeout": 0, "suppress_ansible_output": true, "suppress_output_file": true}');
  return {
    ident,
    inventory: join(pdd, "inventory", "hosts"),
    module: job.module,
    module_args: job.args,
    passwords: awxPasswords(),
    suppress_env_files: true,
    // AWX puts every ANSIBLE_* setting in the job's environment: ANSIBLE_HOST_KEY_CHECKING=False is its default.
    envvars: {
      ANSIBLE_FORCE_COLOR: "True", ANSIBLE_HOST_KEY_CHECKING: "False", ANSIBLE_INVENTORY_UNPARSED_FAILED: "True",
      ANSIBLE_PARAMIKO_RECORD_HOST_KEYS: "False", AWX_PRIVATE_DATA_DIR: pdd, AD_HOC_COMMAND_ID: String(ident), INVENTORY_ID: "1",
      INVENTORY_HOSTVARS: "True", ANSIBLE_LOAD_CALLBACK_PLUGINS: "1", ANSIBLE_SFTP_BATCH_MODE: "False",
    },
    // The machine credential's key: ansible-runner feeds it to ssh-agent, ftl2 keeps it in memory.
    ssh_key: fx.clientKeyText,
    fact_cache_type: "",
  };
}

interface Leg {
  /** AWX's end to end: from starting the worker to `process` returning in the controller's Python (streamed). */
  awxSeconds: number;
  worker: Measurement;
  /** The real `ansible-runner process` command on the worker's whole output, after the worker: the sequential figure. */
  process: Measurement;
  status: string;
  /** host -> "event:count,..." over the job_events `process` wrote. */
  perHost: Map<string, string>;
  events: number;
  /** The stdout of the first event of each kind, to show what went wrong. */
  samples: Map<string, string>;
}

function eventsPerHost(dir: string): Pick<Leg, "perHost" | "events" | "samples"> {
  const counts = new Map<string, Map<string, number>>();
  const samples = new Map<string, string>();
  const files = readdirSync(dir).filter((f) => f.endsWith(".json"));
  for (const f of files) {
    const ev = JSON.parse(readFileSync(join(dir, f), "utf8")) as { event: string; stdout?: string; event_data?: { host?: string } };
    const host = ev.event_data?.host ?? "-";
    if (!samples.has(ev.event)) samples.set(ev.event, String(ev.stdout ?? ""));
    const m = counts.get(host) ?? new Map<string, number>();
    m.set(ev.event, (m.get(ev.event) ?? 0) + 1);
    counts.set(host, m);
  }
  const perHost = new Map([...counts].map(([h, m]) => [h, [...m].sort().map(([e, c]) => `${e}:${c}`).join(",")]));
  return { perHost, events: files.length, samples };
}

/** scripts/_awx_controller.py: one Python with ansible_runner imported, as AWX's task process is. */
class AwxController {
  private proc = Bun.spawn([SYSTEM_PY, join(root, "scripts", "_awx_controller.py")], {
    stdin: "pipe", stdout: "pipe", stderr: "inherit", env: { ...process.env, HOME: home, PATH: EE_PATH },
  });
  private lines = this.readLines();

  private async *readLines(): AsyncGenerator<string> {
    const decoder = new TextDecoder();
    let buf = "";
    for await (const chunk of this.proc.stdout) {
      buf += decoder.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = buf.indexOf("\n")) >= 0) {
        yield buf.slice(0, nl);
        buf = buf.slice(nl + 1);
      }
    }
  }

  async run(job: Record<string, unknown>): Promise<{ seconds: number; workerSeconds: number; workerRssKb: number; workerCode: number; status: string }> {
    this.proc.stdin.write(JSON.stringify(job) + "\n");
    await this.proc.stdin.flush();
    const next = await this.lines.next();
    if (next.done) throw new Error(`scripts/_awx_controller.py ended (exit ${await this.proc.exited})`);
    return JSON.parse(next.value) as Awaited<ReturnType<AwxController["run"]>>;
  }

  close(): void {
    this.proc.stdin.end();
  }
}

/**
 * One run: the worker on the stream file with its output streamed into `process` in the controller's Python
 * (AWX's end to end), then the real `ansible-runner process` command on the same output (the sequential figure).
 */
async function runLeg(awx: AwxController, runner: string, stream: string, pdd: string, ident: number, env: Record<string, string>): Promise<Leg> {
  const out = join(work, "worker.out");
  const processDir = mkdtempSync(join(work, "process-"));
  const r = await awx.run({ runner, stream, pdd, ident, out, processDir, env: { ...process.env, ...env } });
  const worker: Measurement = { seconds: r.workerSeconds, maxRssKb: r.workerRssKb, code: r.workerCode, stdout: "" };
  const cliDir = mkdtempSync(join(work, "process-cli-"));
  const q = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;
  const process_ = measure(["sh", "-c", `exec ansible-runner process ${q(cliDir)} --ident ${ident} <${q(out)}`], { HOME: home, PATH: EE_PATH });
  rmSync(cliDir, { recursive: true, force: true });
  const lines = readFileSync(out, "utf8").split("\n").filter(Boolean);
  const statuses: string[] = [];
  for (const l of lines) {
    let obj: { status?: string; zipfile?: number; job_explanation?: string };
    try {
      obj = JSON.parse(l) as typeof obj;
    } catch {
      throw new Error(`${runner} worker wrote a line that is not JSON: ${l.slice(0, 200)}`);
    }
    if (obj.zipfile !== undefined) break;
    if (obj.status) statuses.push(obj.job_explanation ? `${obj.status} (${obj.job_explanation})` : obj.status);
  }
  if (r.status !== statuses[statuses.length - 1]) throw new Error(`process in the controller saw status ${r.status}, the stream says ${statuses.at(-1)}`);
  const eventsDir = join(processDir, "artifacts", String(ident), "job_events");
  const counted = existsSync(eventsDir) ? eventsPerHost(eventsDir) : { perHost: new Map<string, string>(), events: 0, samples: new Map<string, string>() };
  rmSync(processDir, { recursive: true, force: true });
  return { awxSeconds: r.seconds, worker, process: process_, status: statuses[statuses.length - 1] ?? "(none)", ...counted };
}

/** Fails loudly unless the run did the work: successful, and every host started and answered ok once. */
function checkLeg(name: string, leg: Leg, n: number, changed: boolean): void {
  const problems: string[] = [];
  if (leg.status !== "successful") problems.push(`final status ${leg.status}`);
  if (leg.worker.code !== 0) problems.push(`worker exit ${leg.worker.code}`);
  if (leg.process.code !== 0) problems.push(`process exit ${leg.process.code}`);
  const want = "runner_on_ok:1,runner_on_start:1";
  const hosts = [...leg.perHost.keys()].filter((h) => h !== "-");
  if (hosts.length !== n) problems.push(`${hosts.length} hosts in job_events, expected ${n}`);
  const bad = hosts.filter((h) => leg.perHost.get(h) !== want);
  if (bad.length) problems.push(`${bad.length} hosts without exactly one start and one ok, e.g. ${bad[0]}: ${leg.perHost.get(bad[0]!)}`);
  // ansible-runner adds one `verbose` event of its own (ssh-add's "Identity added: ..."); anything else is a fault.
  const hostless = (leg.perHost.get("-") ?? "").split(",").filter((e) => !e.startsWith("verbose:")).join(",");
  if (hostless !== "playbook_on_start:1,playbook_on_stats:1") problems.push(`events without a host: ${leg.perHost.get("-")}`);
  if (problems.length) {
    const shown = [...leg.samples].filter(([e]) => !e.startsWith("runner_on_ok") && e !== "runner_on_start").map(([e, t]) => `  ${e}: ${t.slice(0, 300)}`);
    throw new Error(`${name} did not do the work (${changed ? "command" : "ping"} on ${n} hosts): ${problems.join("; ")}\n${shown.join("\n")}`);
  }
}

function sameWork(a: Leg, b: Leg, what: string): void {
  if (a.status !== b.status) throw new Error(`${what}: final status differs: ${a.status} vs ${b.status}`);
  const keys = new Set([...a.perHost.keys(), ...b.perHost.keys()].filter((k) => k !== "-"));
  for (const k of keys) {
    if (a.perHost.get(k) !== b.perHost.get(k)) throw new Error(`${what}: events for ${k} differ: ${a.perHost.get(k)} vs ${b.perHost.get(k)}`);
  }
}

const rows: string[] = [];
const verdicts: string[] = [];
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;

async function benchJob(awx: AwxController, fx: SshFixture, n: number, job: Job, ident: number): Promise<void> {
  const pdd = join(work, "pdd", `job-${ident}`);
  mkdirSync(join(work, "pdd"), { recursive: true });
  const kwargs = awxJob(fx, n, job, ident, pdd);
  const stream = join(work, `stream-${ident}`);
  writeFileSync(stream, realTransmit(pdd, kwargs));
  // The execution node starts from nothing: the worker unpacks the private data dir from the stream.
  rmSync(pdd, { recursive: true, force: true });

  const realEnv = (): Record<string, string> => {
    // Stand-ins for the EE container the real worker runs in: an empty known_hosts (ssh adds each host, since
    // host key checking is off) and ssh ControlPersist masters that end with the job.
    const scratch = mkdtempSync(join(work, "ee-"));
    writeFileSync(join(scratch, "known_hosts"), "");
    return { HOME: home, PATH: EE_PATH, ANSIBLE_SSH_CONTROL_PATH_DIR: join(scratch, "cp"), ANSIBLE_SSH_COMMON_ARGS: `-o UserKnownHostsFile=${join(scratch, "known_hosts")}` };
  };
  const closeMasters = (env: Record<string, string>) => {
    const cp = env.ANSIBLE_SSH_CONTROL_PATH_DIR!;
    if (existsSync(cp)) for (const sock of readdirSync(cp)) spawnSync("ssh", ["-o", `ControlPath=${join(cp, sock)}`, "-O", "exit", "x"], { stdio: "ignore" });
  };
  // The real worker's time varies ~10% from run to run: the median of REAL_REPS runs (each a fresh EE stand-in).
  const reals: Leg[] = [];
  for (let i = 0; i < REAL_REPS; i++) {
    const env = realEnv();
    try {
      const leg = await runLeg(awx, "ansible-runner", stream, pdd, ident, env);
      checkLeg("ansible-runner worker", leg, n, job.module === "command");
      reals.push(leg);
    } finally {
      closeMasters(env);
    }
  }
  const byTotal = [...reals].sort((a, b) => a.awxSeconds - b.awxSeconds);
  const real = byTotal[Math.floor(byTotal.length / 2)]!;

  rmSync(join(remoteHome, ".ftl"), { recursive: true, force: true });
  const cold = await runLeg(awx, ftl2, stream, pdd, ident, { HOME: home, PATH: EE_PATH });
  checkLeg("ftl2 worker (cold)", cold, n, job.module === "command");
  sameWork(real, cold, `${job.module} on ${n} hosts`);
  const warm: Leg[] = [];
  for (let i = 0; i < FTL2_REPS; i++) {
    const leg = await runLeg(awx, ftl2, stream, pdd, ident, { HOME: home, PATH: EE_PATH });
    checkLeg("ftl2 worker (warm)", leg, n, job.module === "command");
    sameWork(real, leg, `${job.module} on ${n} hosts`);
    warm.push(leg);
  }

  const awxMs = (l: Leg) => l.awxSeconds * 1000;
  const seqMs = (l: Leg) => (l.worker.seconds + l.process.seconds) * 1000;
  const realMs = awxMs(real);
  const warmMs = median(warm.map(awxMs));
  const coldMs = awxMs(cold);
  const realSeq = seqMs(real);
  const warmSeq = median(warm.map(seqMs));
  const ftlRss = Math.max(cold.worker.maxRssKb, ...warm.map((l) => l.worker.maxRssKb));
  const realRss = Math.max(...reals.map((l) => l.worker.maxRssKb));
  const line =
    `| ${job.label} | ${n} | ${forksFor(n)} | ${s(realMs)} (worker ${s(real.worker.seconds * 1000)}; sequential ${s(realSeq)}) | ` +
    `${s(warmMs)} (worker ${s(median(warm.map((l) => l.worker.seconds * 1000)))}; sequential ${s(warmSeq)}; cold ${s(coldMs)}) | ` +
    `**${(realMs / warmMs).toFixed(1)}x** (sequential ${(realSeq / warmSeq).toFixed(1)}x; cold ${(realMs / coldMs).toFixed(1)}x) | ${mb(realRss)} | ${mb(ftlRss)} | ` +
    `${real.events} / ${warm[0]!.events} |`;
  rows.push(line);
  console.log(line);
  verdicts.push(
    `${n} hosts ${job.label}: ${(realMs / warmMs).toFixed(1)}x warm, ${(realMs / coldMs).toFixed(1)}x cold (${realMs / warmMs >= 10 ? "met" : "**missed**"}; ` +
      `sequential with the process command ${(realSeq / warmSeq).toFixed(1)}x)`,
  );
}

const load0 = loadavg();
console.log(`load average at the start: ${load0.map((x) => x.toFixed(1)).join(" ")}`);
// The sftp subsystem as in Debian's sshd_config: ansible copies its module files over sftp (scp and a piped
// `dd` are its fallbacks, each failure a warning and a wasted round trip).
const fx = await startSshd({ hosts: Math.max(...sizes), config: [`SetEnv HOME=${remoteHome}`] });
let ident = 100;
const awx = new AwxController();
try {
  for (const n of sizes) for (const job of JOBS) await benchJob(awx, fx, n, job, ident++);
} finally {
  awx.close();
  await fx.stop();
  rmSync(work, { recursive: true, force: true });
}
const load1 = loadavg();
console.log(`load average at the end: ${load1.map((x) => x.toFixed(1)).join(" ")}`);

const body = [
  `Measured ${new Date().toISOString().slice(0, 10)} on this machine (2 cores, shared with other work: load average ${load0[0]!.toFixed(1)} at the start, ` +
    `${load1[0]!.toFixed(1)} at the end), ansible-runner 2.3.1 and ansible-core 2.14 from Debian, \`dist/ftl2\` built by \`npm run build\`.`,
  "The hosts are real OpenSSH daemons on loopback addresses (test/helpers/sshd.ts), so the execution node and every managed host share the same 2 cores.",
  "",
  "Method: AWX's ad-hoc job, shaped as `RunAdHocCommand` builds it: the inventory is AWX's executable script (`print()` of the JSON with " +
    "`_meta.hostvars`, each host with `ansible_host`, `ansible_port`, `ansible_python_interpreter=/usr/bin/python3` and AWX's `remote_tower_*` vars), " +
    "`env/cmdline` = `-u root --forks=N all`, `env/extravars` with `awx_*` vars, `env/settings` with `job_timeout`, `suppress_ansible_output` and " +
    "`suppress_output_file`, the machine credential's private key as the `ssh_key` kwarg, AWX's password prompts (all empty), and AWX's " +
    "envvars (`ANSIBLE_HOST_KEY_CHECKING=False`, AWX's default setting, `ANSIBLE_FORCE_COLOR=True`, `AD_HOC_COMMAND_ID`, `INVENTORY_ID`, ...). " +
    "The transmit stream is made once per job by the real ansible-runner's Python API (`run(streamer=\"transmit\")`), as the AWX controller does. " +
    "Each run is `<runner> worker --private-data-dir=DIR --delete` (AWX's parameters for an execution node) with that stream file as stdin and " +
    "stdout and stderr going to one stream, as Receptor runs it. **End to end is measured as AWX runs it**: AWX does not start an " +
    "`ansible-runner process` command per job; its task process, with ansible_runner already imported, reads the result stream as Receptor relays it " +
    "and hands it to `ansible_runner.interface.run(streamer=\"process\")` in a thread while the worker still runs (awx/main/tasks/receptor.py, " +
    "`AWXReceptorJob.processor`). scripts/_awx_controller.py stands in for that task process: one long-lived Python that starts the worker, copies its " +
    "output to a file and, as it arrives, into the real `process` in the same interpreter; the time is from starting the worker to `process` returning. " +
    "The sequential figure in brackets is the worker's own time plus the real `ansible-runner process DIR --ident N` command run afterwards on the " +
    "whole output file (a fresh Python importing ansible_runner, ~0.15-0.2 s, on both sides), as a user without AWX would read a result. " +
    "Each run is checked: final status " +
    "`successful`, and in the `job_events/` that `process` wrote every host has exactly one `runner_on_start` and one `runner_on_ok` " +
    "(plus one `playbook_on_start` and one `playbook_on_stats`), the same for both workers; the benchmark stops otherwise. The real worker's one extra event is a `verbose` line from ssh-add " +
    "(`Identity added: ...`, how ansible-runner loads `ssh_key` into an ssh-agent).",
  "The real worker runs ansible directly, without the EE container AWX would start around it (no podman here), which only flatters it. " +
    "It gets an empty `known_hosts` per run (`ANSIBLE_SSH_COMMON_ARGS=-o UserKnownHostsFile=...`) and a fresh ControlPath directory whose masters " +
    "are closed after the run, standing in for the container that is thrown away after each job. ftl2 checks no host keys " +
    "(`ANSIBLE_HOST_KEY_CHECKING=False`) and writes no known_hosts. " +
    `ftl2 cold = the managed hosts' gate directory \`~/.ftl\` removed first (gate and module bundle uploaded again); warm = left from the run before, ` +
    `which is the steady state of an execution node running jobs against the same hosts. ftl2 warm is the median of ${FTL2_REPS} runs; the real worker is the median of ${REAL_REPS} runs (by end-to-end time). ` +
    "Both workers (and `process`) run with an execution environment's PATH (`" + EE_PATH + "`): this machine's PATH starts with pyenv's shims, " +
    "whose `python3` costs ~100 ms per start, and AWX's inventory script runs through `/usr/bin/env python3`. " +
    "Peak RSS is GNU time `%M` of the worker: its largest single process (for ansible-runner that is one of ansible's processes).",
  "",
  "| job | hosts | forks | ansible-runner: AWX end to end | ftl2, warm: AWX end to end | speed-up | ansible-runner peak RSS | ftl2 peak RSS | events (real / ftl2) |",
  "|---|---|---|---|---|---|---|---|---|",
  ...rows,
  "",
  "Target: at least 10x faster end to end than the real worker (as AWX runs it). This run: " + verdicts.join("; ") + ".",
  "",
].join("\n");
publishSection(quick, "AWX worker (scripts/bench-worker.ts)", body);
