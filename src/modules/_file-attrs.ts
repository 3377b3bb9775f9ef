// The common file arguments of Ansible modules (mode, owner, group, attributes) with AnsibleModule's
// semantics: set_*_if_different (check mode, diff before/after), symbolic modes as chmod parses them,
// add_path_info for results, and the fail_json-style failures these raise.
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { lchown, chmod, lstat, stat } from "node:fs/promises";
import type { ArgSpec, ModuleResult } from "./_types.ts";

/** FILE_COMMON_ARGUMENTS of ansible's module_utils (selinux options accepted, not applied). */
export const FILE_COMMON_ARGS: Readonly<Record<string, ArgSpec>> = {
  mode: { type: "raw" },
  owner: { type: "str" },
  group: { type: "str" },
  seuser: { type: "str" },
  serole: { type: "str" },
  selevel: { type: "str" },
  setype: { type: "str" },
  attributes: { type: "str", aliases: ["attr"] },
  unsafe_writes: { type: "bool", default: false },
};

/** A module failure raised deep in a helper, as fail_json does; the module turns it into its result. */
export class ModuleFail extends Error {
  constructor(
    msg: string,
    readonly fields: Record<string, unknown> = {},
  ) {
    super(msg);
  }

  /** The result as fail_json printed it, when the module went on to change the path before exiting. */
  result?: ModuleResult;
}

/** The result of a ModuleFail, with path info added as fail_json does. */
export async function failResult(e: ModuleFail): Promise<ModuleResult> {
  return e.result ?? addPathInfo({ failed: true, changed: false, msg: e.message, ...e.fields });
}

export interface FsArgs {
  path: string;
  mode?: unknown;
  owner?: string | null;
  group?: string | null;
  attributes?: string | null;
}

/** Diff halves collected by the set_* helpers, keyed as Ansible keys them. */
export interface Diff {
  before: Record<string, unknown>;
  after: Record<string, unknown>;
}

export interface AttrContext {
  checkMode: boolean;
  warnings: string[];
}

function readDb(file: string): string[][] {
  try {
    return readFileSync(file, "utf8").split("\n").filter((l) => l && !l.startsWith("#")).map((l) => l.split(":"));
  } catch {
    return [];
  }
}

// The user and group databases are read fresh on each lookup: a play may create users between tasks.
export function uidOf(name: string): number | undefined {
  const row = readDb("/etc/passwd").find((r) => r[0] === name);
  return row ? Number(row[2]) : undefined;
}
export function gidOf(name: string): number | undefined {
  const row = readDb("/etc/group").find((r) => r[0] === name);
  return row ? Number(row[2]) : undefined;
}
export function userName(uid: number): string | undefined {
  return readDb("/etc/passwd").find((r) => Number(r[2]) === uid)?.[0];
}
export function groupName(gid: number): string | undefined {
  return readDb("/etc/group").find((r) => Number(r[2]) === gid)?.[0];
}

/** Python's int(s) for an owner/group given as a number; undefined when s is a name. */
function asInt(s: string): number | undefined {
  return /^\s*[+-]?\d+\s*$/.test(s) ? Number.parseInt(s, 10) : undefined;
}

export const octal = (mode: number): string => `0${(mode & 0o7777).toString(8).padStart(3, "0")}`;

const USER_MASKS: Record<string, number> = { u: 0o4700, g: 0o2070, o: 0o1007 };

/** AnsibleModule._symbolic_mode_to_octal: "u=rw-x+X,g=r-x+X,o=r-x+X" applied to the current mode. */
export function symbolicModeToOctal(currentMode: number, isDir: boolean, symbolic: string, umask: number): number {
  let mode = currentMode & 0o7777;
  for (const clause of symbolic.split(",")) {
    const perms = clause.split(/[+=-]/);
    const ops = clause.match(/[+=-]/g) ?? [];
    let users = perms.shift() ?? "";
    const useUmask = users === "";
    if (users === "a" || users === "") users = "ugo";
    if (/[^ugo]/.test(users)) throw new Error(`bad symbolic permission for mode: ${clause}`);
    perms.forEach((p, i) => {
      if (/[^rwxXstugo]/.test(p)) throw new Error(`bad symbolic permission for mode: ${clause}`);
      for (const user of users) {
        const bits = permBits(currentMode, isDir, user, p, useUmask ? umask : 0);
        const op = ops[i];
        if (op === "=") mode = (mode & ~USER_MASKS[user]! & 0o7777) | bits;
        else if (op === "+") mode |= bits;
        else mode &= ~bits;
      }
    });
  }
  return mode;
}

