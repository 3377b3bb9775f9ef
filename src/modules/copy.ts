// ansible.builtin.copy in TypeScript for local hosts: the action plugin (content, controller src lookup,
// recursive directory walk, diff, check mode) and the module (_copy-file.ts) in one pass, with the result
// the ansible controller reports. Only the `src` key differs: ours names the real source, not a temp copy.
import { existsSync, lstatSync, readFileSync, realpathSync, statSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { pySplitLines } from "./_ansible-local.ts";
import { type AttrContext, FILE_COMMON_ARGS, ModuleFail, addPathInfo, failResult } from "./_file-attrs.ts";
import { backupLocal, copyModuleFile, hashFile } from "./_copy-file.ts";
import { type SourceFiles, walkSource } from "./_copy-walk.ts";
import { runNativeModule } from "./_run-native.ts";
import type { ModuleContext, ModuleParams, ModuleResult, ModuleSpec, NativeModule } from "./_types.ts";
import { expandPath, fileModule } from "./file.ts";

const spec: ModuleSpec = {
  args: {
    src: { type: "path" },
    _original_basename: { type: "str" },
    content: { type: "raw", noLog: true },
    // The action plugin reports a missing dest itself ("dest is required"), before the module's argspec.
    dest: { type: "path" },
    backup: { type: "bool", default: false },
    force: { type: "bool", default: true },
    validate: { type: "str" },
    directory_mode: { type: "raw" },
    remote_src: { type: "bool" },
    local_follow: { type: "bool" },
    checksum: { type: "str" },
    follow: { type: "bool", default: false },
    decrypt: { type: "bool", default: true },
    ...FILE_COMMON_ARGS,
  },
  supportsCheckMode: true,
};

const FILE_ARGS = new Set([...Object.keys(FILE_COMMON_ARGS), "state", "path", "_original_basename", "recurse", "force", "_diff_peek", "src"]);
const MAX_DIFF = 104448;

/** Python's json.dumps with its default separators, for dict/list `content`. */
function pyJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(pyJson).join(", ")}]`;
  if (v && typeof v === "object") return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}: ${pyJson(x)}`).join(", ")}}`;
  if (v === null) return "null";
  return JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

interface Run {
  p: ModuleParams;
  ctx: ModuleContext;
  attrs: AttrContext;
}

async function runFile(run: Run, args: ModuleParams): Promise<ModuleResult> {
  const r = await runNativeModule(fileModule, args, run.ctx);
  delete r.invocation;
  return r;
}

/** _get_diff_data: before from the destination, after from the source, as the copy action builds them. */
async function diffData(dest: string, source: string): Promise<Record<string, unknown>> {
  const diff: Record<string, unknown> = {};
  const st = statSync(dest, { throwIfNoEntry: false });
  if (!st) diff.before = "";
  else if (st.isFile()) {
    const head = readFileSync(dest).subarray(0, 8192);
    if (head.includes(0)) diff.dst_binary = 1;
    else if (st.size > MAX_DIFF) diff.dst_larger = MAX_DIFF;
    else {
      diff.before_header = dest;
      diff.before = await readFile(dest, "utf8");
    }
  }
  if (statSync(source).size > MAX_DIFF) diff.src_larger = MAX_DIFF;
  else {
    const data = await readFile(source);
    if (data.includes(0)) diff.src_binary = 1;
    else {
      diff.after_header = source;
      diff.after = data.toString("utf8");
    }
  }
  return diff;
}

/** ActionModule._copy_file: one source file to `dest`; undefined when an existing dest is kept (force=no). */
async function copyOne(run: Run, sourceFull: string, rel: string, content: boolean, dest: string, follow: boolean): Promise<ModuleResult | undefined> {
  const { p } = run;
  const lmode = p.mode === "preserve" ? `0${(statSync(sourceFull).mode & 0o7777).toString(8).padStart(3, "0")}` : undefined;
  let destFile = dest.endsWith("/") ? join(dest, rel) : dest;
  const look = (f: string): ReturnType<typeof statSync> => (follow ? statSync : lstatSync)(f, { throwIfNoEntry: false });
  let st = look(destFile);
  if (st?.isDirectory()) {
    if (content) return { diff: [], failed: true, changed: false, msg: "can not use content with a dir as dest" };
    destFile = join(dest, rel);
    st = look(destFile);
  }
  if (st && !p.force) return undefined;
  const local = await hashFile(sourceFull);
  const remote = st?.isFile() ? await hashFile(destFile) : undefined;
  const result: ModuleResult = { diff: [] };
  let ret: ModuleResult;
  if (local !== remote) {
    if (run.ctx.diffMode) (result.diff as unknown[]).push(await diffData(destFile, sourceFull));
    if (run.ctx.checkMode) return { ...result, changed: true };
    const args: ModuleParams = { ...p, src: sourceFull, dest, _original_basename: rel, follow };
    delete args.content;
    if (!p.checksum) args.checksum = local;
    if (lmode) args.mode = lmode;
    try {
      ret = await addPathInfo(await copyModuleFile(args, run.attrs));
    } catch (e) {
      if (!(e instanceof ModuleFail)) throw e;
      ret = await failResult(e);
    }
  } else {
    if (follow && lstatSync(destFile, { throwIfNoEntry: false })?.isSymbolicLink()) dest = realpathSync(destFile);
    const args: ModuleParams = Object.fromEntries(Object.entries(p).filter(([k, v]) => FILE_ARGS.has(k) && v !== null));
    Object.assign(args, { dest, _original_basename: rel, recurse: false, state: "file" });
    delete args.src;
    if (lmode) args.mode = lmode;
    ret = await runFile(run, args);
  }
  if (!ret.checksum) ret.checksum = local;
  return { ...result, ...ret };
}

function actionError(p: ModuleParams): string | undefined {
  const content = p.content;
  if (!p.src && (content === null || content === undefined)) return "src (or content) is required";
  if (!p.dest) return "dest is required";
  if (p.src && content !== null && content !== undefined) return "src and content are mutually exclusive";
  if (content !== null && content !== undefined && String(p.dest).endsWith("/")) return "can not use content with a dir as dest";
  return undefined;
}

/** _find_needle('files', src) for an ad-hoc run: <cwd>/files/src, then <cwd>/src. */
function findSource(src: string, cwd: string): string {
  const expanded = expandPath(src, process.env);
  const candidates = expanded.startsWith("/") ? [expanded] : [join(cwd, "files", expanded), join(cwd, expanded)];
  const found = candidates.find((c) => existsSync(c));
  // Ansible's message also lists the same two candidates relative to the task's own directory.
  if (!expanded.startsWith("/")) candidates.push(`./files/${expanded}`, `./${expanded}`);
  if (found) return found;
  throw new ModuleFail(
    `Could not find or access '${src}'\nSearched in:\n${candidates.map((c) => `\t${c}`).join("\n")} on the Ansible Controller.\n` +
      "If you are using a module and expect the file to exist on the remote, see the remote_src option",
  );
}

/** The controller adds stdout_lines/stderr_lines to any result with stdout/stderr (validate failures). */
function withLines(r: ModuleResult): ModuleResult {
  if ("stdout" in r && !("stdout_lines" in r)) r.stdout_lines = pySplitLines(String(r.stdout ?? ""));
  if ("stderr" in r && !("stderr_lines" in r)) r.stderr_lines = pySplitLines(String(r.stderr ?? ""));
  return r;
}

async function runCopy(p: ModuleParams, ctx: ModuleContext): Promise<ModuleResult> {
  return withLines(await copyAction(p, ctx));
}

async function copyAction(p: ModuleParams, ctx: ModuleContext): Promise<ModuleResult> {
  const attrs: AttrContext = { checkMode: ctx.checkMode, warnings: [] };
  const run: Run = { p, ctx, attrs };
  const err = actionError(p);
  if (err) return { failed: true, msg: err, changed: false };
  let dest = expandPath(p.dest as string, ctx.env);
  if (!dest.startsWith("/")) dest = resolve(ctx.cwd, dest) + (dest.endsWith("/") ? "/" : "");
  let tmpDir: string | undefined;
  try {
    let source: string;
    const content = p.content !== null && p.content !== undefined;
    if (content) {
      tmpDir = await mkdtemp(join(ctx.tmpdir, "ftl-copy-"));
      source = join(tmpDir, "content");
      const c = p.content;
      await writeFile(source, typeof c === "object" ? pyJson(c) : typeof c === "boolean" ? (c ? "True" : "False") : String(c));
    } else if (p.remote_src) {
      const args = { ...p, dest, src: resolve(ctx.cwd, expandPath(p.src as string, ctx.env)) };
      return await addPathInfo(await copyModuleFile(args, attrs));
    } else {
      const src = p.src as string;
      source = findSource(src, ctx.cwd);
      if (src.endsWith("/") !== source.endsWith("/")) source = src.endsWith("/") ? `${source}/` : source.replace(/\/$/, "");
    }
    let files: SourceFiles = { files: [[source, basename(source)]], directories: [], symlinks: [] };
    if (statSync(source).isDirectory()) {
      files = walkSource(source, p.local_follow !== false);
      if (!dest.endsWith("/")) dest = `${dest}/`;
    }
    let changed = false;
    let last: ModuleResult = { changed: false };
    let executed = false;
    for (const [full, rel] of files.files) {
      const follow = files.directories.length ? false : Boolean(p.follow);
      const r = await copyOne(run, full, rel, content, dest, follow);
      if (!r) continue;
      if (r.failed) return r;
      last = r;
      executed = true;
      changed ||= Boolean(r.changed);
    }
    const fileArgs = Object.fromEntries(Object.entries(p).filter(([k, v]) => FILE_ARGS.has(k) && v !== null));
    for (const [, rel] of files.directories) {
      const r = await runFile(run, { ...fileArgs, src: undefined, path: join(dest, rel), state: "directory", mode: p.directory_mode ?? null, recurse: false });
      if (r.failed) return r;
      last = r;
      executed = true;
      changed ||= Boolean(r.changed);
    }
    for (const [target, rel] of files.symlinks) {
      const args: ModuleParams = { ...fileArgs, path: join(dest, rel), src: target, state: "link", force: true };
      if (files.directories.length) args.follow = false;
      if (args.mode === "preserve") delete args.mode;
      const r = await runFile(run, args);
      if (r.failed) return r;
      last = r;
      executed = true;
      changed ||= Boolean(r.changed);
    }
    let result: ModuleResult;
    if (executed && files.files.length === 1) {
      result = { ...last };
      if ("path" in result && !("dest" in result)) result.dest = result.path;
    } else result = { dest, src: source, changed };
    if (attrs.warnings.length) result.warnings = attrs.warnings;
    return result;
  } catch (e) {
    if (!(e instanceof ModuleFail)) throw e;
    return failResult(e);
  } finally {
    if (tmpDir) await rm(tmpDir, { recursive: true, force: true });
  }
}

export const copyModule: NativeModule = { name: "copy", spec, run: runCopy };
export { backupLocal };
