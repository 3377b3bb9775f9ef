// The result JSON ansible's callbacks print (CallbackBase._dump_results): internal `_ansible_*` keys
// stripped, `invocation` and `diff` dropped below -vvv, `exception` dropped, keys sorted, non-ASCII kept.
import { pyJsonDumps } from "../events/index.ts";

export function abridgeResult(result: Record<string, unknown>, verbosity: number, keepInvocation = false): Record<string, unknown> {
  const out = stripInternalKeys(result) as Record<string, unknown>;
  if (!keepInvocation && verbosity < 3) delete out.invocation;
  if (verbosity < 3) delete out.diff;
  delete out.exception;
  return out;
}

function stripInternalKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripInternalKeys);
  if (v !== null && typeof v === "object" && !(v instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (k.startsWith("_ansible_")) continue;
      out[k] = stripInternalKeys(x);
    }
    return out;
  }
  return v;
}

export function dumpResult(result: Record<string, unknown>, opts: { indent?: number; verbosity: number }): string {
  let indent = opts.indent;
  if (!indent && (result._ansible_verbose_always === true || opts.verbosity > 2)) indent = 4;
  return pyJsonDumps(abridgeResult(result, opts.verbosity), { indent, sortKeys: true, ensureAscii: false });
}
