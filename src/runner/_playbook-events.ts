// The ansible-runner events of a worker script job, shaped as a playbook run's (awx_display over the default
// callback): playbook_on_start, one playbook_on_play_start, then per module call a playbook_on_task_start
// (task = module name), runner_on_start per host and runner_on_ok/failed/unreachable/skipped with the result,
// and playbook_on_stats over every call at the end. Built from engine events, so any context's calls fit in.
import { randomBytes, randomUUID } from "node:crypto";
import type { EngineEvent, ModuleCompleteEvent, RunStats } from "../events/index.ts";
import { emptyStats, recordStatus } from "../executor/index.ts";
import { bannerLine, cleanCopy, formatError, playbookHostLines, recapLines, taskBanner, type DisplayLine } from "../output/index.ts";
import { RESULT_EVENT } from "./_adhoc-events.ts";
import { EventSequence, type EventSequenceOptions, type RunnerEvent } from "./_event-sequence.ts";
import { pythonIsoTime, pythonSeconds } from "./_py-time.ts";

export interface PlaybookEventOptions extends EventSequenceOptions {
  /** The playbook name events carry: the script's file name. */
  playbook: string;
  verbosity: number;
  emit: (event: RunnerEvent) => void;
}

interface Task {
  module: string;
  uuid: string;
  data: RunnerEvent;
}

const PLAY = "all";

export class PlaybookEventBuilder {
  readonly #o: PlaybookEventOptions;
  readonly #seq: EventSequence;
  readonly #playbookUuid = randomUUID();
  // Ansible's object uuids: one random prefix per run, then a 12-digit counter (the play is 4, tasks follow).
  readonly #prefix = randomBytes(10).toString("hex");
  #objects = 4;
  readonly #playUuid: string;
  readonly #tasks = new Map<string, Task>();
  #lastBanner: string | undefined;
  #started = false;
  readonly stats: RunStats = emptyStats();

  constructor(opts: PlaybookEventOptions) {
    this.#o = opts;
    this.#seq = new EventSequence(opts);
    this.#playUuid = this.#objectUuid();
  }

  #objectUuid(): string {
    const h = this.#prefix;
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${String(this.#objects++).padStart(12, "0")}`;
  }

  #play(): RunnerEvent {
    return { playbook: this.#o.playbook, playbook_uuid: this.#playbookUuid, play: PLAY, play_uuid: this.#playUuid, play_pattern: PLAY };
  }

  #emit(uuid: string, event: string, lines: readonly DisplayLine[], parent: string | undefined, data: RunnerEvent): void {
    const ev: RunnerEvent = { ...this.#seq.head(uuid, lines), ...this.#seq.ids(event), created: this.#seq.created() };
    if (parent !== undefined) ev.parent_uuid = parent;
    ev.event_data = { ...data, uuid };
    this.#o.emit(ev);
  }

  /** playbook_on_start and playbook_on_play_start, once, before anything else of the job. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    const pb = this.#playbookUuid;
    this.#emit(pb, "playbook_on_start", [], undefined, { playbook: this.#o.playbook, playbook_uuid: pb });
    this.#emit(this.#playUuid, "playbook_on_play_start", [bannerLine(`PLAY [${PLAY}]`)], pb, {
      ...this.#play(), name: PLAY, pattern: PLAY,
    });
  }

  /** A context's onEvent. */
  readonly onEvent = (ev: EngineEvent): void => {
    this.start();
    if (ev.type === "run_start") this.#taskStart(ev.runId, ev.module);
    else if (ev.type === "module_start") this.#hostStart(ev.runId, ev.host);
    else if (ev.type === "module_complete") this.#hostResult(ev);
  };

  #taskStart(runId: string, module: string): void {
    const uuid = this.#objectUuid();
    const data = {
      ...this.#play(), task: module, task_uuid: uuid, task_action: module, resolved_action: null, task_args: "", task_path: "",
    };
    this.#tasks.set(runId, { module, uuid, data });
    this.#lastBanner = runId;
    this.#emit(uuid, "playbook_on_task_start", [taskBanner(module)], this.#playUuid, { ...data, name: module, is_conditional: false });
  }

  #task(runId: string, module: string): Task {
    const known = this.#tasks.get(runId);
    if (known) return known;
    this.#taskStart(runId, module);
    return this.#tasks.get(runId) as Task;
  }

  #hostStart(runId: string, host: string): void {
    const t = this.#task(runId, "");
    this.#emit(randomUUID(), "runner_on_start", [], t.uuid, { ...t.data, host });
  }

  #hostResult(ev: ModuleCompleteEvent): void {
    const t = this.#task(ev.runId, ev.module);
    recordStatus(this.stats, ev.host, ev.status);
    const res = cleanCopy(ev.result);
    const lines = playbookHostLines({ host: ev.host, status: ev.status, result: res, action: ev.module }, this.#o.verbosity);
    // Concurrent calls interleave: the default callback repeats the banner when the task changes.
    if (this.#lastBanner !== ev.runId) lines.unshift(taskBanner(t.module));
    this.#lastBanner = ev.runId;
    const event = RESULT_EVENT[ev.status];
    const timing = { start: pythonIsoTime(ev.startedAt), end: pythonIsoTime(ev.endedAt), duration: pythonSeconds(ev.durationMs) };
    const data: RunnerEvent = { ...t.data, host: ev.host, remote_addr: ev.host };
    if (event === "runner_on_unreachable") Object.assign(data, timing, { res });
    else if (event === "runner_on_skipped") Object.assign(data, timing, { event_loop: null });
    else if (event === "runner_on_failed") Object.assign(data, { res }, timing, { ignore_errors: null, event_loop: null });
    else Object.assign(data, { res }, timing, { event_loop: null });
    this.#emit(randomUUID(), event, lines.filter((l) => !l.stderr), t.uuid, data);
  }

  /** playbook_on_stats over every call of the job, with the PLAY RECAP as its stdout. */
  end(): void {
    this.start();
    const s = this.stats;
    this.#emit(randomUUID(), "playbook_on_stats", recapLines(s, { color: this.#seq.color }), this.#playbookUuid, {
      playbook: this.#o.playbook, playbook_uuid: this.#playbookUuid,
      changed: s.changed, dark: s.dark, failures: s.failures, ignored: s.ignored, ok: s.ok, processed: s.processed,
      rescued: s.rescued, skipped: s.skipped, artifact_data: {},
    });
  }

  /** `ERROR! msg` as a verbose event (a script that failed to load or threw). */
  error(msg: string): void {
    this.#o.emit(this.#seq.verbose([{ text: formatError(msg), color: "error" }]));
  }

  /** A custom event from the script (`runner.emitEvent`): its own keys, with counter, uuid, lines and ids filled in. */
  custom(fields: Record<string, unknown>): void {
    const text = typeof fields.stdout === "string" ? fields.stdout : "";
    const uuid = randomUUID();
    const head = this.#seq.head(uuid, text === "" ? [] : [{ text: text.replace(/\r\n/g, "\n") }]);
    const { uuid: _u, counter: _c, start_line: _s, end_line: _e, stdout: _o, ...rest } = fields;
    this.#o.emit({ ...head, event: "verbose", pid: process.pid, created: this.#seq.created(), ...rest, runner_ident: this.#seq.ident });
  }
}
