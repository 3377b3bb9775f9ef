// Builds the gate zipapp from gate/ deterministically: the same sources give the same bytes and the same
// sha256 on any machine (sorted entries, fixed DOS timestamps in local-time terms, fixed modes, level 9).
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { zipSync, type Zippable } from "fflate";

const FIXED_MTIME = new Date(1980, 0, 1, 0, 0, 0); // local-time constructor: fflate writes local DOS time
const SKIP_DIRS = new Set(["tests", "__pycache__"]);

function listSources(root: string, dir = root): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) {
      if (!SKIP_DIRS.has(name) && !name.startsWith(".")) out.push(...listSources(root, full));
    } else if (name.endsWith(".py")) {
      out.push(relative(root, full));
    }
  }
  return out;
}

export interface Pyz {
  bytes: Uint8Array;
  sha256: string;
  files: string[];
}

export function buildPyz(gateDir: string): Pyz {
  const files = listSources(gateDir);
  if (!files.includes("__main__.py")) throw new Error(`${gateDir}/__main__.py is missing: the zipapp needs an entry point`);
  const entries: Zippable = {};
  for (const f of files) {
    entries[f] = [new Uint8Array(readFileSync(join(gateDir, f))), { level: 9, mtime: FIXED_MTIME, os: 3, attrs: (0o100644 << 16) >>> 0 }];
  }
  const bytes = zipSync(entries);
  return { bytes, sha256: createHash("sha256").update(bytes).digest("hex"), files };
}
