// Script loading as both front doors use it: entry picking, the virtual module `ftl2`, and every failure
// reported at the script's own file:line:column (Bun's own positions, checked against `bun script.ts`).
import { afterAll, beforeAll, describe, expect, spyOn, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { callScript, loadScript, registerScriptModule, setScriptAutomation } from "../../../src/automation/_script.ts";
import { FtlError } from "../../../src/errors.ts";
import * as api from "../../../src/automation/index.ts";

let dir: string;
const SCRIPTS: Record<string, string> = {
  "syntax-error.ts": "export async function run() {\n  const x = ;\n}\n",
  "runtime-error.ts":
    "export async function run(ftl: { vars: Record<string, unknown> }) {\n  const n = Object.keys(ftl.vars).length;\n  await Promise.resolve();\n  throw new TypeError(`bad thing ${n}`);\n}\n",
  "top-level-throw.js": 'const a = 1;\nthrow new RangeError("at load " + a);\n',
  "no-entry.ts": "export const version = 3;\nexport function helper() {}\n",
  "nothing.js": "const a = 1;\n",
  "default-entry.js": "export default function (ftl) {\n  return Object.keys(ftl.vars).length + 7;\n}\n",
  "virtual-module.ts":
    'import * as ftl2 from "ftl2";\nexport async function run() {\n  return [Object.keys(ftl2).sort(), await ftl2.automation({ x: 1 })];\n}\n',
  "imports-missing.ts": 'import { nope } from "./not-here.ts";\nexport const run = () => nope;\n',
  "throws-string.ts": 'export function run() {\n  throw "plain string";\n}\n',
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "ftl2-script-"));
  for (const [name, text] of Object.entries(SCRIPTS)) writeFileSync(join(dir, name), text);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function failure(p: Promise<unknown>): Promise<FtlError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(FtlError);
    return e as FtlError;
  }
  throw new Error("expected a failure");
}

describe("loadScript", () => {
  test("a script runs under JavaScriptCore's normal JIT policy (the binary starts with it held back)", async () => {
    const spy = spyOn(Bun.unsafe, "setJITPolicy");
    try {
      Bun.unsafe.setJITPolicy(100);
      await loadScript("default-entry.js", { cwd: dir });
      expect(spy.mock.calls.at(-1)).toEqual([1]);
    } finally {
      spy.mockRestore();
      Bun.unsafe.setJITPolicy(1);
    }
  });
  test("a relative path is resolved against cwd; the default export is the entry when there is no run", async () => {
    const s = await loadScript("default-entry.js", { cwd: dir });
    expect(s.path).toBe(join(dir, "default-entry.js"));
    expect(s.exportName).toBe("default");
    expect(await callScript(s, [{ vars: { a: 1, b: 2 } }])).toBe(9);
  });

  test("a missing script is named, with the path looked for", async () => {
    const e = await failure(loadScript("missing.ts", { cwd: dir }));
    expect(e.code).toBe("SCRIPT_ERROR");
    expect(e.describe()).toBe(`the script missing.ts does not exist (looked for ${join(dir, "missing.ts")})`);
  });

  test("a directory is not a script", async () => {
    const e = await failure(loadScript(dir, { cwd: "/" }));
    expect(e.describe()).toBe(`${dir}: the script ${dir} is not a file`);
  });

  test("a syntax error gives the script's file:line:column and Bun's message", async () => {
    const e = await failure(loadScript("syntax-error.ts", { cwd: dir }));
    expect(e.code).toBe("SCRIPT_ERROR");
    expect(e.describe()).toBe(`${join(dir, "syntax-error.ts")}:2:13: Unexpected ;`);
  });

  test("an error thrown while loading points at the script's line", async () => {
    const e = await failure(loadScript("top-level-throw.js", { cwd: dir }));
    expect(e.describe()).toMatch(new RegExp(`^${join(dir, "top-level-throw.js")}:2:\\d+: RangeError: at load 1$`));
  });

  test("an import that does not resolve names the script", async () => {
    const e = await failure(loadScript("imports-missing.ts", { cwd: dir }));
    expect(e.file).toBe(join(dir, "imports-missing.ts"));
    expect(e.message).toContain("not-here.ts");
  });

  test("no run and no default export: the error lists what the script exports", async () => {
    const e = await failure(loadScript("no-entry.ts", { cwd: dir }));
    expect(e.message).toBe("the script exports no run function and no default function: it exports helper (function), version (number)");
    expect(e.file).toBe(join(dir, "no-entry.ts"));
    const none = await failure(loadScript("nothing.js", { cwd: dir }));
    expect(none.message).toEndWith("it exports nothing");
  });
});

describe("callScript", () => {
  test("a runtime error (after an await) is reported at the throwing line of the script", async () => {
    const s = await loadScript("runtime-error.ts", { cwd: dir });
    expect(s.exportName).toBe("run");
    const e = await failure(callScript(s, [{ vars: { a: 1 } }]));
    expect(e.describe()).toMatch(new RegExp(`^${join(dir, "runtime-error.ts")}:4:\\d+: TypeError: bad thing 1$`));
  });

  test("a thrown non-Error is described, located at the script", async () => {
    const s = await loadScript("throws-string.ts", { cwd: dir });
    const e = await failure(callScript(s, []));
    expect(e.describe()).toBe(`${join(dir, "throws-string.ts")}: the script threw "plain string"`);
  });

  test("FtlErrors that name their own file keep it", async () => {
    const s = { path: join(dir, "x.ts"), exportName: "run" as const, entry: () => {
      throw new FtlError("INVENTORY_PARSE", "bad line", { file: "/inv/hosts", line: 3 });
    } };
    const e = await failure(callScript(s, []));
    expect(e.describe()).toBe("/inv/hosts:3: bad line");
  });
});

describe("the virtual module ftl2", () => {
  test("scripts import the runtime API from it (not the front doors' helpers); automation() is the front door's when set", async () => {
    // Registration is once per process (Bun's plugins stay), so this is the same API every front door registers.
    await registerScriptModule(api);
    setScriptAutomation(async (o) => ({ wrapped: o }));
    try {
      const s = await loadScript("virtual-module.ts", { cwd: dir });
      expect(await callScript(s, [])).toEqual([["AutomationFailedError", "FtlError", "Secret", "automation"], { wrapped: { x: 1 } }]);
    } finally {
      setScriptAutomation(undefined);
    }
  });
});
