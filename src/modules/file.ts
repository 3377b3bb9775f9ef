// ansible.builtin.file in TypeScript: states file, directory, touch, absent, link and hard, with the same
// arguments, result keys, diff and messages as the Ansible module (modules/file.py).
import { existsSync } from "node:fs";
import { mkdir, open, readlink, readdir, rm, unlink } from "node:fs/promises";
import { basename, isAbsolute, join, resolve } from "node:path";
import {
  type AttrContext, FILE_COMMON_ARGS, ModuleFail, addPathInfo, failResult, gidOf, groupName,
  pathState, pyOsError, setFsAttributesIfDifferent, uidOf, userName,
} from "./_file-attrs.ts";
import { defaultStamp, stampFor, updateTimestamps } from "./_file-times.ts";
import { type Job, applyAttrs, fileArgs, initialDiff, isDir, pyJoin, realpathOrSelf } from "./_file-job.ts";
import { ensureLink } from "./_file-links.ts";
import type { ModuleContext, ModuleParams, ModuleResult, ModuleSpec, NativeModule } from "./_types.ts";

const spec: ModuleSpec = {
  args: {
    state: { type: "str", choices: ["absent", "directory", "file", "hard", "link", "touch"] },
    path: { type: "path", required: true, aliases: ["dest", "name"] },
    _original_basename: { type: "str" },
    recurse: { type: "bool", default: false },
    force: { type: "bool", default: false },
    follow: { type: "bool", default: true },
    _diff_peek: { type: "bool" },
    src: { type: "path" },
    modification_time: { type: "str" },
    modification_time_format: { type: "str", default: "%Y%m%d%H%M.%S" },
    access_time: { type: "str" },
    access_time_format: { type: "str", default: "%Y%m%d%H%M.%S" },
    ...FILE_COMMON_ARGS,
  },
  supportsCheckMode: true,
};

/** os.path.expanduser(os.path.expandvars(p)), as the `path` argument type does. */
export function expandPath(p: string, env: Readonly<Record<string, string | undefined>>): string {
  const vars = p.replace(/\$(\w+)|\$\{(\w+)\}/g, (m, a: string | undefined, b: string | undefined) => env[(a ?? b)!] ?? m);
  return vars === "~" || vars.startsWith("~/") ? (env.HOME ?? "~") + vars.slice(1) : vars;
}

async function ensureAbsent(job: Job, path: string): Promise<ModuleResult> {
  const prev = await pathState(path);
  if (prev === "absent") return { path, changed: false, state: "absent" };
  const diff = await initialDiff(path, "absent", prev);
  if (!job.ctx.checkMode) {
    if (prev === "directory") {
      await rm(path, { recursive: true }).catch((e) => {
        throw new ModuleFail(`rmtree failed: ${pyOsError(e, true)}`);
      });
    } else {
      await unlink(path).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== "ENOENT") throw new ModuleFail(`unlinking failed: ${pyOsError(e, true)} `, { path });
      });
    }
  }
  return { path, changed: true, diff, state: "absent" };
}

async function executeTouch(job: Job, path: string): Promise<ModuleResult> {
  const prev = await pathState(path);
  let changed = false;
  if (prev === "absent") {
    if (job.ctx.checkMode) return { dest: path, changed: true };
    try {
      await (await open(path, "w")).close();
      changed = true;
    } catch (e) {
      throw new ModuleFail(`Error, could not touch target: ${pyOsError(e, true)}`, { path });
    }
  }
  const diff = await initialDiff(path, "touch", prev);
  const args = fileArgs(job, path);
  try {
    changed = await setFsAttributesIfDifferent(args, changed, diff, job.ctx);
  } catch (e) {
    // fail_json has printed its result (path info of the new file) before the module removes the file it
    // just created; a failed time update below is no fail_json, and the real module keeps the file then.
    if (e instanceof ModuleFail && prev === "absent") {
      e.result = await failResult(e);
      await unlink(path).catch(() => undefined);
    }
    throw e;
  }
  changed = (await updateTimestamps(args.path, job.mtime, job.atime, job.ctx.checkMode, diff)) || changed;
  return { dest: path, changed, diff };
}

async function ensureFile(job: Job, path: string): Promise<ModuleResult> {
  let prev = await pathState(path);
  const args = fileArgs(job, path);
  if (prev !== "file" && job.p.follow && prev === "link") {
    path = realpathOrSelf(path);
    prev = await pathState(path);
    args.path = path;
  }
  if (prev !== "file" && prev !== "hard") {
    throw new ModuleFail(`file (${path}) is ${prev}, cannot continue`, { path, state: prev });
  }
  const diff = await initialDiff(path, "file", prev);
  return { path, changed: await applyAttrs(job, args, false, diff), diff };
}

