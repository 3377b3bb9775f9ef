// ansible.builtin.stat: every key of modules/stat.py for files, directories, links and missing paths,
// checksums, MIME type through `file` and attributes through `lsattr`, both found and run as the module does.
import { createHash } from "node:crypto";
import { constants, createReadStream, lstatSync, readlinkSync, statSync, type BigIntStats } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { lookupName } from "./_path-info.ts";
import { decodeSurrogateEscape, expandPath, findBinPath, runProcess } from "./_process.ts";
import type { ModuleContext, ModuleParams, ModuleResult, NativeModule } from "./_types.ts";
import { canAccess } from "../fs-access.ts";

const ATTRIBUTE_NAMES: Record<string, string> = {
  A: "noatime", a: "append", c: "compressed", C: "nocow", d: "nodump", D: "dirsync", e: "extents", E: "encrypted",
  h: "blocksize", i: "immutable", I: "indexed", j: "journalled", N: "inline", s: "zero", S: "synchronous", t: "notail",
  T: "blockroot", u: "undelete", X: "compressedraw", Z: "compresseddirty",
};

const S_IFMT = 0o170000;
const TYPE_BITS = { isdir: 0o040000, ischr: 0o020000, isblk: 0o060000, isreg: 0o100000, isfifo: 0o010000, islnk: 0o120000, issock: 0o140000 };

/** Python's float st_Xtime: seconds + nanoseconds * 1e-9 in doubles, the same arithmetic as posixmodule.c. */
function pyTime(ns: bigint): number {
  const sec = ns / 1_000_000_000n;
  const rem = ns % 1_000_000_000n;
  return Number(sec) + Number(rem) * 1e-9;
}

function formatOutput(path: string, st: BigIntStats): Record<string, unknown> {
  const mode = Number(st.mode);
  const out: Record<string, unknown> = { exists: true, path, mode: (mode & 0o7777).toString(8).padStart(4, "0") };
  for (const [key, bits] of Object.entries(TYPE_BITS)) out[key] = (mode & S_IFMT) === bits;
  Object.assign(out, {
    uid: Number(st.uid), gid: Number(st.gid), size: Number(st.size), inode: Number(st.ino), dev: Number(st.dev),
    nlink: Number(st.nlink), atime: pyTime(st.atimeNs), mtime: pyTime(st.mtimeNs), ctime: pyTime(st.ctimeNs),
  });
  const perms: [string, number][] = [
    ["wusr", 0o200], ["rusr", 0o400], ["xusr", 0o100], ["wgrp", 0o020], ["rgrp", 0o040], ["xgrp", 0o010],
    ["woth", 0o002], ["roth", 0o004], ["xoth", 0o001], ["isuid", 0o4000], ["isgid", 0o2000],
  ];
  for (const [key, bit] of perms) out[key] = (mode & bit) !== 0;
  Object.assign(out, { blocks: Number(st.blocks), block_size: Number(st.blksize), device_type: Number(st.rdev) });
  return out;
}

/** os.path.realpath (non-strict): resolves what exists, keeps the rest, stops at a loop. */
export function pyRealpath(filename: string, cwd: string): string {
  const seen = new Map<string, string | null>();
  const walk = (start: string, rest: string): [string, boolean] => {
    let path = start;
    if (rest.startsWith("/")) [path, rest] = ["/", rest.slice(1)];
    while (rest) {
      const i = rest.indexOf("/");
      const name = i < 0 ? rest : rest.slice(0, i);
      rest = i < 0 ? "" : rest.slice(i + 1);
      if (!name || name === ".") continue;
      if (name === "..") {
        path = dirname(path);
        continue;
      }
      const next = join(path, name);
      let isLink = false;
      try {
        isLink = lstatSync(next).isSymbolicLink();
      } catch {
        // Missing parts stay as written.
      }
      if (!isLink) {
        path = next;
        continue;
      }
      if (seen.has(next)) {
        const known = seen.get(next);
        if (known != null) {
          path = known;
          continue;
        }
        return [join(next, rest), false];
      }
      seen.set(next, null);
      const [resolved, ok] = walk(path, readlinkSync(next, "utf8"));
      if (!ok) return [join(resolved, rest), false];
      path = resolved;
      seen.set(next, path);
    }
    return [path, true];
  };
  return walk(cwd, filename)[0];
}


