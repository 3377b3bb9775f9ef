// src/automation/_public.ts (what `ftl2 types` declares) must tell the truth about the runtime: its declared
// values are the real ones' types (checked by the compiler in `tsc --noEmit -p .`: the assignments below), and
// the values it declares are exactly what a script's `import ... from "ftl2"` gets at run time.
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as api from "../../../src/automation/index.ts";
import type * as pub from "../../../src/automation/_public.ts";

// Both ways: a change to either side that the other does not follow is a compile error.
const automationDecl: typeof pub.automation = api.automation;
const automationReal: typeof api.automation = automationDecl;
const errorDecl: typeof pub.AutomationFailedError = api.AutomationFailedError;
const errorReal: typeof api.AutomationFailedError = errorDecl;

/** The value names _public.ts exports: declared functions and classes, and value re-exports. */
function declaredValues(): string[] {
  const text = readFileSync(join(import.meta.dir, "..", "..", "..", "src", "automation", "_public.ts"), "utf8");
  const declared = [...text.matchAll(/^export declare (?:function|class) (\w+)/gm)].map((m) => m[1]!);
  const reexported = [...text.matchAll(/^export \{ ([^}]+) \} from/gm)].flatMap((m) => m[1]!.split(",").map((n) => n.trim()));
  return [...declared, ...reexported].sort();
}

test("the declared values are the runtime values scripts import from the ftl2 module", () => {
  expect([automationReal, errorReal].every((v) => typeof v === "function")).toBe(true);
  const runtime = Object.keys(api).filter((k) => !api.FRONT_DOOR_EXPORTS.has(k));
  expect(declaredValues()).toEqual(runtime.sort());
});
