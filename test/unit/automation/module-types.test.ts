// The generated module types against their two oracles: the installed Ansible's docs (the committed file is
// exactly what the generator writes from them now) and the real modules (calls the types accept or refuse are
// run against Ansible, which must agree, or disagree only where the types are stricter on purpose). tsc checks
// the typed calls fixture, where an unused @ts-expect-error fails the run.
import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readBuiltinDocs } from "../../../scripts/gen-module-types.ts";
import { getNativeModule, nativeModuleNames } from "../../../src/modules/_native.ts";
import { normalizeCmdArg } from "../../../src/modules/index.ts";
import { runAnsibleModule } from "../../helpers/ansible.ts";

const ROOT = join(import.meta.dir, "..", "..", "..");
const GENERATOR = join(ROOT, "scripts", "gen-module-types.ts");
const GENERATED = join(ROOT, "src", "automation", "_modules.gen.ts");
const CALLS = join(ROOT, "test", "fixtures", "module-docs", "typed-calls.ts");
const TSC = join(ROOT, "node_modules", "typescript", "bin", "tsc");

function withTempDir<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), "ftl2-module-types-"));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function generate(args: readonly string[]) {
  return spawnSync(process.execPath, ["run", GENERATOR, ...args], { cwd: ROOT, encoding: "utf8" });
}

