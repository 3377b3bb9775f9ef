// A directory as sorted lines `relative/path mode content` (links as `path link`), for comparing what two tools
// left on disk.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

export function fileTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    for (const e of readdirSync(p, { withFileTypes: true })) {
      const full = join(p, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.isFile()) out.push(`${relative(dir, full)} ${(statSync(full).mode & 0o7777).toString(8)} ${readFileSync(full, "utf8")}`);
      else out.push(`${relative(dir, full)} link`);
    }
  };
  walk(dir);
  return out.sort();
}