async function digest(file: string, algorithm: string): Promise<string> {
  const hash = createHash(algorithm);
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

async function runTool(argv: string[], ctx: ModuleContext): Promise<string | undefined> {
  const args = argv.map((a) => expandPath(a, ctx.env)); // run_command expands $VAR and ~ in argv words
  const r = await runProcess(args, { cwd: ctx.cwd, env: ctx.env, signal: ctx.signal });
  return r.ok && r.rc === 0 ? decodeSurrogateEscape(r.stdout) : undefined;
}

async function runStat(params: ModuleParams, ctx: ModuleContext): Promise<ModuleResult> {
  const path = expandPath(params.path as string, ctx.env);
  const abs = resolve(ctx.cwd, path);
  let st: BigIntStats;
  try {
    st = params.follow ? statSync(abs, { bigint: true }) : lstatSync(abs, { bigint: true });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === "ENOENT") return { changed: false, stat: { exists: false } };
    return { changed: false, failed: true, msg: strerror(err) };
  }
  const out = formatOutput(path, st);
  out.readable = canAccess(abs, constants.R_OK);
  out.writeable = canAccess(abs, constants.W_OK);
  out.executable = canAccess(abs, constants.X_OK);
  if (out.islnk) {
    out.lnk_source = pyRealpath(path, ctx.cwd);
    out.lnk_target = readlinkSync(abs, "utf8");
  }
  const pw = lookupName("/etc/passwd", Number(st.uid));
  if (pw !== undefined) out.pw_name = pw;
  const gr = lookupName("/etc/group", Number(st.gid));
  if (gr !== undefined) out.gr_name = gr;

  if (out.isreg && out.readable) {
    const real = pyRealpath(path, ctx.cwd);
    if (params.get_md5) out.md5 = await digest(real, "md5");
    if (params.get_checksum) out.checksum = await digest(real, params.checksum_algorithm as string);
  }
  if (params.get_mime) {
    out.mimetype = out.charset = "unknown";
    const file = findBinPath("file", ctx.env);
    const text = file && (await runTool([file, "--mime-type", "--mime-encoding", path], ctx));
    // The module splits "PATH: TYPE; charset=CS" and keeps "unknown" when that shape is not there.
    const parts = text === undefined || text === "" ? [] : (text.slice(text.lastIndexOf(":") + 1).split(";") as string[]);
    const cs = parts[1]?.split("=")[1];
    if (parts.length === 2 && text!.includes(":") && cs !== undefined) {
      out.mimetype = (parts[0] as string).trim();
      out.charset = cs.trim();
    }
  }
  if (params.get_attributes) {
    Object.assign(out, { version: null, attributes: [], attr_flags: "" });
    const lsattr = findBinPath("lsattr", ctx.env);
    const text = lsattr && (await runTool([lsattr, "-vd", path], ctx));
    const words = text ? text.trim().split(/\s+/) : [];
    if (words.length >= 2) {
      const flags = (words[1] as string).replaceAll("-", "");
      Object.assign(out, {
        version: words[0],
        attr_flags: flags,
        attributes: [...flags].filter((c) => c in ATTRIBUTE_NAMES).map((c) => ATTRIBUTE_NAMES[c]),
      });
    }
  }
  return { changed: false, stat: out };
}

const STRERROR: Record<string, string> = {
  EACCES: "Permission denied", ENOTDIR: "Not a directory", ELOOP: "Too many levels of symbolic links",
  ENAMETOOLONG: "File name too long",
};

function strerror(e: NodeJS.ErrnoException): string {
  return STRERROR[e.code ?? ""] ?? e.message;
}

export const statModule: NativeModule = {
  name: "stat",
  spec: {
    args: {
      path: { type: "path", required: true, aliases: ["dest", "name"] },
      follow: { type: "bool", default: false },
      get_md5: { type: "bool", default: false },
      get_checksum: { type: "bool", default: true },
      get_mime: { type: "bool", default: true, aliases: ["mime", "mime_type", "mime-type"] },
      get_attributes: { type: "bool", default: true, aliases: ["attr", "attributes"] },
      checksum_algorithm: {
        type: "str",
        default: "sha1",
        choices: ["md5", "sha1", "sha224", "sha256", "sha384", "sha512"],
        aliases: ["checksum", "checksum_algo"],
      },
    },
    supportsCheckMode: true,
  },
  run: runStat,
};
