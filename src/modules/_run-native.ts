// Runs one native module as Ansible's AnsibleModule would: validate and convert the arguments, refuse
// check mode where the module does not support it, run, and attach `invocation.module_args`.
import { errorMessage } from "../errors.ts";
import { maskNoLog, validateArgs } from "./_argspec.ts";
import type { ModuleContext, ModuleParams, ModuleResult, NativeModule } from "./_types.ts";

export async function runNativeModule(mod: NativeModule, raw: ModuleParams, ctx: ModuleContext): Promise<ModuleResult> {
  const v = validateArgs(mod.name, mod.spec, raw);
  const invocation = { module_args: v.invocation };
  if (!v.ok) return { failed: true, msg: v.msg, invocation };
  if (ctx.checkMode && !mod.spec.supportsCheckMode) {
    return { changed: false, skipped: true, msg: `remote module (${mod.name}) does not support check mode`, invocation };
  }
  try {
    const { stdout_lines, stderr_lines, ...result } = await mod.run(v.params, ctx);
    // AnsibleModule reports its params as they are when it exits: a module may settle a value (file's
    // state, the path inside a directory) and the real module shows the settled one.
    // Ansible's action plugin adds the *_lines keys after the module returned (so after invocation).
    const out: ModuleResult = { ...result, invocation: { module_args: maskNoLog(mod.spec, v.params) } };
    if (stdout_lines !== undefined) out.stdout_lines = stdout_lines;
    if (stderr_lines !== undefined) out.stderr_lines = stderr_lines;
    return out;
  } catch (e) {
    // A native module that throws is a bug in ftl2, reported like Ansible's MODULE FAILURE rather than a crash.
    return {
      failed: true,
      msg: `MODULE FAILURE: native module ${mod.name} raised: ${errorMessage(e)}`,
      exception: e instanceof Error ? (e.stack ?? e.message) : String(e),
      invocation,
    };
  }
}

/** A ModuleContext for tests and simple callers: the process's cwd and env, no check or diff mode. */
export function defaultModuleContext(over: Partial<ModuleContext> = {}): ModuleContext {
  return {
    checkMode: false,
    diffMode: false,
    signal: new AbortController().signal,
    cwd: process.cwd(),
    env: process.env,
    hostVars: {},
    tmpdir: process.env.TMPDIR ?? "/tmp",
    ...over,
  };
}