function permBits(stMode: number, isDir: boolean, user: string, perms: string, umask: number): number {
  // Ansible reads u/g/o copies and X from the mode on disk, not the mode being built (path_stat).
  const disk = stMode & 0o7777;
  const shift = user === "u" ? 6 : user === "g" ? 3 : 0;
  const rev = ~umask & 0o777;
  const applyX = isDir || (disk & 0o111) > 0;
  const table: Record<string, number> = {
    r: (0o4 << shift) & rev,
    w: (0o2 << shift) & rev,
    x: (0o1 << shift) & rev,
    X: applyX ? 0o1 << shift : 0,
    s: user === "u" ? 0o4000 : user === "g" ? 0o2000 : 0,
    t: user === "o" ? 0o1000 : 0,
    u: ((disk >> 6) & 0o7) << shift,
    g: ((disk >> 3) & 0o7) << shift,
    o: (disk & 0o7) << shift,
  };
  let out = 0;
  for (const p of perms) out |= table[p] ?? 0;
  return out;
}

/** The numeric mode a `mode` argument asks for, given the path's current stat. */
export function parseMode(mode: unknown, stMode: number, isDir: boolean, path: string): number {
  if (typeof mode === "number") return mode;
  const text = String(mode);
  if (/^\s*(0o)?[0-7]+\s*$/i.test(text)) return Number.parseInt(text.trim().replace(/^0o/i, ""), 8);
  const umask = process.umask();
  try {
    return symbolicModeToOctal(stMode, isDir, text, umask);
  } catch (e) {
    throw new ModuleFail("mode must be in octal or symbolic form", { path, details: (e as Error).message });
  }
}

function note(diff: Diff | undefined, key: string, before: unknown, after: unknown): void {
  if (!diff) return;
  diff.before[key] = before;
  diff.after[key] = after;
}

export async function setOwnerIfDifferent(path: string, owner: string | null | undefined, changed: boolean, diff: Diff | undefined, ctx: AttrContext): Promise<boolean> {
  if (owner === null || owner === undefined) return changed;
  if (ctx.checkMode && !existsSync(path)) return true;
  const st = await lstat(path);
  const uid = asInt(owner) ?? uidOf(owner);
  if (uid === undefined) throw new ModuleFail(`chown failed: failed to look up user ${owner}`, { path });
  if (st.uid === uid) return changed;
  note(diff, "owner", st.uid, uid);
  if (ctx.checkMode) return true;
  try {
    await lchown(path, uid, -1);
  } catch (e) {
    throw new ModuleFail(`chown failed: ${pyOsError(e)}`, { path });
  }
  return true;
}

export async function setGroupIfDifferent(path: string, group: string | null | undefined, changed: boolean, diff: Diff | undefined, ctx: AttrContext): Promise<boolean> {
  if (group === null || group === undefined) return changed;
  if (ctx.checkMode && !existsSync(path)) return true;
  const st = await lstat(path);
  const gid = asInt(group) ?? gidOf(group);
  if (gid === undefined) throw new ModuleFail(`chgrp failed: failed to look up group ${group}`, { path });
  if (st.gid === gid) return changed;
  note(diff, "group", st.gid, gid);
  if (ctx.checkMode) return true;
  try {
    await lchown(path, -1, gid);
  } catch {
    throw new ModuleFail("chgrp failed", { path });
  }
  return true;
}

export async function setModeIfDifferent(path: string, mode: unknown, changed: boolean, diff: Diff | undefined, ctx: AttrContext): Promise<boolean> {
  if (mode === null || mode === undefined) return changed;
  if (ctx.checkMode && !existsSync(path)) return true;
  const st = await lstat(path);
  const want = parseMode(mode, st.mode, st.isDirectory(), path);
  const prev = st.mode & 0o7777;
  if (prev === want) return changed;
  note(diff, "mode", octal(prev), octal(want));
  if (ctx.checkMode) return true;
  // Linux has no lchmod: a symlink's own mode cannot change and its target must not, as in Ansible.
  if (st.isSymbolicLink()) return changed;
  try {
    await chmod(path, want);
  } catch (e) {
    throw new ModuleFail("chmod failed", { path, details: pyOsError(e) });
  }
  return ((await lstat(path)).mode & 0o7777) !== prev ? true : changed;
}

