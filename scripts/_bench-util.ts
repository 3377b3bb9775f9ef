// Shared benchmark helpers: paths and settings every benchmark uses, --sizes, wall time and peak RSS of a command (GNU time), medians, and rewriting one
// section of docs/benchmarks.md in place so each benchmark script owns its own section.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const ROOT = join(import.meta.dir, "..");
export const FTL2_BIN = join(ROOT, "dist", "ftl2");
export const SYSTEM_PY = "/usr/bin/python3";
export const MITOGEN_PLUGINS = "/usr/lib/python3/dist-packages/ansible_mitogen/plugins/strategy";

/** The forks every benchmark gives both tools: one per host up to 20, then 50. */
export const forksFor = (n: number): number => (n <= 20 ? n : 50);

/** `--sizes 20,100` (host counts), else `quick` or `full` defaults; a bad list is an error naming it. */
export function hostSizes(argv: readonly string[], quick: boolean, defaults: { quick: number[]; full: number[] }): number[] {
  const i = argv.indexOf("--sizes");
  const arg = i >= 0 ? argv[i + 1] : undefined;
  const sizes = arg ? arg.split(",").map(Number) : quick ? defaults.quick : defaults.full;
  if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--sizes expects host counts like ${defaults.full.join(",")}, got '${arg}'`);
  return sizes;
}

export interface Measurement {
  seconds: number;
  maxRssKb: number;
  code: number;
  stdout: string;
}

export function measure(cmd: string[], env: Record<string, string>): Measurement {
  const t0 = performance.now();
  const r = spawnSync("/usr/bin/time", ["-f", "%M", ...cmd], { env: { ...process.env, ...env }, encoding: "utf8", maxBuffer: 1 << 28 });
  const seconds = (performance.now() - t0) / 1000;
  const lines = r.stderr.trim().split("\n");
  const maxRssKb = Number(lines[lines.length - 1]) || 0;
  return { seconds, maxRssKb, code: r.status ?? -1, stdout: r.stdout };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

export function replaceSection(path: string, title: string, body: string): void {
  const text = existsSync(path) ? readFileSync(path, "utf8") : "# Benchmarks\n\nEach section is rewritten by the script named in its title.\n";
  const heading = `## ${title}`;
  const start = text.indexOf(heading);
  let out: string;
  if (start < 0) out = `${text.trimEnd()}\n\n${heading}\n\n${body}\n`;
  else {
    const next = text.indexOf("\n## ", start + heading.length);
    out = text.slice(0, start) + `${heading}\n\n${body}\n` + (next < 0 ? "" : text.slice(next + 1));
  }
  writeFileSync(path + ".tmp", out);
  renameSync(path + ".tmp", path);
}

/** A full run rewrites its section of docs/benchmarks.md; a --quick run only prints what it would write. */
export function publishSection(quick: boolean, title: string, body: string): void {
  if (quick) {
    console.log(body);
    return;
  }
  replaceSection(join(ROOT, "docs", "benchmarks.md"), title, body);
  console.log("wrote docs/benchmarks.md");
}

export interface ColdAnsibleOptions {
  /** Scratch directory for the ControlPath directory. */
  work: string;
  /** HOME of the ansible run. */
  home: string;
  /** The fixture's known_hosts (OpenSSH reads ~/.ssh from the passwd entry, not $HOME). */
  knownHosts: string;
  mitogen: boolean;
}

/**
 * One cold `ansible`/`ansible-playbook` run: ansible's default ssh arguments (ControlMaster=auto,
 * ControlPersist=60s) with a fresh ControlPath directory, every master closed afterwards; Mitogen's strategy
 * when asked.
 */
export function measureAnsibleCold(cmd: string[], o: ColdAnsibleOptions): Measurement {
  const cpDir = mkdtempSync(join(o.work, "cp-"));
  try {
    return measure(cmd, {
      HOME: o.home, ANSIBLE_NOCOLOR: "1", ANSIBLE_PYTHON_INTERPRETER: SYSTEM_PY, ANSIBLE_SSH_CONTROL_PATH_DIR: cpDir,
      ANSIBLE_SSH_COMMON_ARGS: `-o UserKnownHostsFile=${o.knownHosts}`,
      ...(o.mitogen ? { ANSIBLE_STRATEGY_PLUGINS: MITOGEN_PLUGINS, ANSIBLE_STRATEGY: "mitogen_linear" } : {}),
    });
  } finally {
    for (const sock of readdirSync(cpDir)) spawnSync("ssh", ["-o", `ControlPath=${join(cpDir, sock)}`, "-O", "exit", "x"], { stdio: "ignore" });
    rmSync(cpDir, { recursive: true, force: true });
  }
}

/** An INI inventory of the first `n` fixture hosts (group sshd, root with the fixture's key), written in `dir`. */
export function writeSshInventory(dir: string, hosts: readonly { name: string; address: string; port: number }[], clientKey: string, n: number): string {
  const path = join(dir, `hosts-${n}.ini`);
  const lines = hosts.slice(0, n).map(
    (h) => `${h.name} ansible_host=${h.address} ansible_port=${h.port} ansible_user=root ansible_ssh_private_key_file=${clientKey} ansible_python_interpreter=${SYSTEM_PY}`,
  );
  writeFileSync(path, `[sshd]\n${lines.join("\n")}\n`);
  return path;
}
