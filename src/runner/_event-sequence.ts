// What every ansible-runner event of one job shares, whichever callback shape made it: the counter, the
// stdout line numbers (start_line/end_line), the human stdout of the event (display lines, coloured as on
// ansible-runner's pty, joined with \r\n), the AWX ids from the job's env, pid and the creation time.
import { randomUUID } from "node:crypto";
import { stringc, type DisplayLine } from "../output/index.ts";
import { pythonIsoTime } from "./_py-time.ts";

export type RunnerEvent = Record<string, unknown>;

export interface EventSequenceOptions {
  ident: string;
  /** The job's environment: JOB_ID / AD_HOC_COMMAND_ID / PROJECT_UPDATE_ID and the colour settings. */
  env: Readonly<Record<string, string | undefined>>;
  pid?: number;
  now?: () => Date;
}

function truthy(v: string | undefined): boolean {
  return v !== undefined && v !== "" && !["0", "false", "no", "off", "n", "f"].includes(v.toLowerCase());
}

/** ansible-runner runs ansible on a pty, so colour is on unless turned off. */
export function runnerColor(env: Readonly<Record<string, string | undefined>>): boolean {
  if (truthy(env.ANSIBLE_NOCOLOR) || env.NO_COLOR) return false;
  return true;
}

export class EventSequence {
  readonly ident: string;
  readonly color: boolean;
  readonly #env: EventSequenceOptions["env"];
  readonly #now: () => Date;
  readonly #pid: number;
  #counter = 0;
  #line = 0;

  constructor(opts: EventSequenceOptions) {
    this.ident = opts.ident;
    this.#env = opts.env;
    this.color = runnerColor(opts.env);
    this.#now = opts.now ?? (() => new Date());
    this.#pid = opts.pid ?? process.pid;
  }

  created(): string {
    return pythonIsoTime(this.#now());
  }

  nextCounter(): number {
    return ++this.#counter;
  }

  /**
   * The event's stdout and the lines it spans. A trailing empty line (display("") after the recap) counts as
   * a line but leaves no text, as ansible-runner's OutputEventFilter records it.
   */
  stdout(lines: readonly DisplayLine[]): { stdout: string; start_line: number; end_line: number } {
    const text = lines
      .map((l) => {
        const body = l.text.endsWith("\n") ? l.text.slice(0, -1) : l.text;
        return this.color && l.color ? stringc(body, l.color) : body;
      })
      .join("\n");
    const start = this.#line;
    let stdout = text === "" ? "" : text.split("\n").join("\r\n");
    if (stdout !== "") this.#line += stdout.split("\r\n").length;
    if (lines.length > 1 && stdout.endsWith("\r\n")) stdout = stdout.slice(0, -2);
    return { stdout, start_line: start, end_line: this.#line };
  }

  /** uuid, counter, stdout, start_line, end_line, runner_ident: the head every callback event starts with. */
  head(uuid: string, lines: readonly DisplayLine[]): RunnerEvent {
    return { uuid, counter: this.nextCounter(), ...this.stdout(lines), runner_ident: this.ident };
  }

  /** event, the AWX ids the job's env names, pid. */
  ids(event: string): RunnerEvent {
    const out: RunnerEvent = { event };
    const env = this.#env;
    if (env.JOB_ID) out.job_id = Number.parseInt(env.JOB_ID, 10) || 0;
    if (env.AD_HOC_COMMAND_ID) out.ad_hoc_command_id = Number.parseInt(env.AD_HOC_COMMAND_ID, 10) || 0;
    if (env.PROJECT_UPDATE_ID) out.project_update_id = Number.parseInt(env.PROJECT_UPDATE_ID, 10) || 0;
    out.pid = this.#pid;
    return out;
  }

  /** A `verbose` event: text printed outside any task (warnings, errors, notes). */
  verbose(lines: readonly DisplayLine[]): RunnerEvent {
    const uuid = randomUUID();
    return { event: "verbose", uuid, counter: this.nextCounter(), ...this.stdout(lines), runner_ident: this.ident, created: this.created() };
  }
}
