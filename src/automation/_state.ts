// The state file: hosts a script added with addHost, kept between runs and merged into the inventory at the
// next start. Format: { "version": 1, "hosts": { NAME: { "groups": [...], "vars": {...} } } } (other top-level
// keys are kept as they are). Writes are atomic (temp file in the same folder, fsync, rename, fsync of the
// folder) so a crash leaves the old file or the new one, never half of one. A file that cannot be read or
// understood is an error naming it and what is wrong, and is never overwritten.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { FtlError, errorMessage } from "../errors.ts";
import type { Inventory } from "../inventory/index.ts";
import { findJsonError } from "./_json-position.ts";

export interface StateHost {
  groups: string[];
  vars: Record<string, unknown>;
}

interface StateData {
  version: 1;
  hosts: Record<string, StateHost>;
  [key: string]: unknown;
}

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

export class StateFile {
  readonly path: string;
  readonly #data: StateData;
  #writing: Promise<void> = Promise.resolve();

  private constructor(path: string, data: StateData) {
    this.path = path;
    this.#data = data;
  }

  /** Reads the file (a missing one is an empty state, created by the first write). */
  static open(path: string, cwd: string): StateFile {
    const file = resolve(cwd, path);
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return new StateFile(file, { version: 1, hosts: {} });
      throw stateError(file, `cannot be read: ${errorMessage(e)}`);
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      const at = findJsonError(text);
      throw stateError(file, `is not valid JSON: ${at ? `${at.message} at line ${at.line} column ${at.column} (char ${at.offset})` : "unreadable"}`, at?.line, at?.column);
    }
    return new StateFile(file, checkShape(file, data));
  }

  get hosts(): Readonly<Record<string, StateHost>> {
    return this.#data.hosts;
  }

  /** Adds every stored host to the inventory (their groups created as needed). */
  mergeInto(inv: Inventory): void {
    for (const [name, h] of Object.entries(this.#data.hosts)) inv.addHost(name, h.vars, h.groups);
  }

  put(host: { name: string } & StateHost): Promise<void> {
    this.#data.hosts[host.name] = { groups: [...host.groups], vars: { ...host.vars } };
    return this.#save();
  }

  remove(name: string): Promise<void> {
    if (!(name in this.#data.hosts)) return Promise.resolve();
    delete this.#data.hosts[name];
    return this.#save();
  }

  /** One write at a time, each of the state as it is when it starts (the last one wins, complete). */
  #save(): Promise<void> {
    const next = this.#writing.then(() => writeAtomic(this.path, `${JSON.stringify(this.#data, null, 2)}\n`));
    this.#writing = next.catch(() => {});
    return next;
  }
}

function stateError(file: string, what: string, line?: number, column?: number): FtlError {
  return new FtlError("STATE_FILE", `state file ${file} ${what}`, {
    file, line, column,
    hint: "fix or move the file away; ftl2 never replaces a state file it cannot read",
  });
}

function checkShape(file: string, data: unknown): StateData {
  if (!isObj(data)) throw stateError(file, "must hold a JSON object ({\"version\": 1, \"hosts\": {...}})");
  if (data.version !== 1) throw stateError(file, `has version ${JSON.stringify(data.version)}; this ftl2 reads version 1`);
  if (!isObj(data.hosts)) throw stateError(file, "must have a \"hosts\" object");
  const hosts: Record<string, StateHost> = {};
  for (const [name, h] of Object.entries(data.hosts)) {
    if (!isObj(h)) throw stateError(file, `hosts.${name} must be an object with groups and vars`);
    const groups = h.groups ?? [];
    if (!Array.isArray(groups) || !groups.every((g) => typeof g === "string" && g !== "")) throw stateError(file, `hosts.${name}.groups must be an array of group names`);
    const vars = h.vars ?? {};
    if (!isObj(vars)) throw stateError(file, `hosts.${name}.vars must be an object`);
    hosts[name] = { groups, vars };
  }
  return { ...data, version: 1, hosts };
}

function writeAtomic(file: string, text: string): Promise<void> {
  const dir = dirname(file);
  const tmp = join(dir, `.${basename(file)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  try {
    const fd = openSync(tmp, "wx", 0o600);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
    // The rename itself is only durable once the folder is synced.
    const dfd = openSync(dir, "r");
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch (e) {
    rmSync(tmp, { force: true });
    return Promise.reject(stateError(file, `could not be written: ${errorMessage(e)}`));
  }
  return Promise.resolve();
}
