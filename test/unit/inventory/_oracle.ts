// Ansible as the oracle for inventory tests: batch helpers that ask ansible-core's own code many questions per
// process (each python start costs ~0.3 s), plus the real CLIs for cross-checks.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { SYSTEM_PYTHON } from "../../helpers/ansible.ts";

export const FIXTURES = join(import.meta.dir, "..", "..", "fixtures", "inventory");
const ORACLE_DIR = join(FIXTURES, "oracle");

export const ORACLE_ENV: Record<string, string> = {
  ...(process.env as Record<string, string>),
  ANSIBLE_LOCALHOST_WARNING: "0",
  ANSIBLE_DEPRECATION_WARNINGS: "0",
  ANSIBLE_NOCOLOR: "1",
  ANSIBLE_FORCE_COLOR: "0",
};

export interface Run {
  rc: number;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], input?: string, cwd?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: ORACLE_ENV, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    child.on("error", reject);
    child.on("close", (rc) => resolve({ rc: rc ?? -1, stdout, stderr }));
    child.stdin.end(input ?? "");
  });
}

export type FnResult = { value: unknown } | { error: string } | { unjsonable: string };

/** Calls small ansible/python parsing functions (see oracle/functions.py) in one process. */
export async function oracleFunctions(calls: { fn: string; arg: string }[]): Promise<FnResult[]> {
  const r = await run(SYSTEM_PYTHON, [join(ORACLE_DIR, "functions.py")], JSON.stringify(calls));
  if (r.rc !== 0) throw new Error(`functions oracle failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as FnResult[];
}

export interface PatternAnswer {
  hosts?: string[];
  error?: string;
  warnings: string[];
}

/** Host patterns answered by ansible-core's InventoryManager (see oracle/patterns.py). */
export async function oraclePatterns(
  sources: string[],
  queries: { pattern: string; limit?: string }[],
  cwd?: string,
): Promise<{ load_warnings: string[]; results: PatternAnswer[] }> {
  const r = await run(SYSTEM_PYTHON, [join(ORACLE_DIR, "patterns.py")], JSON.stringify({ sources, queries }), cwd);
  if (r.rc !== 0) throw new Error(`patterns oracle failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** `ansible-inventory --list` as parsed JSON. */
export async function oracleInventoryList(sources: string[], extra: string[] = [], cwd?: string): Promise<{ json: unknown; stderr: string }> {
  const args = ["--list", ...sources.flatMap((s) => ["-i", s]), ...extra.flatMap((e) => ["-e", e])];
  const r = await run("ansible-inventory", args, undefined, cwd);
  if (r.rc !== 0) throw new Error(`ansible-inventory failed: ${r.stderr}`);
  return { json: JSON.parse(r.stdout), stderr: r.stderr };
}

/** `ansible PATTERN --list-hosts`: the host names it prints, in order, and its stderr warnings. */
export async function oracleListHosts(sources: string[], pattern: string, limit?: string, cwd?: string): Promise<{ hosts: string[]; warnings: string[]; rc: number }> {
  const args = [pattern, "--list-hosts", ...sources.flatMap((s) => ["-i", s])];
  if (limit !== undefined) args.push("--limit", limit);
  const r = await run("ansible", args, undefined, cwd);
  const lines = r.stdout.split("\n");
  const start = lines.findIndex((l) => /^ {2}hosts \(\d+\):$/.test(l));
  const hosts = start < 0 ? [] : lines.slice(start + 1).filter((l) => l.startsWith("    ")).map((l) => l.slice(4));
  const warnings = [...r.stderr.matchAll(/\[WARNING\]: (.*)/g)].map((m) => m[1] as string);
  return { hosts, warnings, rc: r.rc };
}

/** JSON round trip, so both sides compare as JSON values (1.0 == 1, key order ignored by toEqual). */
export function asJson(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v));
}

/** VariableManager.get_vars per host (see oracle/hostvars.py). */
export async function oracleHostVars(
  sources: string[],
  hosts: string[],
  extraVars: string[] = [],
  cwd?: string,
): Promise<Record<string, Record<string, unknown>>> {
  const r = await run(SYSTEM_PYTHON, [join(ORACLE_DIR, "hostvars.py")], JSON.stringify({ sources, hosts, extra_vars: extraVars }), cwd);
  if (r.rc !== 0) throw new Error(`hostvars oracle failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}
