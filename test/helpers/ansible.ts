// The real Ansible (Debian ansible-core) as an oracle for tests. Two ways in:
// - runAnsibleModule: the bare module, `python3 -m ansible.modules.X` with ANSIBLE_MODULE_ARGS on stdin (fast);
// - runAnsibleAdhoc: the whole `ansible` CLI (action plugin + module), results from the json callback.
import { spawnSync } from "node:child_process";

export const SYSTEM_PYTHON = "/usr/bin/python3";

export interface OracleOptions {
  checkMode?: boolean;
  diffMode?: boolean;
  cwd?: string;
  env?: Record<string, string>;
}

export function runAnsibleModule(
  module: string,
  args: Record<string, unknown>,
  opts: OracleOptions = {},
): Record<string, unknown> {
  const payload = {
    ANSIBLE_MODULE_ARGS: {
      ...args,
      _ansible_check_mode: opts.checkMode ?? false,
      _ansible_diff: opts.diffMode ?? false,
      _ansible_module_name: module,
    },
  };
  const r = spawnSync(SYSTEM_PYTHON, ["-m", `ansible.modules.${module}`], {
    input: JSON.stringify(payload),
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    encoding: "utf8",
  });
  try {
    return JSON.parse(r.stdout) as Record<string, unknown>;
  } catch {
    throw new Error(`ansible module ${module} gave no JSON: stdout=${r.stdout} stderr=${r.stderr}`);
  }
}

/** Runs `ansible localhost -m MODULE -a ARGS` and returns the host's result (internal keys kept). */
export function runAnsibleAdhoc(
  module: string,
  args: string | Record<string, unknown>,
  opts: OracleOptions & { host?: string; inventory?: string; extra?: string[] } = {},
): Record<string, unknown> {
  const argText = typeof args === "string" ? args : JSON.stringify(args);
  const argv = [opts.host ?? "localhost", "-m", module, "-a", argText];
  if (opts.inventory) argv.push("-i", opts.inventory);
  if (opts.checkMode) argv.push("--check");
  if (opts.diffMode) argv.push("--diff");
  argv.push(...(opts.extra ?? []));
  const r = spawnSync("ansible", argv, {
    cwd: opts.cwd,
    encoding: "utf8",
    env: {
      ...process.env,
      ANSIBLE_STDOUT_CALLBACK: "json",
      ANSIBLE_LOAD_CALLBACK_PLUGINS: "1",
      ANSIBLE_PYTHON_INTERPRETER: SYSTEM_PYTHON,
      ANSIBLE_LOCALHOST_WARNING: "0",
      ANSIBLE_DEPRECATION_WARNINGS: "0",
      ...opts.env,
    },
  });
  let doc: { plays: { tasks: { hosts: Record<string, Record<string, unknown>> }[] }[] };
  try {
    doc = JSON.parse(r.stdout.slice(r.stdout.indexOf("{")));
  } catch {
    throw new Error(`ansible gave no JSON: stdout=${r.stdout} stderr=${r.stderr}`);
  }
  const hosts = doc.plays[0]?.tasks[0]?.hosts ?? {};
  const result = hosts[opts.host ?? "localhost"];
  if (!result) throw new Error(`ansible gave no result for the host: ${r.stdout}`);
  return result;
}

/** Keys every module result may carry that differ run to run (times, temp paths). */
export const VOLATILE_KEYS = ["start", "end", "delta", "invocation", "_ansible_no_log", "warnings", "deprecations"];

export function withoutKeys(o: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));
}
