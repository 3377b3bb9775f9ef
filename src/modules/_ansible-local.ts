// The Ansible fallback for local hosts: runs the real module as a child Python process with the arguments
// Ansible's action plugin sends, and turns its output into the result the ansible controller would report
// (junk around the JSON tolerated, a crash becomes MODULE FAILURE, internal keys removed, *_lines added).
import { spawn } from "node:child_process";
import { constants } from "node:os";
import { CanceledError, FtlError } from "../errors.ts";
import type { ResolvedModule } from "./_resolve.ts";
import type { ModuleContext, ModuleParams, ModuleResult } from "./_types.ts";

// Runs the module as __main__ without the script's directory or the cwd on sys.path: a library directory
// holding e.g. `tempfile.py` would otherwise shadow the stdlib module of that name inside AnsibleModule.
const WRAPPER = `import sys, runpy
del sys.path[0]
kind, target, root = sys.argv[1:4]
sys.argv = [target]
if root:
    sys.path.insert(0, root)
if kind == "path":
    runpy.run_path(target, run_name="__main__")
else:
    runpy.run_module(target, run_name="__main__", alter_sys=True)
`;

/** Python's str.splitlines(): every line boundary Python knows, no trailing empty line. */
export function pySplitLines(text: string): string[] {
  const lines = text.split(/\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/);
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

/**
 * Ansible's _filter_non_json_lines with objects_only: drops lines before the first line starting with `{`
 * and after the last line ending with `}`; returns the JSON text and a warning for trailing junk.
 */
export function filterNonJsonLines(data: string): { json: string; warnings: string[] } {
  const lines = pySplitLines(data);
  const start = lines.findIndex((l) => l.trim().startsWith("{"));
  if (start < 0) throw new SyntaxError("No start of json char found");
  const rest = lines.slice(start);
  let fromEnd = 0;
  while (fromEnd < rest.length && !rest[rest.length - 1 - fromEnd]!.trim().endsWith("}")) fromEnd++;
  if (fromEnd === rest.length) throw new SyntaxError("No end of json char found");
  const junk = rest.slice(rest.length - fromEnd);
  const warnings = junk.some((l) => l.trim() !== "") ? [`Module invocation had junk after the JSON data: ${junk.join("\n")}`] : [];
  return { json: rest.slice(0, rest.length - fromEnd).join("\n"), warnings };
}

/** The `_ansible_*` arguments Ansible's action plugin adds (ActionBase._update_module_args), with its defaults. */
function internalArgs(resolved: ResolvedModule, ctx: ModuleContext): ModuleParams {
  return {
    _ansible_check_mode: ctx.checkMode,
    _ansible_no_log: false,
    _ansible_debug: false,
    _ansible_diff: ctx.diffMode,
    _ansible_verbosity: 0,
    _ansible_module_name: resolved.name ?? resolved.fqcn,
    _ansible_syslog_facility: "LOG_USER",
    _ansible_selinux_special_fs: ["fuse", "nfs", "vboxsf", "ramfs", "9p", "vfat"],
    _ansible_string_conversion_action: "warn",
    _ansible_socket: null,
    _ansible_shell_executable: "/bin/sh",
    _ansible_keep_remote_files: false,
    _ansible_tmpdir: ctx.tmpdir,
    _ansible_remote_tmp: "~/.ansible/tmp",
  };
}

/** ActionBase._parse_returned_data: the module's JSON, or the MODULE FAILURE result Ansible builds instead. */
export function parseModuleOutput(stdout: string, stderr: string, rc: number): ModuleResult {
  try {
    const { json, warnings } = filterNonJsonLines(stdout);
    const data = JSON.parse(json) as unknown;
    if (data === null || typeof data !== "object" || Array.isArray(data)) throw new SyntaxError("not an object");
    const result = data as ModuleResult;
    if (warnings.length) result.warnings = [...(Array.isArray(result.warnings) ? result.warnings : []), ...warnings];
    return result;
  } catch {
    const result: ModuleResult = { failed: true, module_stdout: stdout, module_stderr: stderr };
    if (stderr.startsWith("Traceback")) result.exception = stderr;
    else if (stdout.startsWith("Traceback")) result.exception = stdout;
    result.msg = "MODULE FAILURE\nSee stdout/stderr for the exact error";
    result.rc = rc;
    return result;
  }
}

/** The controller's clean-up of a module result (remove_internal_keys, results rename, *_lines, changed). */
export function cleanModuleResult(data: ModuleResult): ModuleResult {
  if ("results" in data && !Array.isArray(data.results)) {
    data.ansible_module_results = data.results;
    delete data.results;
  }
  for (const key of Object.keys(data)) if (key.startsWith("_ansible_")) delete data[key];
  for (const key of ["warnings", "deprecations"]) {
    const v = data[key];
    if (key in data && (!v || (Array.isArray(v) && v.length === 0))) delete data[key];
  }
  const facts = data.ansible_facts;
  if (facts && typeof facts === "object") {
    for (const k of Object.keys(facts)) {
      if (k.startsWith("discovered_interpreter_") || k.startsWith("ansible_discovered_interpreter_")) {
        delete (facts as Record<string, unknown>)[k];
      }
    }
  }
  // TaskExecutor adds a missing `changed`, so a failed or crashed module still reports changed: false.
  if (!("changed" in data)) data.changed = false;
  if ("stdout" in data && !("stdout_lines" in data)) data.stdout_lines = pySplitLines(String(data.stdout || ""));
  if ("stderr" in data && !("stderr_lines" in data)) data.stderr_lines = pySplitLines(String(data.stderr || ""));
  return data;
}

function wrapperArgs(resolved: ResolvedModule): string[] {
  if (resolved.kind === "library" || !resolved.pythonModule) return ["path", resolved.path, ""];
  return ["module", resolved.pythonModule, resolved.collectionsRoot ?? ""];
}

/** Runs an Ansible module on this machine with `python`; the result is shaped as the ansible controller reports it. */
export function runAnsibleModuleLocally(
  resolved: ResolvedModule,
  params: ModuleParams,
  ctx: ModuleContext,
  python: string,
): Promise<ModuleResult> {
  if (ctx.signal.aborted) return Promise.reject(abortError(ctx.signal));
  const payload = JSON.stringify({ ANSIBLE_MODULE_ARGS: { ...params, ...internalArgs(resolved, ctx) } });
  return new Promise((resolve, reject) => {
    const child = spawn(python, ["-c", WRAPPER, ...wrapperArgs(resolved)], {
      cwd: ctx.cwd,
      env: ctx.env as NodeJS.ProcessEnv,
      stdio: ["pipe", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const onAbort = (): void => {
      child.kill("SIGKILL");
    };
    ctx.signal.addEventListener("abort", onAbort, { once: true });
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => err.push(d));
    // A module that exits without reading its stdin must not crash the controller with EPIPE.
    child.stdin.on("error", () => undefined);
    child.stdin.end(payload);
    child.on("error", (e) => {
      ctx.signal.removeEventListener("abort", onAbort);
      reject(new FtlError("INTERNAL", `cannot run ${python}: ${e.message}`, { hint: "set ansible_python_interpreter", cause: e }));
    });
    child.on("close", (code, sig) => {
      ctx.signal.removeEventListener("abort", onAbort);
      if (ctx.signal.aborted) return reject(abortError(ctx.signal));
      // Python's subprocess, which ansible's local connection uses, reports death by signal N as rc -N.
      const rc = code ?? -(sig ? constants.signals[sig] : 1);
      const stdout = Buffer.concat(out).toString("utf8");
      const stderr = Buffer.concat(err).toString("utf8");
      resolve(cleanModuleResult(parseModuleOutput(stdout, stderr, rc)));
    });
  });
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new CanceledError();
}
