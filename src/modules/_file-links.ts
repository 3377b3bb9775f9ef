// The `file` module's state=link and state=hard (modules/file.py ensure_symlink and ensure_hardlink).
import { existsSync, readdirSync, statSync } from "node:fs";
import { link, readlink, rename, rmdir, symlink, unlink } from "node:fs/promises";
import { dirname, isAbsolute, join } from "node:path";
import { type Diff, ModuleFail, pathState, pyOsError } from "./_file-attrs.ts";
import { type Job, applyAttrs, fileArgs, initialDiff, isDir, isLink } from "./_file-job.ts";
import type { ModuleResult } from "./_types.ts";

async function replaceAtomically(path: string, prev: string, make: (tmp: string) => Promise<void>): Promise<void> {
  const tmp = join(dirname(path), `.${process.pid}.${Date.now() / 1000}.tmp`);
  try {
    if (prev === "directory") await (isLink(path) || !isDir(path) ? unlink(path) : rmdir(path));
    await make(tmp);
    await rename(tmp, path);
  } catch (e) {
    if (existsSync(tmp)) await unlink(tmp);
    throw new ModuleFail(`Error while replacing: ${pyOsError(e)}`, { path });
  }
}

export async function ensureLink(job: Job, path: string, hard: boolean): Promise<ModuleResult> {
  const prev = await pathState(path);
  let src = job.p.src as string | null;
  const force = job.p.force as boolean;
  if (!hard && src === null && job.p.follow && existsSync(path) && isLink(path)) src = await readlink(path);
  if (hard && prev !== "hard" && src === null) throw new ModuleFail("src is required for creating new hardlinks");
  const base = !isLink(path) && isDir(path) ? path : dirname(path);
  const absrc = src === null ? null : hard ? src : isAbsolute(src) ? src : join(base, src);
  if (hard && src !== null && !existsSync(src)) throw new ModuleFail("src does not exist", { dest: path, src });
  if (!hard && !force && absrc !== null && !existsSync(absrc)) {
    throw new ModuleFail(`src file does not exist, use "force=yes" if you really want to create the link: ${absrc}`, { path, src });
  }
  const diff = await initialDiff(path, hard ? "hard" : "link", prev);
  let changed = false;
  if (!hard) {
    if (prev === "directory") {
      if (!force) throw new ModuleFail(`refusing to convert from ${prev} to symlink for ${path}`, { path });
      if (readdirSync(path).length) throw new ModuleFail(`the directory ${path} is not empty, refusing to convert it`, { path });
    } else if ((prev === "file" || prev === "hard") && !force) {
      throw new ModuleFail(`refusing to convert from ${prev} to symlink for ${path}`, { path });
    }
    if (prev !== "link") {
      if (src === null) throw new ModuleFail("src is required for creating new symlinks");
      changed = true;
    } else if (src !== null) changed = noteLinkChange(diff, await readlink(path), src);
  } else if (prev === "absent") changed = true;
  else if (prev === "link") changed = noteLinkChange(diff, await readlink(path), src!);
  else if (prev === "hard") {
    if (src !== null && statSync(path).ino !== statSync(src).ino) {
      changed = true;
      if (!force) throw new ModuleFail("Cannot link, different hard link exists at destination", { dest: path, src });
    }
  } else if (prev === "file") {
    changed = true;
    if (!force) throw new ModuleFail(`Cannot link, ${prev} exists at destination`, { dest: path, src });
  } else if (prev === "directory") {
    changed = true;
    if (statSync(path).ino === statSync(src!).ino) return { path, changed: false };
    if (!force) throw new ModuleFail("Cannot link: different hard link exists at destination", { dest: path, src });
  }
  if (changed && !job.ctx.checkMode) {
    const make = (to: string): Promise<void> => (hard ? link(src!, to) : symlink(src!, to));
    if (prev !== "absent") await replaceAtomically(path, prev, make);
    else {
      await make(path).catch((e) => {
        throw new ModuleFail(`Error while linking: ${pyOsError(e)}`, { path });
      });
    }
  }
  if (job.ctx.checkMode && !existsSync(path)) return { dest: path, src, changed, diff };
  const args = fileArgs(job, path);
  if (!hard && job.p.follow && isLink(path) && !existsSync(args.path)) {
    job.ctx.warnings.push("Cannot set fs attributes on a non-existent symlink target. follow should be set to False to avoid this.");
  } else changed = await applyAttrs(job, args, changed, diff);
  return { dest: path, src, changed, diff };
}

function noteLinkChange(diff: Diff, old: string, src: string): boolean {
  if (old === src) return false;
  diff.before.src = old;
  diff.after.src = src;
  return true;
}
