// Fetched bytes land on the controller: streamed into a temp file beside dest and hashed on the way, then
// renamed over dest, so a failed or cut transfer never leaves half a file and memory holds one chunk at a
// time. An existing dest keeps its mode and owner (ansible opens it with O_TRUNC); a new one gets the
// connection's mode under the umask.
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, type Stats } from "node:fs";
import { lstat, open, realpath, rename, stat, unlink } from "node:fs/promises";
import { constants } from "node:os";

/** The remote file could not be opened or read; `code` is the errno name, `message` Python's str(OSError). */
export class FetchReadError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

const STRERROR: Record<string, string> = {
  ENOENT: "No such file or directory", EACCES: "Permission denied", EISDIR: "Is a directory", ENOTDIR: "Not a directory",
  EEXIST: "File exists", ENOSPC: "No space left on device", EROFS: "Read-only file system", ELOOP: "Too many levels of symbolic links",
  ENAMETOOLONG: "File name too long", EPERM: "Operation not permitted", EIO: "Input/output error", EXDEV: "Invalid cross-device link",
};

const ERRNO = constants.errno as Record<string, number>;

/** Python's repr of a str path. */
function pyRepr(s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  return q + s.replaceAll("\\", "\\\\").replaceAll(q, `\\${q}`) + q;
}

/** Python's repr of a bytes path (what ansible passes to the OS for local files). */
function pyBytesRepr(s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = "";
  for (const b of Buffer.from(s, "utf8")) {
    const c = String.fromCharCode(b);
    out += c === "\\" || c === q ? `\\${c}` : b >= 0x20 && b < 0x7f ? c : b === 9 ? "\\t" : b === 10 ? "\\n" : b === 13 ? "\\r" : `\\x${b.toString(16).padStart(2, "0")}`;
  }
  return `b${q}${out}${q}`;
}

/** str(OSError): "[Errno 21] Is a directory: '/path'" (b'/path' when Python was given bytes). */
export function pyOSErrorText(e: NodeJS.ErrnoException, path?: string, bytes = false): string {
  const code = e.code ?? "EIO";
  const p = path ?? e.path;
  const text = `[Errno ${ERRNO[code] ?? Math.abs(e.errno ?? 5)}] ${STRERROR[code] ?? e.message}`;
  return p === undefined ? text : `${text}: ${bytes ? pyBytesRepr(p) : pyRepr(p)}`;
}

/** A node fs error (not a gate or programming error). */
export function isErrnoError(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === "string" && typeof (e as NodeJS.ErrnoException).syscall === "string";
}

export interface FileSums {
  sha1: string;
  md5: string;
}

async function sumFile(path: string): Promise<FileSums> {
  const sha1 = createHash("sha1");
  const md5 = createHash("md5");
  for await (const c of createReadStream(path, { highWaterMark: 1 << 20 })) {
    sha1.update(c as Buffer);
    md5.update(c as Buffer);
  }
  return { sha1: sha1.digest("hex"), md5: md5.digest("hex") };
}

/** utils.hashing.checksum (and md5): undefined when dest is missing or a directory. */
export async function localChecksums(dest: string): Promise<FileSums | undefined> {
  const st = await stat(dest).catch(() => undefined);
  if (!st || st.isDirectory()) return undefined;
  return sumFile(dest).catch(() => undefined);
}

export interface LocalWrite {
  sha1: string;
  md5: string;
  /** Renames the temp file over dest. */
  commit(): Promise<void>;
  /** Removes the temp file. */
  discard(): Promise<void>;
}

function dirOf(p: string): string {
  const i = p.lastIndexOf("/");
  return i <= 0 ? "/" : p.slice(0, i);
}

/** Streams `chunks` into a temp file beside dest (through a symlink to its target, as open() writes). */
export async function startLocalWrite(dest: string, chunks: AsyncIterable<Uint8Array>, newMode: number, signal: AbortSignal): Promise<LocalWrite> {
  let target = dest;
  let existing: Stats | undefined = await lstat(dest).catch(() => undefined);
  if (existing?.isSymbolicLink()) {
    const st = await stat(dest).catch(() => undefined);
    if (st?.isFile()) target = await realpath(dest);
    existing = st;
  }
  const tmp = `${dirOf(target)}/.${target.slice(target.lastIndexOf("/") + 1)}.ftl2-${randomBytes(6).toString("hex")}`;
  const keep = existing?.isFile() ? existing : undefined;
  const fh = await open(tmp, "wx", keep ? 0o600 : newMode);
  const sha1 = createHash("sha1");
  const md5 = createHash("md5");
  try {
    if (keep) {
      await fh.chmod(keep.mode & 0o7777);
      if (keep.uid !== process.getuid?.() || keep.gid !== process.getgid?.()) await fh.chown(keep.uid, keep.gid).catch(() => undefined);
    }
    for await (const chunk of chunks) {
      if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error("aborted");
      sha1.update(chunk);
      md5.update(chunk);
      for (let off = 0; off < chunk.length; ) off += (await fh.write(chunk, off, chunk.length - off)).bytesWritten;
    }
    await fh.close();
  } catch (e) {
    await fh.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  return {
    sha1: sha1.digest("hex"),
    md5: md5.digest("hex"),
    commit: () => rename(tmp, target),
    discard: () => unlink(tmp).catch(() => undefined),
  };
}
