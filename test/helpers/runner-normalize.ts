// Normalises ansible-runner events so a real worker's and ftl2's can be compared field by field: ids and times
// are checked for their form and then replaced, and the relations between ids (parent_uuid, playbook_uuid)
// are kept as roles.
import { expect } from "bun:test";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PY_ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?$/;
const MODULE_TIME = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/;

type Ev = Record<string, unknown>;

/** Checks the stream-wide invariants (counters 1..n, contiguous stdout lines) and returns normalised copies. */
export function normalizeRunnerEvents(events: readonly Ev[]): Ev[] {
  const playbook = events.find((e) => e.event === "playbook_on_start");
  const playbookUuid = playbook?.uuid;
  const taskUuids = new Set(events.map((e) => (e.event_data as Ev | undefined)?.task_uuid).filter(Boolean));
  expect(taskUuids.size).toBeLessThanOrEqual(1);
  let line = 0;
  return events.map((e, i) => {
    expect(e.counter).toBe(i + 1);
    expect(String(e.uuid)).toMatch(UUID);
    expect(String(e.created)).toMatch(PY_ISO);
    expect(e.start_line).toBe(line);
    const stdout = String(e.stdout);
    const n = stdout === "" ? 0 : stdout.split("\r\n").length;
    expect(e.end_line).toBe(line + n);
    line += n;
    const out: Ev = { ...e, uuid: "<uuid>", counter: "<n>", created: "<time>", start_line: "<l>", end_line: "<l>" };
    if ("pid" in e) {
      expect(typeof e.pid).toBe("number");
      out.pid = "<pid>";
    }
    if ("parent_uuid" in e) out.parent_uuid = e.parent_uuid === playbookUuid ? "<playbook>" : taskUuids.has(e.parent_uuid) ? "<task>" : e.parent_uuid;
    const data = e.event_data as Ev | undefined;
    if (data) {
      const d: Ev = { ...data };
      expect(d.uuid).toBe(e.uuid);
      d.uuid = "<uuid>";
      if ("playbook_uuid" in d) {
        expect(d.playbook_uuid).toBe(playbookUuid);
        d.playbook_uuid = "<playbook>";
      }
      if ("task_uuid" in d) d.task_uuid = "<task>";
      for (const k of ["start", "end"]) {
        if (k in d) {
          expect(String(d[k])).toMatch(PY_ISO);
          d[k] = "<time>";
        }
      }
      if ("duration" in d) {
        expect(typeof d.duration).toBe("number");
        d.duration = "<secs>";
      }
      if (d.res && typeof d.res === "object") {
        const res: Ev = { ...(d.res as Ev) };
        for (const k of ["start", "end"]) if (typeof res[k] === "string" && MODULE_TIME.test(res[k] as string)) res[k] = "<time>";
        if (typeof res.delta === "string") res.delta = "<delta>";
        d.res = res;
      }
      out.event_data = d;
    }
    return out;
  });
}

/** Events in a stable order for comparison: concurrency may finish hosts in another order. */
export function sortRunnerEvents(events: readonly Ev[]): Ev[] {
  const key = (e: Ev) => `${String(e.event)}\u0000${String((e.event_data as Ev | undefined)?.host ?? "")}\u0000${String(e.stdout)}`;
  return [...events].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
