// ansible.builtin.raw: no module at all, the raw action plugin runs the text through the connection's shell
// (`/bin/sh -c` for local), optionally wrapped as `EXECUTABLE -c 'TEXT'`. Output is kept as is (no stripping);
// check mode skips the task; rc != 0 -> failed "non-zero return code".
import { shlexQuote } from "../text/index.ts";
import { decodeSurrogateEscape, pySplitlines, runProcess } from "./_process.ts";
import type { ModuleContext, ModuleParams, ModuleResult, NativeModule } from "./_types.ts";

async function runRaw(params: ModuleParams, ctx: ModuleContext): Promise<ModuleResult> {
  if (ctx.checkMode) return { changed: false, skipped: true };
  const text = (params._raw_params as string | null) ?? "";
  const executable = params.executable as string | null;
  const cmd = executable ? `${executable} -c ${shlexQuote(text)}` : text;
  const res = await runProcess(["/bin/sh", "-c", cmd], { cwd: ctx.cwd, env: ctx.env, signal: ctx.signal });
  if (!res.ok) return { changed: false, failed: true, msg: res.message, rc: res.errno };
  const stdout = decodeSurrogateEscape(res.stdout);
  const stderr = decodeSurrogateEscape(res.stderr);
  const result: ModuleResult = {
    rc: res.rc, stdout, stdout_lines: pySplitlines(stdout), stderr, stderr_lines: pySplitlines(stderr), changed: true,
  };
  if (res.rc !== 0) Object.assign(result, { failed: true, msg: "non-zero return code" });
  return result;
}

export const rawModule: NativeModule = {
  name: "raw",
  spec: {
    args: { _raw_params: { type: "str" }, executable: { type: "str" } },
    supportsCheckMode: true, // the action plugin itself reports check mode as skipped
  },
  run: runRaw,
};
