// A call's per-host results as the scripting API returns them (typed fields, internal `_ansible_*` keys
// dropped, secrets masked), and the error fail-fast throws: it carries every host's result of the call.
import { FtlError } from "../errors.ts";
import type { HostResult as ExecutorResult } from "../executor/index.ts";
import type { Masker } from "./_mask.ts";
import type { HostResult } from "./_types.ts";

export function toHostResult(r: ExecutorResult, module: string, masker: Masker): HostResult {
  const result: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r.result)) if (!k.startsWith("_ansible_")) result[k] = v;
  const failed = r.status === "failed";
  const unreachable = r.status === "unreachable";
  const out: HostResult = {
    host: r.host,
    module,
    status: r.status,
    ok: !failed && !unreachable,
    changed: r.status === "changed",
    failed,
    unreachable,
    skipped: r.status === "skipped",
    result: masker.deep(result),
    durationMs: r.durationMs,
  };
  if (failed || unreachable) out.error = masker.text(String(r.result.msg ?? (failed ? "failed" : "unreachable")));
  return out;
}

/** Thrown by a call under fail-fast when a host failed or was unreachable; `results` holds every host that ran. */
export class AutomationFailedError extends FtlError {
  readonly results: HostResult[];
  readonly module: string;
  readonly pattern: string;

  constructor(module: string, pattern: string, results: HostResult[]) {
    const bad = results.filter((r) => r.failed || r.unreachable);
    const first = bad[0];
    const names = bad.map((r) => r.host).join(", ");
    const what = first?.unreachable ? "unreachable" : "failed";
    super("TASK_FAILED", `${module} on ${pattern}: ${bad.length} host${bad.length === 1 ? "" : "s"} failed (${names}); ${first?.host} ${what}: ${first?.error ?? ""}`, {
      hint: "`error.results` holds every host's result; pass failFast: false to collect failures in ftl.errors instead",
    });
    this.results = results;
    this.module = module;
    this.pattern = pattern;
  }
}