function run(cmd: string, args: string[]): Promise<{ rc: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, (e, out, err) => {
      const code = e ? ((e as { code?: unknown }).code ?? 1) : 0;
      resolve({ rc: typeof code === "number" ? code : 127, out: String(out), err: String(err) });
    });
  });
}

const hasTool = (name: string): boolean => ["/usr/bin", "/bin", "/usr/sbin", "/sbin"].some((d) => existsSync(`${d}/${name}`));

export async function setAttributesIfDifferent(path: string, attributes: string | null | undefined, changed: boolean, diff: Diff | undefined, ctx: AttrContext): Promise<boolean> {
  if (attributes === null || attributes === undefined) return changed;
  if (ctx.checkMode && !existsSync(path)) return true;
  let existing: string | undefined;
  if (hasTool("lsattr")) {
    const r = await run("lsattr", ["-d", path]);
    if (r.rc === 0) existing = (r.out.split(/\s+/)[0] ?? "").replaceAll("-", "").trim();
  }
  let op = "=";
  let attrs = attributes;
  if (attrs.startsWith("-") || attrs.startsWith("+")) {
    op = attrs[0]!;
    attrs = attrs.slice(1);
  }
  if ((existing ?? "") === attrs && op !== "-") return changed;
  if (!hasTool("chattr")) return changed;
  note(diff, "attributes", existing ?? null, `${op}${attrs}`);
  if (!ctx.checkMode) {
    const r = await run("chattr", [`${op}${attrs}`, path]);
    if (r.rc !== 0 || r.err) {
      throw new ModuleFail("chattr failed", { path, details: `Error while setting attributes: ${r.out}${r.err}` });
    }
  }
  return true;
}

/** set_fs_attributes_if_different: owner, group, mode, then attributes. */
export async function setFsAttributesIfDifferent(args: FsArgs, changed: boolean, diff: Diff | undefined, ctx: AttrContext): Promise<boolean> {
  changed = await setOwnerIfDifferent(args.path, args.owner, changed, diff, ctx);
  changed = await setGroupIfDifferent(args.path, args.group, changed, diff, ctx);
  changed = await setModeIfDifferent(args.path, args.mode, changed, diff, ctx);
  return setAttributesIfDifferent(args.path, args.attributes, changed, diff, ctx);
}

/** get_state of the file module: absent, link, directory, hard (more than one link) or file. */
export async function pathState(path: string): Promise<"absent" | "link" | "directory" | "hard" | "file"> {
  const st = await lstat(path).catch(() => undefined);
  if (!st) return "absent";
  if (st.isSymbolicLink()) return "link";
  if (st.isDirectory()) return "directory";
  return st.nlink > 1 ? "hard" : "file";
}

/** add_path_info: uid, gid, owner, group, mode, state and size of `path` (or `dest`) when it exists. */
export async function addPathInfo(result: ModuleResult): Promise<ModuleResult> {
  const path = (result.path ?? result.dest) as string | undefined;
  if (typeof path !== "string" || !(await stat(path).catch(() => undefined))) return result;
  const st = await lstat(path);
  result.uid = st.uid;
  result.gid = st.gid;
  result.owner = userName(st.uid) ?? String(st.uid);
  result.group = groupName(st.gid) ?? String(st.gid);
  result.mode = octal(st.mode);
  result.state = await pathState(path);
  result.size = st.size;
  return result;
}

/**
 * An OSError's text as Python prints it: "[Errno 2] No such file or directory: '/x'"; `bytes` when the
 * module called the os function with a bytes path, which Python prints as b'/x'.
 */
export function pyOsError(e: unknown, bytes = false): string {
  const err = e as NodeJS.ErrnoException;
  if (!err || typeof err.errno !== "number") return String((e as Error)?.message ?? e);
  const text = err.message.replace(/^[A-Z]+: /, "").replace(/, \w+ '.*$/, "");
  const cap = text.charAt(0).toUpperCase() + text.slice(1);
  return `[Errno ${Math.abs(err.errno)}] ${cap}${err.path ? `: ${bytes ? "b" : ""}'${err.path}'` : ""}`;
}
