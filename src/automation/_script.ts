// A user's script as a front door loads it: the path resolved against the caller's cwd, the virtual module
// `ftl2` registered so `import { automation } from "ftl2"` works with nothing installed, the entry picked
// (`run`, else the default export), and every failure (missing file, syntax error, runtime error) turned into
// one SCRIPT_ERROR that names the script's own file and line rather than a frame inside ftl2.
import { existsSync, statSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { FtlError } from "../errors.ts";

export type ScriptEntry = (...args: never[]) => unknown;

export interface LoadedScript {
  /** The absolute path the script was loaded from. */
  path: string;
  entry: ScriptEntry;
  /** Which export was picked. */
  exportName: "run" | "default";
}

export type AutomationFn = (options?: Record<string, unknown>) => Promise<unknown>;

/** Names of automation/'s public face that are for front doors, not for scripts. */
/** automation/index.ts's exports that serve the front doors (ftl2 run, worker script jobs), not scripts. */
export const FRONT_DOOR_EXPORTS: ReadonlySet<string> = new Set([
  "loadScript", "callScript", "scriptError", "registerScriptModule", "setScriptAutomation", "Masker", "FRONT_DOOR_EXPORTS",
]);

let registered = false;
let current: AutomationFn | undefined;

/**
 * Which automation() a script's `import { automation } from "ftl2"` calls: the front door's, with its
 * defaults (the command line's inventory and -e, the worker job's event stream). Undefined = the plain one.
 */
export function setScriptAutomation(fn: AutomationFn | undefined): void {
  current = fn;
}

/**
 * Registers the virtual module `ftl2` (automation/'s runtime API) for every script this process loads.
 * Bun's runtime plugins live for the process, so this happens once.
 */
export async function registerScriptModule(api: Readonly<Record<string, unknown>>): Promise<void> {
  if (registered) return;
  const exports: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(api)) if (!FRONT_DOOR_EXPORTS.has(k)) exports[k] = v;
  const plain = api.automation as AutomationFn | undefined;
  exports.automation = (options?: Record<string, unknown>) => {
    const fn = current ?? plain;
    if (!fn) throw new FtlError("INTERNAL", "automation() is not available in this build");
    return fn(options);
  };
  const { plugin } = await import("bun");
  plugin({
    name: "ftl2-script-api",
    setup(build) {
      build.module("ftl2", () => ({ exports, loader: "object" }));
    },
  });
  registered = true;
}

// ftl2's own frames: the compiled binary's embedded files, and src/ when run from source.
const OWN_ROOT = resolve(dirname(new URL(import.meta.url).pathname), "..");

interface Frame {
  file: string;
  line: number;
  column: number;
}

function stackFrames(stack: string): Frame[] {
  const out: Frame[] = [];
  for (const m of stack.matchAll(/^\s*at (?:.*? \()?(.+?):(\d+):(\d+)\)?$/gm)) {
    out.push({ file: m[1] as string, line: Number(m[2]), column: Number(m[3]) });
  }
  return out;
}

function isOwnFrame(file: string): boolean {
  return file.startsWith("/$bunfs/") || file.startsWith("node:") || file.startsWith("bun:") || file === "native" || file.startsWith(OWN_ROOT + "/");
}

/** The frame that belongs to the user: the script itself, else the first frame outside ftl2 (a file it imports). */
function userFrame(stack: string, scriptPath: string): Frame | undefined {
  const frames = stackFrames(stack);
  return frames.find((f) => f.file === scriptPath) ?? frames.find((f) => !isOwnFrame(f.file));
}

interface BuildPosition {
  file?: string;
  line?: number;
  column?: number;
}

/** Bun rejects import() of a file that does not parse with a BuildMessage (not an Error) carrying `position`. */
function buildMessagePosition(e: unknown): BuildPosition | undefined {
  if (e === null || typeof e !== "object") return undefined;
  const name = (e as { name?: unknown }).name;
  if (name !== "BuildMessage" && name !== "ResolveMessage") return undefined;
  const pos = (e as { position?: BuildPosition | null }).position;
  return pos ?? {};
}

function describeThrown(e: unknown): string {
  if (buildMessagePosition(e)) return String((e as { message?: unknown }).message);
  if (e instanceof Error) return e.name && e.name !== "Error" && !(e instanceof FtlError) ? `${e.name}: ${e.message}` : e.message;
  if (e !== null && typeof e === "object" && typeof (e as { message?: unknown }).message === "string") {
    const { name, message } = e as { name?: string; message: string };
    return name ? `${name}: ${message}` : message;
  }
  return `the script threw ${typeof e === "string" ? JSON.stringify(e) : String(e)}`;
}

/**
 * Any failure of a script, as one SCRIPT_ERROR at the script's own file:line:column. An FtlError that already
 * names a file (an inventory the script passed, say) keeps its own location.
 */
export function scriptError(e: unknown, scriptPath: string): FtlError {
  if (e instanceof FtlError && (e.code === "SCRIPT_ERROR" || e.file !== undefined)) return e;
  const pos = buildMessagePosition(e);
  if (pos) {
    const referrer = (e as { referrer?: unknown }).referrer;
    const file = pos.file || (typeof referrer === "string" && referrer ? referrer : scriptPath);
    return new FtlError("SCRIPT_ERROR", describeThrown(e), { file, line: pos.line, column: pos.column, cause: e });
  }
  const stack = e instanceof Error ? (e.stack ?? "") : "";
  const frame = userFrame(stack, scriptPath);
  return new FtlError("SCRIPT_ERROR", describeThrown(e), {
    file: frame?.file ?? scriptPath, line: frame?.line, column: frame?.column, cause: e,
  });
}

/** Loads a script and picks its entry: the `run` export, else the default export. */
export async function loadScript(path: string, opts: { cwd: string }): Promise<LoadedScript> {
  const abs = isAbsolute(path) ? path : resolve(opts.cwd, path);
  if (!existsSync(abs)) {
    throw new FtlError("SCRIPT_ERROR", `the script ${path} does not exist${abs === path ? "" : ` (looked for ${abs})`}`);
  }
  if (!statSync(abs).isFile()) throw new FtlError("SCRIPT_ERROR", `the script ${path} is not a file`, { file: abs });
  // The binary starts with the JIT held back for run-few-times code (scripts/build.ts); a script's own code
  // may be hot, so it runs under JavaScriptCore's normal policy.
  Bun.unsafe.setJITPolicy(1);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(abs)) as Record<string, unknown>;
  } catch (e) {
    throw scriptError(e, abs);
  }
  if (typeof mod.run === "function") return { path: abs, entry: mod.run as ScriptEntry, exportName: "run" };
  if (typeof mod.default === "function") return { path: abs, entry: mod.default as ScriptEntry, exportName: "default" };
  const found = Object.keys(mod).filter((k) => k !== "__esModule");
  const what = found.length === 0 ? "it exports nothing" : `it exports ${found.map((k) => `${k} (${typeof mod[k]})`).join(", ")}`;
  throw new FtlError("SCRIPT_ERROR", `the script exports no run function and no default function: ${what}`, {
    file: abs, hint: "add `export async function run(ftl) { ... }` or `export default async function (ftl) { ... }`",
  });
}

/** Calls the script's entry; a throw (or a rejected promise) becomes a SCRIPT_ERROR at the script's line. */
export async function callScript(script: LoadedScript, args: readonly unknown[]): Promise<unknown> {
  try {
    return await (script.entry as (...a: readonly unknown[]) => unknown)(...args);
  } catch (e) {
    throw scriptError(e, script.path);
  }
}
