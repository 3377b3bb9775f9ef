// Executable inventory scripts, as ansible-core's script plugin runs them: `SCRIPT --list` must print a JSON
// object of groups (`{hosts, vars, children}`, or a bare host list); `_meta.hostvars` gives host variables,
// and without it the script is asked `--host H` per host. Runs are async with a timeout; a failing script is
// INVENTORY_SCRIPT naming the script, its exit code and its stderr.
import { spawn } from "node:child_process";
import { closeSync, openSync, readSync } from "node:fs";
import { InventoryError, errorMessage } from "../errors.ts";
import type { Inventory } from "./_model.ts";
import { pyRepr } from "./_py-repr.ts";
import { loadYamlOrJson } from "./_yaml-load.ts";

export const SCRIPT_TIMEOUT_MS = 60_000;
const HOST_CALLS_IN_FLIGHT = 8;

type Mapping = Record<string, unknown>;
const isMapping = (v: unknown): v is Mapping => v !== null && typeof v === "object" && !Array.isArray(v);

/** The plugin's verify_file: executable, or starting with `#!`. */
export function looksLikeScript(path: string, executable: boolean): boolean {
  if (executable) return true;
  try {
    const fd = openSync(path, "r");
    const buf = Buffer.alloc(2);
    const n = readSync(fd, buf, 0, 2, 0);
    closeSync(fd);
    return n === 2 && buf.toString("latin1") === "#!";
  } catch {
    return false;
  }
}

interface RunResult {
  rc: number;
  stdout: string;
  stderr: string;
}

function runScript(path: string, args: string[], env: Record<string, string | undefined>, timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    let child;
    try {
      child = spawn(path, args, { env: env as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
    } catch (e) {
      reject(new InventoryError("INVENTORY_SCRIPT", `problem running ${[path, ...args].join(" ")} (${errorMessage(e)})`, { file: path }));
      return;
    }
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new InventoryError("INVENTORY_SCRIPT", `Inventory script (${path}) timed out after ${timeoutMs / 1000} s`, {
        file: path,
        hint: "the script must print its inventory and exit; raise the timeout if it is slow",
      }));
    }, timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(new InventoryError("INVENTORY_SCRIPT", `problem running ${[path, ...args].join(" ")} (${errorMessage(e)})`, {
        file: path,
        hint: "check the script's #! line and that it is executable",
      }));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({
        rc: code ?? (signal ? 128 + 9 : 1),
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      });
    });
  });
}

export interface ScriptOptions {
  env: Record<string, string | undefined>;
  timeoutMs?: number;
}

export async function parseScriptInventory(inv: Inventory, path: string, opts: ScriptOptions): Promise<void> {
  const timeout = opts.timeoutMs ?? SCRIPT_TIMEOUT_MS;
  const r = await runScript(path, ["--list"], opts.env, timeout);
  let err = r.stderr;
  if (err && !err.endsWith("\n")) err += "\n";
  if (r.rc !== 0) {
    throw new InventoryError("INVENTORY_SCRIPT", `Inventory script (${path}) had an execution error: ${err} `, {
      file: path,
      hint: `it exited with rc=${r.rc}; run '${path} --list' to see why`,
    });
  }
  let data: unknown;
  try {
    data = JSON.parse(r.stdout);
  } catch (e) {
    throw new InventoryError("INVENTORY_SCRIPT",
      `failed to parse executable inventory script results from ${path}: ${errorMessage(e)}\n${err}`,
      { file: path, hint: "the script must print one JSON object on stdout" });
  }
  if (!isMapping(data)) {
    throw new InventoryError("INVENTORY_SCRIPT",
      `failed to parse executable inventory script results from ${path}: needs to be a json dict\n${err}`, { file: path });
  }
  const hosts = new Set<string>();
  let meta: unknown;
  for (const [group, gdata] of Object.entries(data)) {
    if (group === "_meta") {
      if (isMapping(gdata) && "hostvars" in gdata) meta = gdata.hostvars;
    } else readGroup(inv, group, gdata, hosts, path);
  }
  const varsOf = async (host: string): Promise<unknown> => {
    if (meta === undefined) return hostVarsFromScript(path, host, opts.env, timeout);
    if (!isMapping(meta)) {
      throw new InventoryError("INVENTORY_SCRIPT",
        `Improperly formatted host information for ${host}: '${typeof meta}' object has no attribute 'get'`, { file: path });
    }
    return meta[host] ?? {};
  };
  const list = [...hosts];
  for (let i = 0; i < list.length; i += HOST_CALLS_IN_FLIGHT) {
    const batch = list.slice(i, i + HOST_CALLS_IN_FLIGHT);
    const got = await Promise.all(batch.map(varsOf));
    batch.forEach((host, j) => {
      const vars = got[j];
      if (!isMapping(vars)) {
        throw new InventoryError("INVENTORY_SCRIPT", `Invalid data from file, expected dictionary and got:\n\n${pyRepr(vars)}`, {
          file: path,
          hint: `the script must print a JSON object for '--host ${host}'`,
        });
      }
      for (const [k, v] of Object.entries(vars)) inv.setVariable(host, k, v);
    });
  }
}

function readGroup(inv: Inventory, name: string, raw: unknown, hosts: Set<string>, path: string): void {
  const group = inv.addGroup(name);
  let data: Mapping;
  if (!isMapping(raw)) data = { hosts: raw };
  else if (!("hosts" in raw || "vars" in raw || "children" in raw)) data = { hosts: [group], vars: raw };
  else data = raw;
  if ("hosts" in data) {
    if (!Array.isArray(data.hosts)) {
      throw new InventoryError("INVENTORY_SCRIPT",
        `You defined a group '${group}' with bad data for the host list:\n ${pyRepr(data)}`, { file: path, hint: "hosts must be a list of names" });
    }
    for (const h of data.hosts) {
      const host = String(h);
      hosts.add(host);
      inv.declareHost(host, group);
    }
  }
  if ("vars" in data) {
    if (!isMapping(data.vars)) {
      throw new InventoryError("INVENTORY_SCRIPT",
        `You defined a group '${group}' with bad data for variables:\n ${pyRepr(data)}`, { file: path, hint: "vars must be a mapping" });
    }
    for (const [k, v] of Object.entries(data.vars)) inv.setVariable(group, k, v);
  }
  if ("children" in data && data.children && typeof data.children === "object") {
    const kids: unknown[] = Array.isArray(data.children) ? data.children : Object.keys(data.children);
    for (const child of kids) {
      inv.addChild(group, inv.addGroup(String(child)));
    }
  }
}

async function hostVarsFromScript(path: string, host: string, env: Record<string, string | undefined>, timeout: number): Promise<unknown> {
  const r = await runScript(path, ["--host", host], env, timeout);
  // Ansible 2.14 compares bytes with '' here, so empty output is never {}: it parses to None and fails.
  try {
    return r.stdout.trim() === "" ? null : loadYamlOrJson(r.stdout, path);
  } catch {
    throw new InventoryError("INVENTORY_SCRIPT", `could not parse post variable response: ${pyRepr([path, "--host", host])}, ${r.stdout}`, { file: path });
  }
}
