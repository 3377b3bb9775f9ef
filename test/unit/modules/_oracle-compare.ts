// Side-by-side runs for the native modules of this folder: the same `-a` text through ftl2's parser and native
// module, and through the real `ansible localhost -m MODULE -a TEXT`, both in the same directory.
import { parseModuleArgs } from "../../../src/modules/_parse-kv.ts";
import { defaultModuleContext, runNativeModule } from "../../../src/modules/_run-native.ts";
import type { ModuleContext, ModuleResult, NativeModule } from "../../../src/modules/_types.ts";
import { runAnsibleAdhoc, withoutKeys } from "../../helpers/ansible.ts";

/** Keys that differ run to run, or that the controller's callback (not the module) adds. */
export const DROP = ["start", "end", "delta", "_ansible_no_log", "action"];

export interface Pair {
  ours: Record<string, unknown>;
  theirs: Record<string, unknown>;
}

export async function compareAdhoc(
  mod: NativeModule,
  argText: string,
  opts: { cwd: string; checkMode?: boolean; diffMode?: boolean; drop?: string[]; ctx?: Partial<ModuleContext> },
): Promise<Pair> {
  const drop = [...DROP, ...(opts.drop ?? [])];
  const ctx = defaultModuleContext({ cwd: opts.cwd, checkMode: !!opts.checkMode, diffMode: !!opts.diffMode, ...opts.ctx });
  const ours: ModuleResult = await runNativeModule(mod, parseModuleArgs(mod.name, argText), ctx);
  const theirs = runAnsibleAdhoc(mod.name, argText, { cwd: opts.cwd, checkMode: opts.checkMode, diffMode: opts.diffMode });
  return { ours: withoutKeys(ours, drop), theirs: withoutKeys(theirs, drop) };
}