async function ensureDirectory(job: Job, path: string): Promise<ModuleResult> {
  let prev = await pathState(path);
  const args = fileArgs(job, path);
  if (job.p.follow && prev === "link") {
    path = realpathOrSelf(path);
    args.path = path;
    prev = await pathState(path);
  }
  let changed = false;
  const diff = await initialDiff(path, "directory", prev);
  if (prev === "absent") {
    if (job.ctx.checkMode) return { path, changed: true, diff };
    let cur = "";
    const creating = (why: string): ModuleFail => new ModuleFail(`There was an issue creating ${cur} as requested: ${why}`, { path });
    // mkdir -p, applying the attributes to every directory it creates.
    for (const part of path.replace(/^\/+|\/+$/g, "").split("/")) {
      cur = `${cur}/${part}`;
      if (!isAbsolute(path)) cur = cur.replace(/^\/+/, "");
      if (existsSync(cur)) continue;
      try {
        await mkdir(cur);
        changed = true;
      } catch (e) {
        if (!((e as NodeJS.ErrnoException).code === "EEXIST" && isDir(cur))) throw creating(pyOsError(e, true));
      }
      try {
        changed = await setFsAttributesIfDifferent({ ...args, path: cur }, changed, diff, job.ctx);
      } catch (e) {
        // fail_json exits (SystemExit), which the module's `except Exception` does not wrap.
        throw e instanceof ModuleFail ? e : creating(pyOsError(e));
      }
      try {
        changed = (await updateTimestamps(args.path, job.mtime, job.atime, false, diff)) || changed;
      } catch {
        // The time update raises AnsibleModuleError, whose str() is '' (it never passes its results to Exception).
        throw creating("");
      }
    }
    return { path, changed, diff };
  }
  if (prev !== "directory") throw new ModuleFail(`${path} already exists as a ${prev}`, { path });
  changed = await applyAttrs(job, args, changed, diff);
  if (job.p.recurse) changed = (await recurseAttrs(job, path)) || changed;
  return { path, changed, diff };
}

/** recursive_set_attributes: every entry below `dir`, following links into directories when `follow`. */
async function recurseAttrs(job: Job, dir: string): Promise<boolean> {
  let changed = false;
  const args = fileArgs(job, dir);
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    changed = (await applyAttrs(job, { ...args, path: p }, changed)) || changed;
    if (e.isDirectory()) changed = (await recurseAttrs(job, p)) || changed;
    else if (e.isSymbolicLink() && job.p.follow) {
      const target = join(dir, await readlink(p));
      if (existsSync(target)) {
        if (isDir(target)) changed = (await recurseAttrs(job, target)) || changed;
        changed = (await applyAttrs(job, { ...args, path: target }, changed)) || changed;
      }
    }
  }
  return changed;
}

async function runFile(p: ModuleParams, mctx: ModuleContext): Promise<ModuleResult> {
  const ctx: AttrContext = { checkMode: mctx.checkMode, warnings: [] };
  const finish = async (r: ModuleResult): Promise<ModuleResult> => {
    const out = await addPathInfo(r);
    if (ctx.warnings.length) out.warnings = ctx.warnings;
    return out;
  };
  // p is what invocation.module_args reports: the path as expanded (and moved into a directory below),
  // while the module works on it resolved against the task's cwd.
  p.path = expandPath(p.path as string, mctx.env);
  let path = resolve(mctx.cwd, p.path as string);
  if (typeof p.src === "string") p.src = expandPath(p.src, mctx.env);
  try {
    // additional_parameter_handling
    if (p.state !== "link" && p.state !== "absent" && isDir(path)) {
      const name = (p._original_basename as string | null) ?? (p.src ? basename(p.src as string) : null);
      if (name) {
        p.path = pyJoin(p.path as string, name);
        path = pyJoin(path, name);
      }
    }
    const prev = await pathState(path);
    p.state ??= prev !== "absent" ? prev : p.recurse ? "directory" : "file";
    const state = p.state as string;
    if (p.recurse && state !== "directory") throw new ModuleFail("recurse option requires state to be 'directory'", { path });
    if (p.src && state !== "link" && state !== "hard") throw new ModuleFail("src option requires state to be 'link' or 'hard'", { path });
    if (mctx.checkMode && state !== "absent") warnMissingIds(p, ctx);
    const job: Job = {
      p, ctx, cwd: mctx.cwd,
      mtime: stampFor(defaultStamp(p.modification_time as string | null, state), p.modification_time_format as string),
      atime: stampFor(defaultStamp(p.access_time as string | null, state), p.access_time_format as string),
    };
    if (p._diff_peek !== null) return await finish({ path, changed: false, appears_binary: await appearsBinary(path) });
    const run = { file: ensureFile, directory: ensureDirectory, touch: executeTouch, absent: ensureAbsent }[state];
    return await finish(run ? await run(job, path) : await ensureLink(job, path, state === "hard"));
  } catch (e) {
    if (!(e instanceof ModuleFail)) throw e;
    const r = await failResult(e);
    if (ctx.warnings.length) r.warnings = ctx.warnings;
    return r;
  }
}

function warnMissingIds(p: ModuleParams, ctx: AttrContext): void {
  const num = (s: string): number | undefined => (/^\s*[+-]?\d+\s*$/.test(s) ? Number(s) : undefined);
  if (p.owner) {
    const o = String(p.owner);
    const n = num(o);
    if (n !== undefined ? !userName(n) : uidOf(o) === undefined) {
      ctx.warnings.push(n !== undefined ? `failed to look up user with uid ${n}. Create user up to this point in real play` : `failed to look up user ${o}. Create user up to this point in real play`);
    }
  }
  if (p.group) {
    const g = String(p.group);
    const n = num(g);
    if (n !== undefined ? !groupName(n) : gidOf(g) === undefined) {
      ctx.warnings.push(n !== undefined ? `failed to look up group with gid ${n}. Create group up to this point in real play` : `failed to look up group ${g}. Create group up to this point in real play`);
    }
  }
}

async function appearsBinary(path: string): Promise<boolean> {
  try {
    const fh = await open(path, "r");
    const { buffer, bytesRead } = await fh.read(Buffer.alloc(8192), 0, 8192, 0);
    await fh.close();
    return buffer.subarray(0, bytesRead).includes(0);
  } catch {
    return false;
  }
}

export const fileModule: NativeModule = { name: "file", spec, run: runFile };
