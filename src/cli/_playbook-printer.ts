// Prints a script's module calls as ansible-playbook's default callback does, from the engine events: a task
// banner per call, a line per host result, and the PLAY RECAP over every call at the end. Results go to stdout,
// warnings to stderr, as ansible's. Calls a script runs at the same time (Promise.all) have no playbook
// equivalent: a call that starts while another runs gets its banner with its first result, and a banner is only
// printed again when the results switch to a call of another module, so N concurrent `stat` calls read as one task.
import type { EngineEvent, RunStats } from "../events/index.ts";
import { emptyStats, recordStatus } from "../executor/index.ts";
import { cleanCopy, columnsFor, formatError, formatWarning, playbookHostLines, recapLines, stringc, taskBanner, type DisplayLine } from "../output/index.ts";
import { maskSecrets, type Secret } from "../secret.ts";
import type { CliIO } from "./_io.ts";
import { useColor } from "./_printer.ts";

export class PlaybookPrinter {
  readonly #io: CliIO;
  readonly #verbosity: number;
  readonly #color: boolean;
  readonly #columns: number;
  readonly #modules = new Map<string, string>();
  /** Calls started and not yet complete. */
  readonly #running = new Set<string>();
  /** Calls that started while another ran: their banner waits for their first result. */
  readonly #deferred = new Set<string>();
  readonly #warned = new Set<string>();
  #lastBanner: string | undefined;
  readonly stats: RunStats = emptyStats();

  /** The secrets of every open context: errors from the script itself are masked here (the engine masks its own). */
  readonly #secrets: () => Iterable<Secret>;

  constructor(io: CliIO, verbosity: number, secrets: () => Iterable<Secret> = () => []) {
    this.#secrets = secrets;
    this.#io = io;
    this.#verbosity = verbosity;
    this.#color = useColor(io);
    this.#columns = columnsFor(io.stdout.isTTY === true, io.stdout.columns);
  }

  #write(line: DisplayLine): void {
    const text = line.text.endsWith("\n") ? line.text.slice(0, -1) : line.text;
    const body = this.#color && line.color ? stringc(text, line.color) : text;
    (line.stderr ? this.#io.stderr : this.#io.stdout).write(body + "\n");
  }

  #banner(runId: string): void {
    const last = this.#lastBanner;
    this.#lastBanner = runId;
    const module = this.#modules.get(runId) ?? "";
    // Overlapping calls of one module share the banner already on screen.
    const overlapping = last !== undefined && (this.#running.has(last) || this.#deferred.has(runId));
    if (overlapping && this.#modules.get(last) === module) return;
    this.#write(taskBanner(module, this.#columns));
  }

  /** The context's onEvent. */
  readonly onEvent = (ev: EngineEvent): void => {
    switch (ev.type) {
      case "run_start":
        this.#modules.set(ev.runId, ev.module);
        if (this.#running.size === 0) this.#banner(ev.runId);
        else this.#deferred.add(ev.runId);
        this.#running.add(ev.runId);
        break;
      case "run_complete":
        this.#running.delete(ev.runId);
        this.#deferred.delete(ev.runId);
        break;
      case "module_complete": {
        recordStatus(this.stats, ev.host, ev.status);
        if (this.#lastBanner !== ev.runId) this.#banner(ev.runId);
        const view = { host: ev.host, status: ev.status, result: cleanCopy(ev.result), action: ev.module };
        for (const l of playbookHostLines(view, this.#verbosity)) this.#write(l);
        break;
      }
      default:
        break;
    }
  };

  warn(msg: string): void {
    const text = formatWarning(maskSecrets(msg, this.#secrets()), columnsFor(this.#io.stderr.isTTY === true, this.#io.stderr.columns));
    if (this.#warned.has(text)) return;
    this.#warned.add(text);
    this.#write({ text, color: "warn", stderr: true });
  }

  error(msg: string): void {
    this.#write({ text: formatError(maskSecrets(msg, this.#secrets())), color: "error", stderr: true });
  }

  /** The PLAY RECAP, when any call ran. */
  recap(): void {
    if (Object.keys(this.stats.processed).length === 0) return;
    for (const l of recapLines(this.stats, { color: this.#color, columns: this.#columns })) this.#write(l);
  }
}
