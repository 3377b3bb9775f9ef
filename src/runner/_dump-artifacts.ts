// ansible-runner's dump_artifacts for the library API: inline inputs written into the private data dir before the
// job is resolved, so the command line and the files match what ansible-runner's run() leaves behind:
//   inventory object       -> inventory/hosts.json (json.dumps), a path on the command line
//   inventory INI text     -> inventory/hosts
//   envvars, extravars, settings -> env/<name> (json.dumps), cmdline -> env/cmdline; each only when the file is not
//                             there yet and suppress_env_files is off; the kwarg is then dropped (the file is read)
// Files are 0400 in 0700 directories, as dump_artifact makes them.
// Where ftl2 differs, on purpose:
//   - passwords and ssh_key are never written to disk (ansible-runner writes env/passwords and env/ssh_key);
//   - a string[] inventory is a host list (one INI line per entry), not a list of inventory sources;
//   - a one-line string that looks like a path (has a "/", no blank) must exist: ansible-runner would write it as
//     INI text naming a host "/that/path"; here it is an error. Relative paths are read from the private data dir.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { pyJsonDumps } from "../events/index.ts";
import { RunnerJobError } from "./_job-error.ts";

function dumpArtifact(text: string, dir: string, name: string): string {
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, name);
  if (existsSync(file) && readFileSync(file, "utf8") === text) return file;
  rmSync(file, { force: true });
  writeFileSync(file, text, { mode: 0o400 });
  return file;
}

function hostListIni(hosts: readonly unknown[]): string {
  for (const [i, h] of hosts.entries()) {
    if (typeof h !== "string" || h.trim() === "" || /[\r\n]/.test(h)) {
      throw new RunnerJobError(`inventory host list entry ${i} must be a non-empty one-line string (a host, optionally with its variables), got ${JSON.stringify(h)}`);
    }
  }
  return `${hosts.join("\n")}\n`;
}

/** The kwarg `inventory` as a path resolveRunnerJob reads, after writing inline inventories; undefined for none. */
function dumpInventory(inv: unknown, pdd: string): string | undefined {
  if (inv === undefined || inv === null || inv === "") return undefined;
  const dir = join(pdd, "inventory");
  if (Array.isArray(inv)) return inv.length === 0 ? undefined : dumpArtifact(hostListIni(inv), dir, "hosts");
  if (typeof inv === "object") return dumpArtifact(pyJsonDumps(inv), dir, "hosts.json");
  if (typeof inv !== "string") throw new RunnerJobError(`inventory must be a path, an INI text, a host list or an object, not ${typeof inv}`);
  if (/[\r\n]/.test(inv)) return dumpArtifact(inv, dir, "hosts");
  if (existsSync(isAbsolute(inv) ? inv : join(pdd, inv))) return inv;
  if (inv.includes("/") && !/\s/.test(inv)) {
    throw new RunnerJobError(`inventory ${inv} does not exist (relative paths are read from the private data dir ${pdd})`);
  }
  return dumpArtifact(inv, dir, "hosts");
}

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || v === "" || (typeof v === "object" && Object.keys(v as object).length === 0);
}

/** Writes the inline inputs of `kwargs` into `pdd` and rewrites `kwargs` to point at them (in place). */
export function dumpArtifacts(kwargs: Record<string, unknown>, pdd: string): void {
  const inventory = dumpInventory(kwargs.inventory, pdd);
  if (inventory === undefined) delete kwargs.inventory;
  else kwargs.inventory = inventory;
  if (kwargs.host_pattern === undefined || kwargs.host_pattern === null) {
    // Ansible's implicit localhost matches only the pattern "localhost", never "all".
    kwargs.host_pattern = inventory !== undefined || existsSync(join(pdd, "inventory")) ? "all" : "localhost";
  }
  if (kwargs.suppress_env_files === true) return;
  const env = join(pdd, "env");
  for (const key of ["envvars", "extravars", "settings", "cmdline"]) {
    const value = kwargs[key];
    if (isEmpty(value) || existsSync(join(env, key))) continue;
    if (key === "cmdline") dumpArtifact(String(value), env, key);
    else if (typeof value === "object" && !Array.isArray(value)) dumpArtifact(pyJsonDumps(value), env, key);
    else continue; // a malformed value stays a kwarg; resolveRunnerJob names it
    delete kwargs[key];
  }
}
