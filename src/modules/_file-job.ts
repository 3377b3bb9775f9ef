// The state of one `file` module call and what every state handler shares: the followed path and attributes
// (load_file_common_arguments), Python's os.path predicates, attribute and time updates, the initial diff.
import { lstatSync, readlinkSync, realpathSync, statSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { type AttrContext, type Diff, type FsArgs, setFsAttributesIfDifferent } from "./_file-attrs.ts";
import { type Stamp, updateTimestamps } from "./_file-times.ts";
import type { ModuleParams } from "./_types.ts";

export interface Job {
  p: ModuleParams;
  ctx: AttrContext;
  cwd: string;
  mtime: Stamp;
  atime: Stamp;
}

/** load_file_common_arguments: the followed path plus mode/owner/group/attributes. */
export function fileArgs(job: Job, path: string): FsArgs {
  let target = path;
  if (job.p.follow && isLink(path)) target = realpathOrSelf(path);
  const { mode, owner, group, attributes } = job.p as { mode?: unknown; owner?: string; group?: string; attributes?: string };
  return { path: target, mode, owner, group, attributes };
}

// os.path.islink and isdir answer False for any OSError (ENOTDIR under a file, EACCES), not only ENOENT.
export const isLink = (p: string): boolean => tryStat(() => lstatSync(p).isSymbolicLink());
export const isDir = (p: string): boolean => tryStat(() => statSync(p).isDirectory());
/** os.path.join of two parts: no normalising, and an absolute second part replaces the first. */
export const pyJoin = (a: string, b: string): string => (b.startsWith("/") ? b : a.endsWith("/") || a === "" ? a + b : `${a}/${b}`);
function tryStat(test: () => boolean): boolean {
  try {
    return test();
  } catch {
    return false;
  }
}
export function realpathOrSelf(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    // os.path.realpath never fails: a dangling link resolves as far as it can.
    return resolve(dirname(p), readlinkSync(p));
  }
}

export async function applyAttrs(job: Job, args: FsArgs, changed: boolean, diff?: Diff): Promise<boolean> {
  changed = await setFsAttributesIfDifferent(args, changed, diff, job.ctx);
  return (await updateTimestamps(args.path, job.mtime, job.atime, job.ctx.checkMode, diff)) || changed;
}

export async function initialDiff(path: string, state: string, prev: string): Promise<Diff> {
  const diff: Diff = { before: { path }, after: { path } };
  if (prev !== state) {
    diff.before.state = prev;
    diff.after.state = state;
    if (state === "absent" && prev === "directory") {
      const walk = { directories: [] as string[], files: [] as string[] };
      const visit = async (dir: string): Promise<void> => {
        const entries = await readdir(dir, { withFileTypes: true });
        // os.walk lists a directory's subdirectories and files before descending, top-down.
        const dirs = entries.filter((e) => e.isDirectory()).map((e) => join(dir, e.name));
        walk.directories.push(...dirs);
        walk.files.push(...entries.filter((e) => !e.isDirectory()).map((e) => join(dir, e.name)));
        for (const d of dirs) await visit(d);
      };
      await visit(path);
      diff.before.path_content = walk;
    }
  }
  return diff;
}
