// The gate's native modules against the real Ansible modules and the controller's TypeScript modules, on the
// shared cases in test/fixtures/native-parity/<module>.json: each case runs through (a) the real module
// (`/usr/bin/python3 -m ansible.modules.X`), (b) the local TypeScript module, (c) the gate's native module,
// each on its own copy of the same files; results must be equal once volatile fields (times, inode, ctime)
// and the copy's directory are normalised (`version` is lsattr's per-inode generation number). A case marked `"native": false` must be declined by the gate
// (ModuleNotFound, so the controller ships the real module) instead of answered differently.
import { afterAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { chmodSync, lutimesSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cleanModuleResult } from "../../../src/modules/_ansible-local.ts";
import { getNativeModule } from "../../../src/modules/_native.ts";
import { defaultModuleContext, runNativeModule } from "../../../src/modules/index.ts";
import { SYSTEM_PYTHON, runAnsibleModule } from "../../helpers/ansible.ts";

const ROOT = join(import.meta.dir, "..", "..", "..");
const FIXTURES = join(ROOT, "test", "fixtures", "native-parity");
const MODULES = ["command", "shell", "stat", "slurp"];
const FIXED_TIME = 1_700_000_000.25;

interface Case {
  name: string;
  args: Record<string, unknown>;
  check_mode?: boolean;
  native?: boolean;
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** One copy of the files every case may use, with fixed times so stat results can be compared. */
function makeTree(): string {
  const d = mkdtempSync(join(tmpdir(), "ftl2-parity-"));
  dirs.push(d);
  writeFileSync(join(d, "a.txt"), "hello\nworld\n");
  chmodSync(join(d, "a.txt"), 0o644);
  writeFileSync(join(d, "run.sh"), "#!/bin/sh\necho run\n");
  chmodSync(join(d, "run.sh"), 0o755);
  mkdirSync(join(d, "d"), 0o755);
  chmodSync(join(d, "d"), 0o755);
  symlinkSync("a.txt", join(d, "l"));
  for (const f of ["a.txt", "run.sh", "d"]) utimesSync(join(d, f), FIXED_TIME, FIXED_TIME);
  lutimesSync(join(d, "l"), FIXED_TIME, FIXED_TIME);
  return d;
}

function fill(value: unknown, tmp: string): unknown {
  if (typeof value === "string") return value.replaceAll("{tmp}", tmp);
  if (Array.isArray(value)) return value.map((v) => fill(v, tmp));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, tmp)]));
  return value;
}

function normalise(value: unknown, tmp: string): unknown {
  if (typeof value === "string") return value.replaceAll(tmp, "{tmp}");
  if (Array.isArray(value)) return value.map((v) => normalise(v, tmp));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (["start", "end", "delta", "ctime", "inode", "version"].includes(k) && v !== null) out[k] = "<volatile>";
      else out[k] = normalise(v, tmp);
    }
    return out;
  }
  return value;
}

function oracleArgs(module: string, args: Record<string, unknown>): [string, Record<string, unknown>] {
  // The shell action plugin runs the command module with _uses_shell.
  return module === "shell" ? ["command", { ...args, _uses_shell: true }] : [module, args];
}

/** The gate's native modules, all cases of a module in one Python process. */
function runGate(cases: { module: string; args: Record<string, unknown>; check_mode: boolean }[]): Record<string, unknown>[] {
  const r = spawnSync(SYSTEM_PYTHON, [join(ROOT, "gate", "tests", "native_driver.py")], { input: JSON.stringify(cases), encoding: "utf8" });
  if (r.status !== 0) throw new Error(`native_driver failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

for (const module of MODULES) {
  const cases: Case[] = JSON.parse(readFileSync(join(FIXTURES, `${module}.json`), "utf8"));
  describe(`native ${module}: the real module, the TypeScript module and the gate agree`, () => {
    const gateTmps = cases.map(() => makeTree());
    const gate = runGate(cases.map((c, i) => ({ module, args: fill(c.args, gateTmps[i]!) as Record<string, unknown>, check_mode: c.check_mode ?? false })));
    cases.forEach((c, i) => {
      test(c.name, async () => {
        const oracleTmp = makeTree();
        const [oMod, oArgs] = oracleArgs(module, fill(c.args, oracleTmp) as Record<string, unknown>);
        const expected = normalise(cleanModuleResult(runAnsibleModule(oMod, oArgs, { checkMode: c.check_mode, cwd: oracleTmp })), oracleTmp);

        const reply = gate[i]!;
        if (c.native === false) {
          // Over SSH the real module answers this case, so only the gate's refusal is checked.
          expect(reply).toEqual({ unsupported: true });
          return;
        }
        const tsTmp = makeTree();
        const ts = await runNativeModule(getNativeModule(module)!, fill(c.args, tsTmp) as Record<string, unknown>, defaultModuleContext({ checkMode: c.check_mode ?? false, cwd: tsTmp }));
        expect(normalise(ts, tsTmp)).toEqual(expected);

        expect(reply.unsupported).toBeUndefined();
        expect(normalise(cleanModuleResult(reply.result as Record<string, unknown>), gateTmps[i]!)).toEqual(expected);
        expect(reply.rc).toBe(expected && (expected as { failed?: boolean }).failed ? 1 : 0);
      });
    });
  });
}
