// The ansible-runner events of an ad-hoc run, shaped as ansible-runner's awx_display callback and its
// OutputEventFilter make them: key order, counters, the human stdout of each event (the minimal callback's lines,
// coloured as on a terminal, joined with \r\n) with start_line/end_line, and event_data per event type.
import { randomBytes, randomUUID } from "node:crypto";
import type { HostStatus, RunStats } from "../events/index.ts";
import type { HostResult } from "../executor/index.ts";
import { cleanCopy, formatError, formatWarning, minimalLines, type ColorName, type DisplayLine } from "../output/index.ts";
import { EventSequence, type RunnerEvent } from "./_event-sequence.ts";
import { pythonIsoTime, pythonSeconds } from "./_py-time.ts";

export type { RunnerEvent } from "./_event-sequence.ts";
export { runnerColor } from "./_event-sequence.ts";

export interface AdhocEventOptions {
  ident: string;
  /** The job's environment: AD_HOC_COMMAND_ID / JOB_ID and the colour settings are read from it. */
  env: Readonly<Record<string, string | undefined>>;
  verbosity: number;
  /** The module as the job named it (task name and task_action). */
  module: string;
  emit: (event: RunnerEvent) => void;
  pid?: number;
  now?: () => Date;
}

export const RESULT_EVENT: Record<HostStatus, string> = {
  ok: "runner_on_ok",
  changed: "runner_on_ok",
  failed: "runner_on_failed",
  unreachable: "runner_on_unreachable",
  skipped: "runner_on_skipped",
};

/**
 * Ansible's task uuids: a random 20-hex-digit prefix per run and a 12-digit object counter
 * (`02fc0000-0001-5045-c4d6-000000000007`); an ad-hoc run has one task, so its counter is fixed.
 */
function taskUuid(): string {
  const h = randomBytes(10).toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-000000000005`;
}

export class AdhocEventBuilder {
  readonly #o: AdhocEventOptions;
  readonly #seq: EventSequence;
  readonly #playbookUuid = randomUUID();
  readonly #taskUuid = taskUuid();

  constructor(opts: AdhocEventOptions) {
    this.#o = opts;
    this.#seq = new EventSequence(opts);
  }

  get playbookUuid(): string {
    return this.#playbookUuid;
  }

  #head(uuid: string, lines: readonly DisplayLine[]): RunnerEvent {
    return this.#seq.head(uuid, lines);
  }

  #ids(event: string): RunnerEvent {
    return this.#seq.ids(event);
  }

  #task(): RunnerEvent {
    return {
      playbook: "__adhoc_playbook__", playbook_uuid: this.#playbookUuid, task: this.#o.module, task_uuid: this.#taskUuid,
      task_action: this.#o.module, resolved_action: null, task_args: "", task_path: "",
    };
  }

  /** Text printed outside any task (warnings, errors, -v notes): a `verbose` event. */
  verbose(text: string, color?: ColorName): void {
    this.#o.emit(this.#seq.verbose([{ text, color }]));
  }

  warning(msg: string): void {
    this.verbose(formatWarning(msg), "warn");
  }

  error(msg: string): void {
    this.verbose(formatError(msg), "error");
  }

  playbookStart(): void {
    const uuid = this.#playbookUuid;
    this.#o.emit({
      ...this.#head(uuid, []), ...this.#ids("playbook_on_start"), created: this.#seq.created(),
      event_data: { playbook: "__adhoc_playbook__", playbook_uuid: uuid, uuid },
    });
  }

  hostStart(host: string): void {
    const uuid = randomUUID();
    this.#o.emit({
      ...this.#head(uuid, []), ...this.#ids("runner_on_start"), created: this.#seq.created(), parent_uuid: this.#taskUuid,
      event_data: { ...this.#task(), host, uuid },
    });
  }

  hostResult(hr: HostResult): void {
    const uuid = randomUUID();
    const event = RESULT_EVENT[hr.status];
    const res = cleanCopy(hr.result);
    const lines = minimalLines({ host: hr.host, status: hr.status, result: res, action: this.#o.module }, this.#o.verbosity);
    const timing = { start: pythonIsoTime(hr.startedAt), end: pythonIsoTime(hr.endedAt), duration: pythonSeconds(hr.durationMs) };
    const data: RunnerEvent = { ...this.#task(), host: hr.host, remote_addr: hr.host };
    if (event === "runner_on_unreachable") Object.assign(data, timing, { res });
    else if (event === "runner_on_skipped") Object.assign(data, timing, { event_loop: null });
    else if (event === "runner_on_failed") Object.assign(data, { res }, timing, { ignore_errors: null, event_loop: null });
    else Object.assign(data, { res }, timing, { event_loop: null });
    data.uuid = uuid;
    this.#o.emit({ ...this.#head(uuid, lines), ...this.#ids(event), created: this.#seq.created(), parent_uuid: this.#taskUuid, event_data: data });
  }

  stats(stats: RunStats): void {
    const uuid = randomUUID();
    this.#o.emit({
      ...this.#head(uuid, []), ...this.#ids("playbook_on_stats"), created: this.#seq.created(), parent_uuid: this.#playbookUuid,
      event_data: {
        playbook: "__adhoc_playbook__", playbook_uuid: this.#playbookUuid,
        changed: stats.changed, dark: stats.dark, failures: stats.failures, ignored: stats.ignored, ok: stats.ok,
        processed: stats.processed, rescued: stats.rescued, skipped: stats.skipped, artifact_data: {}, uuid,
      },
    });
  }
}
