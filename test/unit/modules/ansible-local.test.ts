import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { runAnsibleModuleLocally, filterNonJsonLines, parseModuleOutput } from "../../../src/modules/_ansible-local.ts";
import { resolveModule } from "../../../src/modules/_resolve.ts";
import { defaultModuleContext } from "../../../src/modules/_run-native.ts";
import { SYSTEM_PYTHON, VOLATILE_KEYS, runAnsibleAdhoc, withoutKeys } from "../../helpers/ansible.ts";

const FIX = resolve(import.meta.dir, "../../fixtures/modules-b");
const env = { ...process.env, ANSIBLE_COLLECTIONS_PATH: join(FIX, "collections") };
const LIB = join(FIX, "library");
const DROP = [...VOLATILE_KEYS, "action", "_ansible_no_log"];

async function runLocal(name: string, params: Record<string, unknown>, over = {}): Promise<Record<string, unknown>> {
  const resolved = await resolveModule(name, { cwd: FIX, env, python: SYSTEM_PYTHON, modulePaths: [LIB] });
  return runAnsibleModuleLocally(resolved, params, defaultModuleContext({ env, cwd: FIX, ...over }), SYSTEM_PYTHON);
}

function oracle(name: string, args: Record<string, unknown>, opts: { checkMode?: boolean } = {}): Record<string, unknown> {
  return runAnsibleAdhoc(name, Object.keys(args).length ? args : "", { ...opts, env: { ANSIBLE_COLLECTIONS_PATH: join(FIX, "collections") }, extra: ["-M", LIB] });
}

describe("runAnsibleModuleLocally against ansible", () => {
  test("builtin module, normal and check mode", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ftl-al-"));
    for (const checkMode of [true, false]) {
      const path = join(dir, `f${checkMode}`);
      const ours = await runLocal("ansible.builtin.file", { path, state: "touch" }, { checkMode });
      const theirs = oracle("file", { path: `${path}x`, state: "touch" }, { checkMode });
      const norm = (r: Record<string, unknown>): unknown => JSON.parse(JSON.stringify(withoutKeys(r, [...DROP, "diff"])).replaceAll(`${path}x`, path));
      expect(norm(ours)).toEqual(norm(theirs));
    }
  }, 20_000);

  test("collection module importing its module_utils, through a redirect; stdout_lines added", async () => {
    const ours = await runLocal("ftltest.demo.old_echo", { text: "hi" });
    expect(ours.loud).toBe("HI!");
    expect(withoutKeys(ours, DROP)).toEqual(withoutKeys(oracle("ftltest.demo.old_echo", { text: "hi" }), DROP));
    const check = await runLocal("ftltest.demo.echo", { text: "x" }, { checkMode: true });
    expect(check.check).toBe(true);
  }, 20_000);

  test("library module runs despite a tempfile.py beside it", async () => {
    const ours = await runLocal("libmod", { n: 4 });
    expect(ours).toEqual({ changed: true, doubled: 8, invocation: { module_args: { n: 4 } } });
    expect(withoutKeys(ours, DROP)).toEqual(withoutKeys(oracle("libmod", { n: 4 }), DROP));
  }, 20_000);

  test("argspec errors come back as the module reports them", async () => {
    const ours = await runLocal("file", { path: "/tmp/x", bogus: 1 });
    const theirs = oracle("file", { path: "/tmp/x", bogus: 1 });
    expect(ours.failed).toBe(true);
    expect(withoutKeys(ours, DROP)).toEqual(withoutKeys(theirs, DROP));
  }, 20_000);

  test("a crashing module gives ansible's MODULE FAILURE shape", async () => {
    const ours = await runLocal("crash", {});
    const theirs = oracle("crash", {});
    const shape = (r: Record<string, unknown>): unknown => ({
      ...withoutKeys(r, [...DROP, "module_stderr", "exception"]),
      lastErr: String(r.module_stderr).trim().split("\n").at(-1),
      exception: typeof r.exception,
    });
    expect(shape(ours)).toEqual(shape(theirs));
    expect(ours).toMatchObject({ failed: true, rc: 1, module_stdout: "partial output\n", msg: "MODULE FAILURE\nSee stdout/stderr for the exact error" });
  }, 20_000);

  test("junk around the JSON is dropped, internal keys removed", async () => {
    const ours = await runLocal("junk", {});
    expect(withoutKeys(ours, DROP)).toEqual(withoutKeys(oracle("junk", {}), DROP));
    expect(ours.warnings).toEqual(["Module invocation had junk after the JSON data: trailing junk"]);
  }, 20_000);

  test("a module that is not there at run time fails as MODULE FAILURE with its rc", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ftl-al-"));
    const path = join(dir, "gone.py");
    writeFileSync(path, "import sys\nsys.stdout.write('no json here')\nsys.exit(3)\n");
    const r = await runAnsibleModuleLocally({ fqcn: "ansible.legacy.gone", path, kind: "library" }, {}, defaultModuleContext(), SYSTEM_PYTHON);
    expect(r).toEqual({ changed: false, failed: true, module_stdout: "no json here", module_stderr: "", msg: "MODULE FAILURE\nSee stdout/stderr for the exact error", rc: 3 });
    expect(readFileSync(path, "utf8")).toContain("sys.exit(3)");
  }, 20_000);

  test("abort kills the module and rejects with the signal's reason", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ftl-al-"));
    const path = join(dir, "slow.py");
    writeFileSync(path, "import time\ntime.sleep(30)\n");
    const ac = new AbortController();
    const p = runAnsibleModuleLocally({ fqcn: "ansible.legacy.slow", path, kind: "library" }, {}, defaultModuleContext({ signal: ac.signal }), SYSTEM_PYTHON);
    setTimeout(() => ac.abort(new Error("task timed out")), 100);
    const t0 = Date.now();
    await expect(p).rejects.toThrow("task timed out");
    expect(Date.now() - t0).toBeLessThan(5000);
  }, 20_000);

  test("a python that cannot start is an error, not a result", async () => {
    const r = runAnsibleModuleLocally({ fqcn: "ansible.builtin.ping", path: "x", pythonModule: "ansible.modules.ping", kind: "ansible-builtin" }, {}, defaultModuleContext(), "/nonexistent/python");
    await expect(r).rejects.toThrow("cannot run /nonexistent/python");
  }, 20_000);
});

describe("output filtering", () => {
  test("filterNonJsonLines follows ansible's line rules", () => {
    expect(filterNonJsonLines('junk\n  {"a": 1}\n')).toEqual({ json: '  {"a": 1}', warnings: [] });
    expect(filterNonJsonLines('{"a":\n 1}\nx\n')).toEqual({ json: '{"a":\n 1}', warnings: ["Module invocation had junk after the JSON data: x"] });
    expect(() => filterNonJsonLines("[1]")).toThrow("No start of json char found");
    expect(() => filterNonJsonLines("{ no end")).toThrow("No end of json char found");
  }, 20_000);

  test("parseModuleOutput: a traceback on stdout becomes the exception", () => {
    const r = parseModuleOutput("Traceback (most recent call last):\n", "", 1);
    expect(r.exception).toBe("Traceback (most recent call last):\n");
    expect(parseModuleOutput("[1, 2]", "", 0).msg).toStartWith("MODULE FAILURE");
  }, 20_000);
});
