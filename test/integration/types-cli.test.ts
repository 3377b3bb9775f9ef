// `ftl2 types` with the compiled binary: the declarations it writes let the TypeScript compiler check a script
// in an empty directory (no node_modules, no @types): a right script passes, a wrong module argument is a type
// error at the script's line, and the same script runs under `ftl2 run`. Plus its error paths.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(import.meta.dir, "..", "..");
const BIN = join(ROOT, "dist", "ftl2");
const TSC = join(ROOT, "node_modules", "typescript", "bin", "tsc");
const TSCONFIG = {
  compilerOptions: { target: "ESNext", module: "ESNext", moduleResolution: "bundler", strict: true, noEmit: true, lib: ["ESNext"], types: [] },
};
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "ftl2-types-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ftl2 = (args: string[], cwd = dir) => spawnSync(BIN, args, { cwd, encoding: "utf8", env: { ...process.env, ANSIBLE_NOCOLOR: "1" } });
const tsc = () => spawnSync(process.execPath, [TSC, "-p", "."], { cwd: dir, encoding: "utf8" });

describe("ftl2 types", () => {
  test("the written ftl2.d.ts checks a script with nothing else installed; the script runs with ftl2 run", () => {
    const w = ftl2(["types"]);
    expect(w.stderr).toBe("");
    expect(w.stdout).toBe(`wrote ${join(dir, "ftl2.d.ts")}\n`);
    expect(w.status).toBe(0);
    expect(readdirSync(dir)).toEqual(["ftl2.d.ts"]);
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(TSCONFIG));
    writeFileSync(join(dir, "site.ts"), [
      'import { AutomationFailedError, type Ftl } from "ftl2";',
      "export default async function run(ftl: Ftl): Promise<number> {",
      '  const st = await ftl.local.stat({ path: "/etc" });',
      "  const isDir: boolean | undefined = st.result.stat?.isdir;",
      '  try { await ftl.local.command("true"); } catch (e) { if (e instanceof AutomationFailedError) return 3; }',
      "  return isDir ? 0 : 1;",
      "}",
    ].join("\n"));
    const ok = tsc();
    expect(ok.stdout + ok.stderr).toBe("");
    expect(ok.status).toBe(0);
    const run = ftl2(["run", "site.ts"]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("TASK [stat]");

    writeFileSync(join(dir, "site.ts"), 'import type { Ftl } from "ftl2";\nexport default async function run(ftl: Ftl) {\n  await ftl.local.file({ path: "/tmp/x", stat: "touch" });\n}\n');
    const bad = tsc();
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe(
      "site.ts(3,42): error TS2561: Object literal may only specify known properties, but 'stat' does not exist in type 'ModuleInput<\"file\">'. Did you mean to write 'state'?\n",
    );
  }, 60_000);

  test("a DIR that is not a directory, and an unknown flag, are errors that name them", () => {
    const missing = ftl2(["types", join(dir, "nope")]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe(`ERROR! ${join(dir, "nope")} is not a directory (hint: create it first, or name an existing one)\n`);
    const flag = ftl2(["types", "--out", "x"]);
    expect(flag.status).toBe(2);
    expect(flag.stderr).toBe("usage: ftl2 types [-h] [DIR]\nftl2 types: error: unrecognized arguments: --out\n");
    expect(ftl2(["types", "-h"]).stdout).toStartWith("usage: ftl2 types [-h] [DIR]\n");
  });
});
