// Extraction as ansible-runner's unstream_dir does it (modes restored, mtimes set from the entry's local time,
// links recreated, existing directories left alone, FIFOs in the way removed and the entry skipped), but
// refusing what the real one lets escape: absolute names, `..` components, entries under a symlink, and links
// whose target leaves the directory. Any refusal or bad zip is the real worker's "Failed to extract ..." error.
import { chmodSync, existsSync, lstatSync, mkdirSync, rmSync, statSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from "node:fs";
import { dirname, join, resolve, sep } from "node:path";
import { EXTRACT_FAILED, StreamInputError } from "./_stream-error.ts";
import { readZip, type ZipEntry } from "./_zip-read.ts";

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

function refuse(why: string): never {
  throw new StreamInputError(EXTRACT_FAILED, why);
}

/** The entry's path components inside the directory ("." and empty parts dropped), or a refusal. */
function safeParts(name: string): string[] {
  if (name.includes("\0")) refuse(`zip entry ${JSON.stringify(name)} has a NUL byte`);
  if (name.startsWith("/")) refuse(`zip entry ${JSON.stringify(name)} is an absolute path`);
  const parts = name.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.includes("..")) refuse(`zip entry ${JSON.stringify(name)} leaves the private data directory`);
  return parts;
}

function lstatOrNull(path: string): ReturnType<typeof lstatSync> | null {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}

/** No existing component between `root` and the entry may be a symlink: writing through one could escape. */
function checkParents(root: string, parts: string[], name: string): void {
  let at = root;
  for (const p of parts.slice(0, -1)) {
    at = join(at, p);
    const st = lstatOrNull(at);
    if (!st) return;
    if (st.isSymbolicLink()) refuse(`zip entry ${JSON.stringify(name)} lies under the symlink ${p}`);
  }
}

function checkLinkTarget(root: string, linkPath: string, target: string, name: string): void {
  const inside = target.startsWith("/") ? resolve(target) : resolve(dirname(linkPath), target);
  if (inside !== root && !inside.startsWith(root + sep)) {
    refuse(`zip entry ${JSON.stringify(name)} is a link to ${JSON.stringify(target)}, outside the private data directory`);
  }
}

function extractOne(root: string, entry: ZipEntry): void {
  const parts = safeParts(entry.name);
  if (!parts.length) return;
  checkParents(root, parts, entry.name);
  const out = join(root, ...parts);
  const isLink = (entry.mode & S_IFMT) === S_IFLNK;
  const isDir = entry.name.endsWith("/");
  const existing = lstatOrNull(out);
  if (existing && existsSync(out)) {
    if (isLink) rmSync(out, { recursive: existing.isDirectory() && !existing.isSymbolicLink(), force: true });
    else if (statSync(out).isFIFO()) {
      unlinkSync(out);
      return;
    } else if (statSync(out).isDirectory() && !existing.isSymbolicLink()) return;
  }
  // A link already there (dangling or not) is replaced rather than written through.
  if (existing?.isSymbolicLink()) unlinkSync(out);
  const data = isDir ? null : entry.read();
  if (isLink) {
    const target = new TextDecoder().decode(data!);
    checkLinkTarget(root, out, target, entry.name);
    mkdirSync(dirname(out), { recursive: true });
    symlinkSync(target, out);
    return;
  }
  if (isDir) mkdirSync(out, { recursive: true });
  else {
    mkdirSync(dirname(out), { recursive: true });
    if (existing?.isDirectory()) refuse(`zip entry ${JSON.stringify(entry.name)} is a file where a directory is`);
    writeFileSync(out, data!);
  }
  const [y, mo, d, h, mi, s] = entry.date;
  const t = new Date(y, mo - 1, d, h, mi, s).getTime() / 1000;
  utimesSync(out, t, t);
  // A zip from a non-Unix tool has no mode: keep the default rather than chmod 0 as Python would.
  if (entry.mode & 0o7777) chmodSync(out, entry.mode & 0o7777);
}

/** Extracts `zip` into `dir` (created when missing). Throws StreamInputError with the real worker's explanation. */
export async function extractZip(zip: Uint8Array, dir: string): Promise<void> {
  const root = resolve(dir);
  try {
    mkdirSync(root, { recursive: true });
    for (const entry of readZip(zip)) extractOne(root, entry);
  } catch (e) {
    if (e instanceof StreamInputError) throw e;
    refuse(e instanceof Error ? e.message : String(e));
  }
}

