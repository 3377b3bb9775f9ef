// The fetch action (plugins/action/fetch.py) for any connection: the same argument checks, remote stat,
// destination naming (dest/<inventory_hostname>/<src>, flat, trailing slash), checksum comparison and
// result keys and messages as ansible's. Only reading the remote file differs per connection (FetchRemote).
// Where ansible slurps the whole file into memory (become, unreadable or special files) we stream it like
// any other and hash it on the way; the local file is written to a temp name beside dest and renamed.
import { expandPath } from "./_process.ts";
import { FetchReadError, isErrnoError, localChecksums, pyOSErrorText, startLocalWrite, type LocalWrite } from "./_fetch-write.ts";
import { statSync } from "node:fs";
import { mkdir, stat } from "node:fs/promises";
import { resolve } from "node:path";
import type { ModuleResult } from "./_types.ts";

export { FetchReadError };

/** What fetch needs from the connection the file lives on. */
export interface FetchRemote {
  /** With become ansible skips the remote stat and reads the file as the become user straight away. */
  readonly become: boolean;
  /** inventory_hostname: the directory under dest that holds this host's files. */
  readonly hostName: string;
  /** The controller's cwd and env: relative and `~`/`$VAR` dest paths resolve there (loader.path_dwim). */
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly signal: AbortSignal;
  /** _remote_expand_user: `~` and `~user` on the target. */
  expandUser(path: string): Promise<string>;
  /** The stat module's result for path (follow=true, sha1 checksum). */
  stat(path: string): Promise<ModuleResult>;
  /** The file's bytes in order; failures to open or read are FetchReadError. */
  read(path: string): AsyncIterable<Uint8Array>;
  /** Mode (before the umask) of a dest file that does not exist yet, given the stat (undefined when not used). */
  newFileMode(stat: Record<string, unknown> | undefined): number;
}

const SKIP_CHECK = "check mode not (yet) supported for this module";
const DIR_MSG = "remote file is a directory, fetch cannot work on directories";
const MISSING_MSG = "the remote file does not exist, not transferring, ignored";

class ActionFail extends Error {}

/** AnsibleActionFail as the task result shows it: raised outside an except block, hence "NoneType: None". */
function actionFail(msg: string): ModuleResult {
  return { changed: false, failed: true, msg, exception: "NoneType: None\n" };
}

/** module_utils.parsing.convert_bool.boolean(value, strict=False). */
function boolean(v: unknown, dflt: boolean): boolean {
  if (v === undefined || v === null) return dflt;
  if (typeof v === "boolean") return v;
  const s = typeof v === "string" ? v.toLowerCase().trim() : v;
  return ["y", "yes", "on", "1", "true", "t", 1].includes(s as string | number);
}

export async function runFetch(args: Record<string, unknown>, remote: FetchRemote, checkMode: boolean): Promise<ModuleResult> {
  if (checkMode) return { changed: false, skipped: true, msg: SKIP_CHECK };
  const src = args.src;
  const originalDest = args.dest;
  let msg = "";
  if (typeof src !== "string") msg = "Invalid type supplied for source option, it must be a string";
  if (typeof originalDest !== "string") msg = "Invalid type supplied for dest option, it must be a string";
  if (src === undefined || src === null || originalDest === undefined || originalDest === null) msg = "src and dest are required";
  if (msg) return actionFail(msg);
  const flat = boolean(args.flat, false);
  const failOnMissing = boolean(args.fail_on_missing, true);
  const validateChecksum = boolean(args.validate_checksum, true);

  const source = await remote.expandUser(src as string);
  let remoteStat: Record<string, unknown> | undefined;
  let remoteChecksum: string | undefined;
  if (!remote.become) {
    const r = await remote.stat(source);
    if (r.failed) {
      const why = String(r.module_stderr || r.module_stdout || r.msg);
      const text = `Failed to get information on remote file (${source}): ${why}`;
      return failOnMissing ? { changed: false, file: source, failed: true, msg: text } : { changed: false, file: source, msg: `${text}, ignored` };
    }
    remoteStat = (r.stat ?? {}) as Record<string, unknown>;
    remoteChecksum = remoteStat.exists !== true ? "1" : typeof remoteStat.checksum === "string" ? remoteStat.checksum : "";
    if (remoteStat.exists === true && remoteStat.isdir === true) {
      return failOnMissing ? { changed: false, failed: true, msg: DIR_MSG } : { msg: `${DIR_MSG}, not transferring, ignored` };
    }
  }

  // Where ansible would slurp, the first chunk tells whether the file can be read at all.
  const slurping = remoteChecksum === undefined || remoteChecksum === "1" || remoteChecksum === "";
  const chunks = remote.read(source)[Symbol.asyncIterator]();
  let first: IteratorResult<Uint8Array> | undefined;
  if (slurping) {
    try {
      first = await chunks.next();
    } catch (e) {
      if (!(e instanceof FetchReadError)) throw e;
      return slurpFailure(e, source, failOnMissing);
    }
  }
  let dest: string;
  try {
    dest = destination(source, originalDest as string, flat, remote);
  } catch (e) {
    await chunks.return?.();
    if (e instanceof ActionFail) return actionFail(e.message);
    throw e;
  }

  const local = await localChecksums(dest);
  if (!slurping && local && remoteChecksum === local.sha1) {
    await chunks.return?.();
    return unchanged(source, dest, local);
  }
  const madeDirs = await makeDirs(parentOf(dest));
  if (madeDirs) {
    await chunks.return?.();
    return { changed: false, failed: true, msg: madeDirs };
  }

  let write: LocalWrite;
  try {
    write = await startLocalWrite(dest, withFirst(first, chunks), remote.newFileMode(slurping ? undefined : remoteStat), remote.signal);
  } catch (e) {
    if (e instanceof FetchReadError) return { changed: false, failed: true, msg: `failed to transfer file from ${source} to ${dest}: ${e.message}` };
    if (!isErrnoError(e)) throw e;
    const text = pyOSErrorText(e, dest, true);
    return slurping ? actionFail(`Failed to fetch the file: ${text}`) : { changed: false, failed: true, msg: `failed to transfer file to ${dest}: ${text}` };
  }
  if (slurping) {
    remoteChecksum = write.sha1;
    if (local && remoteChecksum === local.sha1) {
      await write.discard();
      return unchanged(source, dest, local);
    }
  }
  try {
    await write.commit();
  } catch (e) {
    await write.discard();
    return { changed: false, failed: true, msg: `failed to transfer file to ${dest}: ${pyOSErrorText(e as NodeJS.ErrnoException, dest, true)}` };
  }
  if (validateChecksum && write.sha1 !== remoteChecksum) {
    return { changed: false, failed: true, md5sum: write.md5, msg: "checksum mismatch", file: source, dest, remote_md5sum: null, checksum: write.sha1, remote_checksum: remoteChecksum };
  }
  return { changed: true, md5sum: write.md5, dest, remote_md5sum: null, checksum: write.sha1, remote_checksum: remoteChecksum };
}

