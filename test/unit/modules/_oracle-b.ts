// Side-by-side runs for the native modules file, copy and setup: the same steps in two fresh temp dirs, one
// for ansible and one for ftl2, then the results compared with temp dir names and run-to-run values normalised.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultModuleContext, runNativeModule } from "../../../src/modules/_run-native.ts";
import type { NativeModule } from "../../../src/modules/_types.ts";
import { VOLATILE_KEYS, runAnsibleAdhoc, withoutKeys } from "../../helpers/ansible.ts";

export interface Case {
  name: string;
  setup?: (dir: string) => void;
  args: (dir: string) => Record<string, unknown>;
  check?: boolean;
  diff?: boolean;
  /** Extra keys to drop from both results (values that legitimately differ). */
  drop?: string[];
}

const TIME_KEYS = new Set(["atime", "mtime"]);

/** Replaces `dir` with DIR everywhere and time values in diffs with TIME. */
export function normalise(r: unknown, dir: string): unknown {
  // Content temp files: ansible's under ~/.ansible/tmp, ours under the context's tmpdir.
  const text = JSON.stringify(r)
    .replaceAll(dir, "DIR")
    .replace(/\/[^"]*\/\.ansible\/tmp\/ansible-local-[^"]*/g, "CONTENT_TMP")
    .replace(/\/[^"]*\/ftl-copy-\w+\/content/g, "CONTENT_TMP");
  return JSON.parse(text, (k, v) => (TIME_KEYS.has(k) && typeof v === "number" ? "TIME" : v));
}

export async function compareWithAnsible(
  mod: NativeModule,
  c: Case,
): Promise<{ ours: unknown; theirs: unknown; oursRaw: Record<string, unknown>; dirs: [string, string] }> {
  const a = mkdtempSync(join(tmpdir(), "ftl-oracle-"));
  const b = mkdtempSync(join(tmpdir(), "ftl-oracle-"));
  c.setup?.(a);
  c.setup?.(b);
  const drop = [...VOLATILE_KEYS, "action", "_ansible_no_log", ...(c.drop ?? [])];
  const theirs = runAnsibleAdhoc(mod.name, c.args(a), { checkMode: c.check, diffMode: c.diff, cwd: a });
  const ctx = defaultModuleContext({ checkMode: c.check ?? false, diffMode: c.diff ?? false, cwd: b });
  const oursRaw = await runNativeModule(mod, c.args(b), ctx);
  return { ours: normalise(withoutKeys(oursRaw, drop), b), theirs: normalise(withoutKeys(theirs, drop), a), oursRaw, dirs: [a, b] };
}
