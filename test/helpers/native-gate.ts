// Shared by the native-parity tests: fixture arguments with {tmp} filled in, and the gate's native modules run on
// a batch of cases in one Python process (gate/tests/native_driver.py).
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { SYSTEM_PYTHON } from "./ansible.ts";

const DRIVER = join(import.meta.dir, "..", "..", "gate", "tests", "native_driver.py");

/** `{tmp}` in every string of a fixture value replaced by `tmp`. */
export function fillTmp(value: unknown, tmp: string): unknown {
  if (typeof value === "string") return value.replaceAll("{tmp}", tmp);
  if (Array.isArray(value)) return value.map((v) => fillTmp(v, tmp));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillTmp(v, tmp)]));
  return value;
}

export interface GateCase {
  module: string;
  args: Record<string, unknown>;
  check_mode: boolean;
  diff_mode: boolean;
  /** Calls made first, on the same files (e.g. the first run of an idempotence check). */
  before?: Record<string, unknown>[];
}

/** ModuleResult data per case, or `{unsupported: true}` where the gate would ship the real module. */
export function runGateCases(cases: GateCase[]): Record<string, unknown>[] {
  const r = spawnSync(SYSTEM_PYTHON, [DRIVER], { input: JSON.stringify(cases), encoding: "utf8" });
  if (r.status !== 0) throw new Error(`native_driver failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}