function unchanged(source: string, dest: string, local: { sha1: string; md5: string }): ModuleResult {
  return { changed: false, md5sum: local.md5, file: source, dest, checksum: local.sha1 };
}

async function* withFirst(first: IteratorResult<Uint8Array> | undefined, rest: AsyncIterator<Uint8Array>): AsyncGenerator<Uint8Array> {
  if (first) {
    if (first.done) return;
    yield first.value;
  }
  for (;;) {
    const n = await rest.next();
    if (n.done) return;
    yield n.value;
  }
}

/** The slurp module's failure (modules/slurp.py words), then what the fetch action makes of it. */
function slurpFailure(e: FetchReadError, source: string, failOnMissing: boolean): ModuleResult {
  const slurpMsg =
    e.code === "ENOENT" ? `file not found: ${source}`
    : e.code === "EACCES" ? `file is not readable: ${source}`
    : e.code === "EISDIR" ? `source is a directory and must be a file: ${source}`
    : `unable to slurp file: ${e.message}`;
  const result: ModuleResult = failOnMissing
    ? { changed: false, failed: true, msg: slurpMsg, invocation: { module_args: { src: source } } }
    : { changed: false, file: source };
  if (slurpMsg.includes("not found")) result.msg = MISSING_MSG;
  else if (slurpMsg.startsWith("source is a directory")) result.msg = DIR_MSG;
  return result;
}

/** dest/<host>/<src>, or with flat dest itself (dest/ + basename of src), normalised as os.path.normpath. */
function destination(source: string, dest: string, flat: boolean, remote: FetchRemote): string {
  if (flat) {
    if (dest.endsWith("/") === false && isDirSync(resolve(remote.cwd, dest))) {
      throw new ActionFail("dest is an existing directory, use a trailing slash if you want to fetch src into that directory");
    }
    if (dest.endsWith("/")) dest = dest + source.slice(source.lastIndexOf("/") + 1);
    if (!dest.startsWith("/")) dest = pathDwim(dest, remote);
  } else {
    dest = `${pathDwim(dest, remote)}/${remote.hostName}/${source}`;
  }
  return pyNormpath(dest);
}

function isDirSync(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** DataLoader.path_dwim: unquote, then relative to the cwd, `$VAR` and `~` expanded, normalised. */
function pathDwim(given: string, remote: FetchRemote): string {
  if (given.length > 1 && given[0] === given[given.length - 1] && (given[0] === '"' || given[0] === "'") && given[given.length - 2] !== "\\") {
    given = given.slice(1, -1);
  }
  const p = given.startsWith("/") || given.startsWith("~") ? given : `${remote.cwd}/${given}`;
  const expanded = expandPath(p, remote.env);
  return pyNormpath(expanded.startsWith("/") ? expanded : `${remote.cwd}/${expanded}`);
}

/** posixpath.normpath: keeps exactly two leading slashes, drops `.`, folds `..`, no trailing slash. */
export function pyNormpath(p: string): string {
  if (p === "") return ".";
  const lead = p.startsWith("//") && !p.startsWith("///") ? 2 : p.startsWith("/") ? 1 : 0;
  const out: string[] = [];
  for (const part of p.split("/")) {
    if (part === "" || part === ".") continue;
    if (part !== ".." || (lead === 0 && out.length === 0) || out[out.length - 1] === "..") out.push(part);
    else if (out.length > 0) out.pop();
  }
  const s = "/".repeat(lead) + out.join("/");
  return s || ".";
}

function parentOf(p: string): string {
  const i = p.lastIndexOf("/");
  return i <= 0 ? "/" : p.slice(0, i);
}

/** makedirs_safe: undefined when the directory exists or was made, else ansible's message naming the failure. */
async function makeDirs(dir: string): Promise<string | undefined> {
  if (await stat(dir).catch(() => undefined)) return undefined;
  try {
    await mkdir(dir, { recursive: true });
    return undefined;
  } catch (e) {
    if (!isErrnoError(e)) throw e;
    // os.makedirs fails on the first missing directory, below the deepest one that exists.
    let failed = dir;
    while (parentOf(failed) !== failed && !(await stat(parentOf(failed)).catch(() => undefined))) failed = parentOf(failed);
    return `Unable to create local directories(${dir}): ${pyOSErrorText(e, failed, true)}`;
  }
}
