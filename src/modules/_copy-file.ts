// The host side of ansible.builtin.copy for one file, run locally: what the copy module does with the file the
// action plugin transferred (dest resolution, force, backup, validate, atomic move), streaming and hashing in
// chunks so large files never sit in memory.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, existsSync, lstatSync, realpathSync, statSync } from "node:fs";
import { access, chmod, chown, constants, copyFile, mkdir, rename, stat, unlink, utimes } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import { type AttrContext, ModuleFail, pyOsError, setFsAttributesIfDifferent, setGroupIfDifferent, setModeIfDifferent, setOwnerIfDifferent } from "./_file-attrs.ts";
import type { ModuleParams, ModuleResult } from "./_types.ts";

/** sha1 (and md5) of a file, read in chunks; undefined when it is not a readable regular file. */
export async function hashFile(path: string, algo: "sha1" | "md5" = "sha1"): Promise<string | undefined> {
  const st = await stat(path).catch(() => undefined);
  if (!st?.isFile()) return undefined;
  const h = createHash(algo);
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 64 * 1024 })) h.update(chunk as Buffer);
  } catch {
    return undefined;
  }
  return h.digest("hex");
}

const pad = (n: number): string => String(n).padStart(2, "0");

/** backup_local: `dest.PID.YYYY-MM-DD@HH:MM:SS~`, a copy keeping mode, times and owner. */
export async function backupLocal(dest: string): Promise<string> {
  if (!existsSync(dest)) return "";
  const d = new Date();
  const ext = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}@${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}~`;
  const backup = `${dest}.${process.pid}.${ext}`;
  try {
    await copyFile(dest, backup);
    const st = await stat(dest);
    await chmod(backup, st.mode & 0o7777);
    await utimes(backup, st.atime, st.mtime);
    await chown(backup, st.uid, st.gid).catch(() => undefined);
  } catch (e) {
    throw new ModuleFail(`Could not make backup of ${dest} to ${backup}: ${pyOsError(e)}`);
  }
  return backup;
}

function runValidate(cmd: string): Promise<{ rc: number; out: string; err: string }> {
  // run_command without a shell: the command is split as shlex would, on whitespace with quotes.
  const argv = (cmd.match(/'[^']*'|"(?:\\.|[^"])*"|\S+/g) ?? []).map((a) => a.replace(/^'(.*)'$|^"(.*)"$/s, "$1$2"));
  return new Promise((resolve) => {
    const child = spawn(argv[0] ?? "", argv.slice(1), { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
    child.on("error", () => resolve({ rc: 2, out: "", err: `[Errno 2] No such file or directory: b'${argv[0]}'` }));
    child.on("close", (rc) => resolve({ rc: rc ?? 1, out, err }));
  });
}

/** Writes `src` to a temp file beside `dest` and renames it over, as atomic_move does (keeping dest's mode). */
async function atomicCopy(src: string, dest: string, prepare: (tmp: string) => Promise<void>): Promise<void> {
  const tmp = join(dirname(dest), `.ansible_tmp${Math.random().toString(36).slice(2, 10)}${basename(dest)}`);
  try {
    await pipeline(createReadStream(src), createWriteStream(tmp, { mode: 0o600 }));
    const old = await stat(dest).catch(() => undefined);
    // atomic_move keeps an existing dest's mode and owner; a new file gets 0666 minus the umask.
    await chmod(tmp, old ? old.mode & 0o7777 : 0o666 & ~process.umask());
    if (old) await chown(tmp, old.uid, old.gid).catch(() => undefined);
    await prepare(tmp);
    await rename(tmp, dest);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}

/** split_pre_existing_dir + makedirs + adjust_recursive_directory_permissions for a new parent of dest. */
async function makeParents(dir: string, p: ModuleParams, ctx: AttrContext): Promise<void> {
  const created: string[] = [];
  for (let d = dir; !existsSync(d); d = dirname(d)) created.unshift(d);
  await mkdir(dir, { recursive: true });
  for (const d of created) {
    await setFsAttributesIfDifferent({ path: d, mode: p.directory_mode ?? null, owner: p.owner as string, group: p.group as string, attributes: p.attributes as string }, false, undefined, ctx);
  }
}

/**
 * The copy module's main() for a regular-file `src` already on this host. `dest` may end with "/" (then
 * `_original_basename` names the file inside it). Returns the module's result before add_path_info.
 */
export async function copyModuleFile(p: ModuleParams, ctx: AttrContext): Promise<ModuleResult> {
  const src = p.src as string;
  let dest = p.dest as string;
  if (!dest.includes("/")) dest = `./${dest}`;
  const original = p._original_basename as string | null;
  if (!existsSync(src)) throw new ModuleFail(`Source ${src} not found`);
  await access(src, constants.R_OK).catch(() => {
    throw new ModuleFail(`Source ${src} not readable`);
  });
  if (p.mode === "preserve") p.mode = `0${(statSync(src).mode & 0o7777).toString(8).padStart(3, "0")}`;
  const srcIsFile = statSync(src).isFile();
  const checksumSrc = srcIsFile ? await hashFile(src) : undefined;
  const md5Src = srcIsFile ? await hashFile(src, "md5") : undefined;
  if (!srcIsFile && p.remote_src) throw new ModuleFail(`Cannot copy invalid source '${src}': not a file`);
  if (p.checksum && checksumSrc !== p.checksum) {
    throw new ModuleFail("Copied file does not match the expected checksum. Transfer failed.", { checksum: checksumSrc ?? null, expected_checksum: p.checksum });
  }
  if (dest.endsWith("/")) {
    if (original) dest = join(dest, original);
    const parent = dirname(dest);
    if (!existsSync(parent)) {
      if (ctx.checkMode) return { msg: `dest directory ${parent} would be created`, changed: true, src };
      await makeParents(parent, p, ctx);
    }
  }
  if (statSync(dest, { throwIfNoEntry: false })?.isDirectory()) dest = join(dest, original ?? basename(src));
  let checksumDest: string | undefined;
  if (existsSync(dest)) {
    if (lstatSync(dest).isSymbolicLink() && p.follow) dest = realpathSync(dest);
    if (!p.force) return { msg: "file already exists", src, dest, changed: false };
    checksumDest = await hashFile(dest);
  } else if (!existsSync(dirname(dest))) {
    throw new ModuleFail(`Destination directory ${dirname(dest)} does not exist`);
  }
  if (!p.unsafe_writes) {
    await access(dirname(dest), constants.W_OK).catch(() => {
      throw new ModuleFail(`Destination ${dirname(dest)} not writable`);
    });
  }
  let backupFile: string | undefined;
  const isLink = lstatSync(dest, { throwIfNoEntry: false })?.isSymbolicLink() ?? false;
  const changed = checksumSrc !== checksumDest || isLink;
  if (changed && !ctx.checkMode) {
    if (p.backup && existsSync(dest)) backupFile = await backupLocal(dest);
    if (isLink) await unlink(dest);
    const validate = p.validate as string | null;
    if (validate && !validate.includes("%s")) throw new ModuleFail(`validate must contain %s: ${validate}`);
    try {
      await atomicCopy(src, dest, async (tmp) => {
        if (!validate) return;
        // Validation runs on the new content with the requested mode and owner already applied.
        const quiet: AttrContext = { checkMode: false, warnings: ctx.warnings };
        await setModeIfDifferent(tmp, p.mode, false, undefined, quiet);
        await setOwnerIfDifferent(tmp, p.owner as string, false, undefined, quiet);
        await setGroupIfDifferent(tmp, p.group as string, false, undefined, quiet);
        const r = await runValidate(validate.replaceAll("%s", tmp));
        if (r.rc !== 0) throw new ModuleFail("failed to validate", { exit_status: r.rc, stdout: r.out, stderr: r.err });
      });
    } catch (e) {
      if (e instanceof ModuleFail) throw e;
      throw new ModuleFail(`failed to copy: ${src} to ${dest}`, { traceback: pyOsError(e) });
    }
  }
  const result: ModuleResult = { dest, src, md5sum: md5Src ?? null, checksum: checksumSrc ?? null, changed };
  if (backupFile) result.backup_file = backupFile;
  const { mode, owner, group, attributes } = p as { mode?: unknown; owner?: string; group?: string; attributes?: string };
  result.changed = await setFsAttributesIfDifferent({ path: dest, mode, owner, group, attributes }, changed, undefined, ctx);
  return result;
}
