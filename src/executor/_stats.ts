// Classifies a module result the way Ansible's TaskResult does, and keeps Ansible's per-host stats
// (ok counts changed results too; processed marks every host that ran).
import type { HostStatus, RunStats } from "../events/index.ts";
import type { ModuleResult } from "../modules/_types.ts";

export function classifyResult(r: ModuleResult): HostStatus {
  if (r.unreachable === true) return "unreachable";
  if (r.failed === true || (r.failed_when_result as unknown) === true) return "failed";
  if (r.skipped === true) return "skipped";
  return r.changed === true ? "changed" : "ok";
}

export function emptyStats(): RunStats {
  return { ok: {}, changed: {}, failures: {}, dark: {}, skipped: {}, rescued: {}, ignored: {}, processed: {} };
}

function bump(map: Record<string, number>, host: string): void {
  map[host] = (map[host] ?? 0) + 1;
}

export function recordStatus(stats: RunStats, host: string, status: HostStatus): void {
  stats.processed[host] = 1;
  switch (status) {
    case "ok":
      bump(stats.ok, host);
      break;
    case "changed":
      bump(stats.ok, host);
      bump(stats.changed, host);
      break;
    case "failed":
      bump(stats.failures, host);
      break;
    case "unreachable":
      bump(stats.dark, host);
      break;
    case "skipped":
      bump(stats.skipped, host);
      break;
  }
}

/** Ansible's run result code: 4 when any host was unreachable, else 2 when any failed, else 0. */
export function exitCodeFor(stats: RunStats): number {
  if (Object.keys(stats.dark).length > 0) return 4;
  if (Object.keys(stats.failures).length > 0) return 2;
  return 0;
}