describe("gen-module-types", () => {
  test("the committed file is what the generator writes from the installed Ansible, byte for byte", () => {
    withTempDir((dir) => {
      const out = join(dir, "modules.gen.ts");
      const r = generate(["--out", out]);
      expect(r.stderr).toContain("70 modules");
      expect(r.status).toBe(0);
      expect(readFileSync(out).equals(readFileSync(GENERATED))).toBe(true);
      // --check agrees with the fresh file, and names a stale one.
      expect(generate(["--check", "--out", out]).status).toBe(0);
      writeFileSync(out, readFileSync(out, "utf8").replace("export interface CommandArgs", "export interface X"));
      const stale = generate(["--check", "--out", out]);
      expect(stale.status).toBe(1);
      expect(stale.stderr).toBe(`gen-module-types: ${out} is stale; regenerate it\n`);
    });
  }, 60_000);

  test("an unknown argument is refused with the usage", () => {
    const r = generate(["--outt", "x"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toStartWith("gen-module-types: unknown argument --outt\nusage:");
  });
});

describe("typed calls", () => {
  test("tsc accepts the fixture (every @ts-expect-error used) and still rejects an unmarked wrong call", () => {
    withTempDir((dir) => {
      // The control proves tsc really checks these types here: each of its lines must give an error.
      const control = join(dir, "control.ts");
      writeFileSync(control, [
        `import type { ModuleArgs } from ${JSON.stringify(join(ROOT, "src", "automation", "index.ts"))};`,
        'export const a: ModuleArgs<"file"> = { path: "/x", state: "present" };',
        'export const b: ModuleArgs<"ansible.builtin.copy"> = { dest: "/x", bakup: true };',
        "",
      ].join("\n"));
      writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({
        compilerOptions: {
          target: "ESNext", module: "ESNext", moduleResolution: "bundler", lib: ["ESNext"], types: [], strict: true,
          noUncheckedIndexedAccess: true, allowImportingTsExtensions: true, noEmit: true, verbatimModuleSyntax: true,
          skipLibCheck: true,
        },
        files: [CALLS, control],
      }));
      const r = spawnSync(process.execPath, [TSC, "-p", join(dir, "tsconfig.json"), "--pretty", "false"], { encoding: "utf8" });
      const errors = r.stdout.split("\n").filter((l) => / error TS\d+:/.test(l));
      expect(errors.filter((l) => l.includes("typed-calls.ts"))).toEqual([]);
      expect(errors.map((l) => /control\.ts\((\d+),/.exec(l)?.[1])).toEqual(["2", "3"]);
      expect(r.status).toBe(2);
    });
  }, 60_000);

  interface OracleCase {
    line: number;
    module: string;
    args: Record<string, unknown>;
    verdict: "ok" | "fails" | "accepts";
    expectError: boolean;
  }

  // `await web.MODULE(ARGS); // ansible: VERDICT` or `await web.module("NAME", ARGS); // ansible: VERDICT`.
  function oracleCases(): OracleCase[] {
    const lines = readFileSync(CALLS, "utf8").split("\n");
    const cases: OracleCase[] = [];
    lines.forEach((text, i) => {
      const m = /^\s*await web\.(\w+)\((.*)\); \/\/ ansible: (ok|fails|accepts)$/.exec(text);
      if (!m) return;
      const [, method, argText, verdict] = m as unknown as [string, string, string, OracleCase["verdict"]];
      const values = new Function(`return [${argText}];`)() as unknown[];
      const [module, input] = method === "module" ? [values[0] as string, values[1]] : [method, values[0]];
      const args = typeof input === "string" ? { _raw_params: input } : (input as Record<string, unknown>);
      const expectError = /@ts-expect-error/.test(lines[i - 1] ?? "");
      cases.push({ line: i + 1, module: module.replace(/^ansible\.builtin\./, ""), args, verdict, expectError });
    });
    return cases;
  }

  test("the fixture's annotated calls: Ansible agrees with the types, or accepts what they refuse on purpose", () => {
    const cases = oracleCases();
    expect(cases.length).toBeGreaterThanOrEqual(15);
    const seen = cases.map((c) => {
      const result = runAnsibleModule(c.module, c.args, { checkMode: true });
      const failed = result.failed === true;
      return { line: c.line, types: c.expectError ? "refuse" : "accept", ansible: failed ? "fails" : "ok", msg: result.msg };
    });
    const want = cases.map((c, i) => ({
      line: c.line,
      types: c.verdict === "ok" ? "accept" : "refuse",
      ansible: c.verdict === "fails" ? "fails" : "ok",
      msg: seen[i]!.msg,
    }));
    expect(seen).toEqual(want);
    // Ansible's refusals are argument validation, not something else going wrong.
    for (const s of seen.filter((x) => x.ansible === "fails")) {
      expect(String(s.msg)).toMatch(/Unsupported parameters|value of \w+ must be one of|missing required arguments|one of the following is required/);
    }
  }, 120_000);

  test("command's msg is a string, as CommonResult says, though its RETURN doc calls it a bool", () => {
    const doc = JSON.parse(readFileSync(join(ROOT, "test", "fixtures", "module-docs", "command.json"), "utf8"));
    expect(doc["ansible.builtin.command"].return.msg.type).toBe("bool");
    const result = runAnsibleModule("command", { _raw_params: "false" });
    expect(result.msg).toBe("non-zero return code");
    expect(readFileSync(GENERATED, "utf8")).not.toMatch(/msg\?: boolean/);
  });
});

describe("native modules", () => {
  test("every argument the types offer for a native module is one it accepts (`cmd` via normalizeCmdArg)", () => {
    const { docs } = readBuiltinDocs();
    const missing: Record<string, string[]> = {};
    for (const name of nativeModuleNames()) {
      const native = new Set(Object.entries(getNativeModule(name)!.spec.args).flatMap(([k, a]) => [k, ...(a.aliases ?? [])]));
      const options = Object.entries(docs[`ansible.builtin.${name}`]!.doc.options ?? {});
      const typed = options.flatMap(([k, o]) => [k === "free_form" ? "_raw_params" : k, ...(o.aliases ?? [])]);
      const absent = typed.filter((k) => !native.has(k));
      if (absent.length > 0) missing[name] = absent;
    }
    expect(missing).toEqual({ command: ["cmd"], shell: ["cmd"] });
    expect(normalizeCmdArg("shell", { cmd: "echo hi", chdir: "/" })).toEqual({ chdir: "/", _raw_params: "echo hi" });
  });
});
