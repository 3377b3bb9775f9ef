// Reading a job's artifacts back the way ansible-runner's Runner does: events from job_events/ in counter order
// (collect_new_events: `N-UUID.json`, partial files skipped), stats from the playbook_on_stats event, a host's
// events by event_data.host, and the stdout/stderr files.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { RunStats } from "../events/index.ts";
import type { RunnerEvent } from "./_adhoc-events.ts";
import { RunnerJobError } from "./_job-error.ts";

/** Host -> count maps, as Ansible's AggregateStats and ansible-runner's Runner.stats give them (the engine's RunStats). */
export type RunnerStats = RunStats;

const EVENT_FILE = /^[0-9]+-.+json$/;

export function readJobEvents(artifactDir: string): RunnerEvent[] {
  const dir = join(artifactDir, "job_events");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => EVENT_FILE.test(f) && !f.includes("-partial"))
    .map((f) => ({ f, n: Number.parseInt(f, 10) }))
    .sort((a, b) => a.n - b.n)
    .map(({ f }) => JSON.parse(readFileSync(join(dir, f), "utf8")) as RunnerEvent);
}

function counts(data: RunnerEvent, key: keyof RunnerStats): Record<string, number> {
  const v = data[key];
  return v && typeof v === "object" ? (v as Record<string, number>) : {};
}

/** null when there is no playbook_on_stats event (the job did not finish, or its file was not kept). */
export function statsFromEvents(events: Iterable<RunnerEvent>): RunnerStats | null {
  for (const ev of events) {
    if (ev.event !== "playbook_on_stats") continue;
    const d = (ev.event_data ?? {}) as RunnerEvent;
    return {
      skipped: counts(d, "skipped"), ok: counts(d, "ok"), dark: counts(d, "dark"), failures: counts(d, "failures"),
      ignored: counts(d, "ignored"), rescued: counts(d, "rescued"), processed: counts(d, "processed"), changed: counts(d, "changed"),
    };
  }
  return null;
}

export function hostEventsOf(events: Iterable<RunnerEvent>, host: string): RunnerEvent[] {
  const out: RunnerEvent[] = [];
  for (const ev of events) {
    const d = ev.event_data as RunnerEvent | undefined;
    if (d && typeof d === "object" && d.host === host) out.push(ev);
  }
  return out;
}

export function readArtifactText(artifactDir: string, name: "stdout" | "stderr"): string {
  const path = join(artifactDir, name);
  if (!existsSync(path)) {
    throw new RunnerJobError(`${name} missing: ${path} was not written (the job has not started, or suppress_output_file is set)`);
  }
  return readFileSync(path, "utf8");
}
