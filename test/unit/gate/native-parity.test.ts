// The gate's native modules against the real Ansible modules and the controller's TypeScript modules, on the
// shared cases in test/fixtures/native-parity/<module>.json: each case runs through (a) the real module
// (`/usr/bin/python3 -m ansible.modules.X`), (b) the local TypeScript module, (c) the gate's native module,
// each on its own copy of the same files; results must be equal once volatile fields (times, inode, ctime)
// and the copy's directory are normalised (`version` is lsattr's per-inode generation number). A case marked `"native": false` must be declined by the gate
// (ModuleNotFound, so the controller ships the real module) instead of answered differently. After each case
// the oracle's tree and the gate's tree must hold the same files (type, mode, owner, links, content, times).
// A case's `before` runs those argument sets first on each tree (an idempotent second run, a prepared state).
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, linkSync, lstatSync, lutimesSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cleanModuleResult } from "../../../src/modules/_ansible-local.ts";
import { getNativeModule } from "../../../src/modules/_native.ts";
import { defaultModuleContext, runNativeModule } from "../../../src/modules/index.ts";
import { runAnsibleModule } from "../../helpers/ansible.ts";
import { type GateCase, fillTmp, runGateCases } from "../../helpers/native-gate.ts";

const ROOT = join(import.meta.dir, "..", "..", "..");
const FIXTURES = join(ROOT, "test", "fixtures", "native-parity");
const MODULES = ["command", "shell", "stat", "slurp", "file", "copy"];
// The controller's copy is the action (stat, upload, module); its module side has no TypeScript twin.
const NO_TS_TWIN = new Set(["copy"]);
const FIXED_TIME = 1_700_000_000.25;
// Times the modules set to "now" differ run to run; anything this recent is normalised.
const RECENT = Date.now() / 1000 - 3600;
const BACKUP_SUFFIX = /\.\d+\.\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d~/g;

interface Case {
  name: string;
  args: Record<string, unknown>;
  check_mode?: boolean;
  diff_mode?: boolean;
  native?: boolean;
  before?: Record<string, unknown>[];
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
  writeFileSync(join(d, "d", "in.txt"), "inside\n");
  chmodSync(join(d, "d", "in.txt"), 0o640);
  mkdirSync(join(d, "empty"), 0o700);
  chmodSync(join(d, "empty"), 0o700);
  writeFileSync(join(d, "h1"), "hard\n");
  chmodSync(join(d, "h1"), 0o600);
  linkSync(join(d, "h1"), join(d, "h2"));
  symlinkSync("nope", join(d, "dangling"));
  symlinkSync("d", join(d, "ld"));
  writeFileSync(join(d, "same.txt"), "hello\nworld\n");
  chmodSync(join(d, "same.txt"), 0o600);
  writeFileSync(join(d, "bin"), Buffer.from([1, 0, 2]));
  chmodSync(join(d, "bin"), 0o644);
  for (const f of ["a.txt", "same.txt", "run.sh", "d/in.txt", "d", "empty", "h1", "bin"]) utimesSync(join(d, f), FIXED_TIME, FIXED_TIME);
  for (const f of ["l", "dangling", "ld"]) lutimesSync(join(d, f), FIXED_TIME, FIXED_TIME);
  return d;
}

/** What a case left on disk: every entry's type, mode, owner, link count, link target, content and times. */
function snapshot(root: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const time = (t: number): number | string => (t > RECENT ? "<now>" : t);
  const visit = (dir: string, rel: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      const key = `${rel}${name}`.replace(BACKUP_SUFFIX, ".<pid>.<time>~");
      const st = lstatSync(p);
      const entry: Record<string, unknown> = { mode: (st.mode & 0o7777).toString(8), uid: st.uid, gid: st.gid, nlink: st.nlink };
      if (st.isSymbolicLink()) entry.link = readlinkSync(p).replaceAll(root, "{tmp}");
      else entry.mtime = time(st.mtimeMs / 1000);
      if (st.isFile()) {
        entry.content = readFileSync(p, "utf8");
        entry.atime = time(st.atimeMs / 1000);
      }
      if (st.isDirectory()) {
        entry.type = "dir";
        // A directory's own times move whenever an entry is added or removed; its entries say what changed.
        delete entry.mtime;
        visit(p, `${key}/`);
      }
      out[key] = entry;
    }
  };
  visit(root, "");
  return out;
}


function normalise(value: unknown, tmp: string): unknown {
  if (typeof value === "string") return value.replaceAll(tmp, "{tmp}").replace(BACKUP_SUFFIX, ".<pid>.<time>~");
  if (Array.isArray(value)) return value.map((v) => normalise(v, tmp));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (["start", "end", "delta", "ctime", "inode", "version"].includes(k) && v !== null) out[k] = "<volatile>";
      else if ((k === "mtime" || k === "atime") && typeof v === "number" && v > RECENT) out[k] = "<now>";
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


for (const module of MODULES) {
  const cases: Case[] = JSON.parse(readFileSync(join(FIXTURES, `${module}.json`), "utf8"));
  describe(`native ${module}: the real module, the TypeScript module and the gate agree`, () => {
    const gateTmps = cases.map(() => makeTree());
    const gate = runGateCases(
      cases.map((c, i) => ({
        module,
        args: fillTmp(c.args, gateTmps[i]!) as Record<string, unknown>,
        check_mode: c.check_mode ?? false,
        diff_mode: c.diff_mode ?? false,
        before: (c.before ?? []).map((b) => fillTmp(b, gateTmps[i]!) as Record<string, unknown>),
      })),
    );
    cases.forEach((c, i) => {
      test(c.name, async () => {
        const reply = gate[i]!;
        if (c.native === false) {
          // Over SSH the real module answers this case, so only the gate's refusal is checked.
          expect(reply).toEqual({ unsupported: true });
          return;
        }
        const oracleTmp = makeTree();
        const oracle = (args: Record<string, unknown>, opts: { checkMode?: boolean; diffMode?: boolean }): Record<string, unknown> => {
          const [oMod, oArgs] = oracleArgs(module, fillTmp(args, oracleTmp) as Record<string, unknown>);
          return runAnsibleModule(oMod, oArgs, { ...opts, cwd: oracleTmp });
        };
        for (const b of c.before ?? []) oracle(b, {});
        const expected = normalise(cleanModuleResult(oracle(c.args, { checkMode: c.check_mode, diffMode: c.diff_mode })), oracleTmp);

        expect(reply.unsupported).toBeUndefined();
        expect(normalise(cleanModuleResult(reply.result as Record<string, unknown>), gateTmps[i]!)).toEqual(expected);
        expect(reply.rc).toBe(expected && (expected as { failed?: boolean }).failed ? 1 : 0);
        expect(snapshot(gateTmps[i]!)).toEqual(snapshot(oracleTmp));

        if (NO_TS_TWIN.has(module)) return;
        const tsTmp = makeTree();
        const tsCtx = (checkMode: boolean, diffMode: boolean) => defaultModuleContext({ checkMode, diffMode, cwd: tsTmp });
        for (const b of c.before ?? []) await runNativeModule(getNativeModule(module)!, fillTmp(b, tsTmp) as Record<string, unknown>, tsCtx(false, false));
        const ts = await runNativeModule(getNativeModule(module)!, fillTmp(c.args, tsTmp) as Record<string, unknown>, tsCtx(c.check_mode ?? false, c.diff_mode ?? false));
        expect(normalise(ts, tsTmp)).toEqual(expected);
      });
    });
  });
}
