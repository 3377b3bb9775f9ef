// `ansible-runner worker cleanup`: removes stale private data dirs matching a glob (Python's glob.glob: hidden
// names only for patterns starting with '.', results in directory order), skipping names containing an exclude
// string, dirs modified within the grace period (minutes; 0 = no check) and dirs whose `pid` file names a live
// process; removes each removed dir's registry auth dirs ($TMPDIR/ansible_runner_registry_<ident>_*); refuses
// patterns that reach system dirs. Output lines as the real one prints them, ending in `(changed: True|False)`.
// Deliberate difference: ansible-runner 2.3.1's is_alive is inverted (a live pid is deleted, a dead one kept);
// this keeps the live one. Image removal (--remove-images, --image-prune) needs a container engine: ignored.
import { lstatSync, readdirSync, readFileSync, realpathSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fnmatch, hasGlob } from "../text/index.ts";
import { parseArgs, type OptDef } from "./_argparse.ts";

export interface CleanupOptions {
  filePattern?: string;
  excludeStrings?: string[];
  /** Minutes; default 60. */
  gracePeriod?: number;
  /** For tests: the clock and the temp dir. */
  now?: () => number;
  tmpdir?: string;
}

export interface CleanupResult {
  changed: boolean;
  /** What the real command prints on stdout. */
  output: string;
  /** Set when the pattern reaches a system dir: printed on stderr, exit 1. */
  error?: string;
}

const SYSTEM_DIRS = ["/", "/bin", "/dev", "/home", "/lib", "/mnt", "/proc", "/run", "/sys", "/usr", "/boot", "/etc", "/opt", "/sbin", "/var"];

/** glob.glob(pattern) without `**`: magic segments listed in directory order, hidden names matched explicitly. */
export function pyGlob(pattern: string): string[] {
  const absolute = pattern.startsWith("/");
  const parts = pattern.split("/").filter((p, i) => p !== "" || i === 0);
  let paths = [absolute ? "/" : ""];
  for (const part of absolute ? parts.slice(1) : parts) {
    const next: string[] = [];
    for (const base of paths) {
      if (!hasGlob(part)) {
        const p = base ? join(base, part) : part;
        try {
          lstatSync(p);
          next.push(p);
        } catch {
          /* absent */
        }
        continue;
      }
      let names: string[];
      try {
        names = readdirSync(base || ".");
      } catch {
        continue;
      }
      for (const n of names) {
        if (n.startsWith(".") && !part.startsWith(".")) continue;
        if (fnmatch(n, part)) next.push(base ? join(base, n) : n);
      }
    }
    paths = next;
  }
  return paths;
}

function realOrSelf(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return resolve(p);
  }
}

function isAlive(dir: string): boolean {
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(join(dir, "pid"), "utf8").split("\n")[0]!, 10);
  } catch {
    return false;
  }
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function removeDir(dir: string): boolean {
  try {
    if (!lstatSync(dir).isDirectory()) return false;
  } catch {
    return false;
  }
  rmSync(dir, { recursive: true, force: true });
  return true;
}

export async function cleanupPrivateDataDirs(opts: CleanupOptions): Promise<CleanupResult> {
  const lines: string[] = [];
  const tmp = opts.tmpdir ?? tmpdir();
  let count = 0;
  if (opts.filePattern) {
    const pattern = opts.filePattern;
    const prohibited = new Set([...SYSTEM_DIRS, tmp].flatMap((p) => [resolve(p), realOrSelf(p)]));
    const bad = pyGlob(pattern).filter((d) => prohibited.has(realOrSelf(d)));
    if (bad.length) {
      const error = `Provided pattern could result in deleting system folders:\n${bad.join(" ")}\nRefusing to continue for user system safety.`;
      return { changed: false, output: "", error };
    }
    const now = opts.now?.() ?? Date.now();
    const grace = opts.gracePeriod ?? 60;
    for (const dir of pyGlob(pattern)) {
      if ((opts.excludeStrings ?? []).some((s) => dir.includes(s))) continue;
      if (grace) {
        try {
          if (statSync(dir).mtimeMs > now - grace * 60_000) continue;
        } catch {
          continue;
        }
      }
      if (isAlive(dir)) {
        lines.push(`Excluding running project ${dir} from cleanup`);
        continue;
      }
      let idents: string[] = [];
      try {
        idents = readdirSync(join(dir, "artifacts"));
      } catch {
        idents = [];
      }
      for (const ident of idents) {
        for (const auth of pyGlob(`${tmp}/ansible_runner_registry_${ident}_*`)) {
          if (removeDir(auth)) lines.push(`Removed associated registry auth dir ${auth}`);
        }
      }
      if (removeDir(dir)) count++;
    }
    if (count) lines.push(`Removed ${count} private data dir(s) in pattern ${pattern}`);
  }
  lines.push(count ? "(changed: True)" : "(changed: False)");
  return { changed: count > 0, output: lines.map((l) => `${l}\n`).join("") };
}

/** `worker cleanup` options (cleanup.add_cleanup_args). */
export function parseCleanupArgv(argv: readonly string[]): CleanupOptions & { removeImages?: string[]; imagePrune?: boolean } {
  const a = parseArgs(argv, CLEANUP_OPTIONS, []);
  const out: CleanupOptions & { removeImages?: string[]; imagePrune?: boolean } = {};
  if (typeof a.file_pattern === "string") out.filePattern = a.file_pattern;
  if (Array.isArray(a.exclude_strings)) out.excludeStrings = a.exclude_strings;
  if (typeof a.grace_period === "number") out.gracePeriod = a.grace_period;
  if (Array.isArray(a.remove_images)) out.removeImages = a.remove_images;
  if (a.image_prune) out.imagePrune = true;
  return out;
}

const CLEANUP_OPTIONS: readonly OptDef[] = [
  { dest: "help", kind: "flag", flags: ["-h", "--help"] },
  { dest: "file_pattern", kind: "store", flags: ["--file-pattern"] },
  { dest: "exclude_strings", kind: "star", flags: ["--exclude-strings"] },
  { dest: "remove_images", kind: "star", flags: ["--remove-images"] },
  { dest: "grace_period", kind: "int", flags: ["--grace-period"] },
  { dest: "image_prune", kind: "flag", flags: ["--image-prune"] },
  { dest: "process_isolation_executable", kind: "store", flags: ["--process-isolation-executable"] },
];
