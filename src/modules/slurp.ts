// ansible.builtin.slurp: a file's bytes as base64 `content`, with `source` and `encoding`; errors worded as
// modules/slurp.py words them.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { expandPath } from "./_process.ts";
import type { ModuleContext, ModuleParams, ModuleResult, NativeModule } from "./_types.ts";

async function runSlurp(params: ModuleParams, ctx: ModuleContext): Promise<ModuleResult> {
  const source = expandPath(params.src as string, ctx.env);
  let content: Buffer;
  try {
    content = await readFile(resolve(ctx.cwd, source), { signal: ctx.signal });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.name === "AbortError") throw e;
    const msg =
      err.code === "ENOENT" ? `file not found: ${source}`
      : err.code === "EACCES" ? `file is not readable: ${source}`
      : err.code === "EISDIR" ? `source is a directory and must be a file: ${source}`
      : `unable to slurp file: ${pyOSError(err, source)}`;
    return { changed: false, failed: true, msg };
  }
  return { changed: false, content: content.toString("base64"), source, encoding: "base64" };
}

const STRERROR: Record<string, string> = {
  ENOTDIR: "Not a directory", ELOOP: "Too many levels of symbolic links", ENAMETOOLONG: "File name too long",
  ENXIO: "No such device or address", EINVAL: "Invalid argument",
};

/** str(OSError) from open(): "[Errno N] text: 'path'". */
function pyOSError(e: NodeJS.ErrnoException, path: string): string {
  const errno = Math.abs(e.errno ?? 5);
  return `[Errno ${errno}] ${STRERROR[e.code ?? ""] ?? e.message}: '${path.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
}

export const slurpModule: NativeModule = {
  name: "slurp",
  spec: { args: { src: { type: "path", required: true, aliases: ["path"] } }, supportsCheckMode: true },
  run: runSlurp,
};
