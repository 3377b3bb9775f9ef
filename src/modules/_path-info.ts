// AnsibleModule.add_path_info: every result (ok or failed) with a `path` (or `dest`) key naming an existing
// file gets uid, gid, owner, group, mode, state and size added. Native modules that return a path call this.
import { lstatSync, readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { expandPath } from "./_process.ts";
import type { ModuleContext, ModuleResult } from "./_types.ts";

/** getpwuid / getgrgid name from the local database file (/etc/passwd, /etc/group), or undefined. */
export function lookupName(file: string, id: number): string | undefined {
  try {
    for (const line of readFileSync(file, "utf8").split("\n")) {
      const f = line.split(":");
      if (f.length >= 3 && f[2] === String(id)) return f[0];
    }
  } catch {
    // No database: no name.
  }
  return undefined;
}

export function addPathInfo(result: ModuleResult, ctx: ModuleContext): ModuleResult {
  const path = result.path ?? result.dest;
  if (typeof path !== "string") return result;
  const abs = resolve(ctx.cwd, path);
  let st;
  try {
    st = statSync(abs); // os.path.exists follows links
  } catch {
    return result;
  }
  const l = lstatSync(resolve(ctx.cwd, expandPath(path, ctx.env)));
  const state = l.isSymbolicLink() ? "link" : st.isDirectory() ? "directory" : st.nlink > 1 ? "hard" : "file";
  return {
    ...result,
    uid: l.uid,
    gid: l.gid,
    owner: lookupName("/etc/passwd", l.uid) ?? String(l.uid),
    group: lookupName("/etc/group", l.gid) ?? String(l.gid),
    mode: `0${(l.mode & 0o7777).toString(8).padStart(3, "0")}`,
    state,
    size: l.size,
  };
}
