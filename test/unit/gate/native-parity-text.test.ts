// The gate's native lineinfile and blockinfile against the real modules (these have no TypeScript version on the
// controller), on the cases in test/fixtures/native-parity/<module>.json. Each case runs through the real module
// (`/usr/bin/python3 -m ansible.modules.X`) and the gate's native module, each on its own copy of the same files
// (`twice` runs it again on the same copy, for idempotence); the results must be equal once the copy's directory
// and the backup's pid and time are normalised, and so must the files left on disk (content, mode, owner, type,
// link target). A case marked `"native": false` must be declined by the gate (ModuleNotFound, so the controller ships
// the real module), and a declined case must leave the gate's copy untouched.
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { cleanModuleResult } from "../../../src/modules/_ansible-local.ts";
import { runAnsibleModule } from "../../helpers/ansible.ts";
import { type GateCase, fillTmp, runGateCases } from "../../helpers/native-gate.ts";

const ROOT = join(import.meta.dir, "..", "..", "..");
const FIXTURES = join(ROOT, "test", "fixtures", "native-parity");
const MODULES = ["lineinfile", "blockinfile"];
// backup_local's NAME.PID.YYYY-MM-DD@HH:MM:SS~ (the pid is the module's, or the gate's).
const BACKUP = /\.\d+\.\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d~/g;

interface Case {
  name: string;
  args: Record<string, unknown>;
  check_mode?: boolean;
  diff_mode?: boolean;
  twice?: boolean;
  native?: boolean;
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** One copy of the files every case may use. */
function makeTree(): string {
  const d = mkdtempSync(join(tmpdir(), "ftl2-parity-text-"));
  dirs.push(d);
  const files: [string, string | Buffer, number][] = [
    ["a.txt", "port=80\nhost=x\n# comment\nport=81\n", 0o644],
    ["private.txt", "secret=1\nport=80\n", 0o600],
    ["nonl.txt", "one\ntwo", 0o644],
    ["crlf.txt", "a\r\nb\r\nc\r\n", 0o644],
    ["empty.txt", "", 0o644],
    ["bin.txt", Buffer.from([0x61, 0x0a, 0xff, 0xfe, 0x0a]), 0o644],
    ["utf8.txt", "\u00e9\nhost\nz\n", 0o644],
    ["block.txt", "top\n# BEGIN ANSIBLE MANAGED BLOCK\nold=1\n# END ANSIBLE MANAGED BLOCK\nbottom\n", 0o644],
  ];
  for (const [name, content, mode] of files) {
    writeFileSync(join(d, name), content);
    chmodSync(join(d, name), mode);
  }
  mkdirSync(join(d, "d"), 0o755);
  symlinkSync("a.txt", join(d, "l"));
  symlinkSync("missing.txt", join(d, "dangling"));
  symlinkSync("nowhere/x.txt", join(d, "dangling-deep"));
  return d;
}

/** What a tree holds: every entry's type, mode and content (files) or target (links), names normalised. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    for (const name of readdirSync(p).sort()) {
      const full = join(p, name);
      const st = lstatSync(full);
      const rel = relative(dir, full).replace(BACKUP, ".<pid>.<time>~");
      const mode = `${(st.mode & 0o7777).toString(8)} ${st.uid}:${st.gid}`;
      if (st.isSymbolicLink()) out.push(`${rel} link ${st.uid}:${st.gid} ${readlinkSync(full)}`);
      else if (st.isDirectory()) {
        out.push(`${rel} dir ${mode}`);
        walk(full);
      } else out.push(`${rel} file ${mode} ${JSON.stringify(readFileSync(full, "latin1"))}`);
    }
  };
  walk(dir);
  return out.sort();
}


function normalise(value: unknown, tmp: string): unknown {
  if (typeof value === "string") return value.replaceAll(tmp, "{tmp}").replace(BACKUP, ".<pid>.<time>~");
  if (Array.isArray(value)) return value.map((v) => normalise(v, tmp));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalise(v, tmp)]));
  return value;
}



const runs = (c: Case) => (c.twice ? 2 : 1);

for (const module of MODULES) {
  const cases: Case[] = JSON.parse(readFileSync(join(FIXTURES, `${module}.json`), "utf8"));
  describe(`native ${module}: the real module and the gate agree, in results and on disk`, () => {
    const pristine = snapshot(makeTree());
    const gateTmps = cases.map(() => makeTree());
    const plan = cases.flatMap((c, i) =>
      Array.from({ length: runs(c) }, () => ({ module, args: fillTmp(c.args, gateTmps[i]!) as Record<string, unknown>, check_mode: c.check_mode ?? false, diff_mode: c.diff_mode ?? false })),
    );
    const replies = runGateCases(plan);
    let next = 0;
    cases.forEach((c, i) => {
      const gate = replies.slice(next, next + runs(c));
      next += runs(c);
      test(c.name, () => {
        const gateTmp = gateTmps[i]!;
        if (c.native === false) {
          // Over SSH the real module answers this case, so only the gate's refusal (with no effect) is checked.
          expect(gate).toEqual([{ unsupported: true }]);
          expect(snapshot(gateTmp)).toEqual(pristine);
          return;
        }
        const oracleTmp = makeTree();
        gate.forEach((reply, run) => {
          const args = fillTmp(c.args, oracleTmp) as Record<string, unknown>;
          const raw = runAnsibleModule(module, args, { checkMode: c.check_mode, diffMode: c.diff_mode, cwd: oracleTmp });
          const expected = normalise(cleanModuleResult(raw), oracleTmp) as Record<string, unknown>;
          expect(reply.unsupported).toBeUndefined();
          expect([run, normalise(cleanModuleResult(reply.result as Record<string, unknown>), gateTmp)]).toEqual([run, expected]);
          expect(reply.rc).toBe(expected.failed ? 1 : 0);
        });
        expect(snapshot(gateTmp)).toEqual(snapshot(oracleTmp));
      });
    });
  });
}
