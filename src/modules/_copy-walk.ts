// The copy action's _walk_dirs: which files, directories and symlinks a recursive copy of a controller
// directory makes, with rsync's trailing-slash rule (src/ copies the contents, src copies the directory).
import { lstatSync, readdirSync, readlinkSync, realpathSync, statSync } from "node:fs";
import { dirname, join } from "node:path";

/** [source path (or link target), path relative to dest] pairs. */
export interface SourceFiles {
  files: [string, string][];
  directories: [string, string][];
  symlinks: [string, string][];
}

const idOf = (p: string): string => {
  const st = statSync(p);
  return `${st.dev}:${st.ino}`;
};

export function walkSource(topdir: string, localFollow: boolean): SourceFiles {
  const out: SourceFiles = { files: [], directories: [], symlinks: [] };
  const base = topdir.endsWith("/") ? topdir : dirname(topdir);
  const offset = base.length + (base.endsWith("/") ? 0 : 1);
  if (lstatSync(topdir.replace(/\/$/, "")).isSymbolicLink() && !localFollow) {
    out.symlinks.push([readlinkSync(topdir.replace(/\/$/, "")), topdir.replace(/\/$/, "").split("/").at(-1)!]);
    return out;
  }
  const recurse = (dir: string, off: number, parents: Set<string>, relBase: string): void => {
    // os.walk, top-down: this directory's files and subdirectories, then each subdirectory in turn.
    const walk = (d: string): void => {
      const entries = readdirSync(d, { withFileTypes: true });
      const isDirEntry = (name: string): boolean => statSync(join(d, name), { throwIfNoEntry: false })?.isDirectory() ?? false;
      const subdirs = entries.filter((e) => isDirEntry(e.name)).map((e) => e.name);
      for (const e of entries.filter((x) => !isDirEntry(x.name))) {
        const path = join(d, e.name);
        const rel = join(relBase, path.slice(off));
        if (e.isSymbolicLink()) {
          const real = realpathOrNull(path);
          if (localFollow && real && statSync(real).isFile()) out.files.push([real, rel]);
          else out.symlinks.push([readlinkSync(path), rel]);
        } else out.files.push([path, rel]);
      }
      for (const name of subdirs) {
        const path = join(d, name);
        const rel = join(relBase, path.slice(off));
        if (!lstatSync(path).isSymbolicLink()) {
          out.directories.push([path, rel]);
          walk(path);
          continue;
        }
        const real = realpathSync(path);
        if (!localFollow || parents.has(idOf(real))) {
          out.symlinks.push([readlinkSync(path), rel]);
          continue;
        }
        const fresh = new Set<string>();
        const parts = dirname(path).split("/");
        for (let i = parts.length; i > 0; i--) {
          const id = idOf(parts.slice(0, i).join("/") || "/");
          if (parents.has(id)) break;
          fresh.add(id);
        }
        if (fresh.has(idOf(real))) out.symlinks.push([readlinkSync(path), rel]);
        else {
          out.directories.push([real, rel]);
          recurse(real, real.length + 1, new Set([...parents, ...fresh]), rel);
        }
      }
    };
    walk(dir);
  };
  recurse(topdir, offset, new Set([idOf(topdir)]), "");
  return out;
}

function realpathOrNull(p: string): string | null {
  try {
    return realpathSync(p);
  } catch {
    return null;
  }
}
