// Prints a script's module calls as ansible-playbook's default callback does, from the engine events: a task
// banner per call, a line per host result, and the PLAY RECAP over every call at the end. Results go to stdout,
// warnings to stderr, as ansible's. Calls a script runs at the same time (Promise.all) have no playbook
// equivalent: a banner is printed with a call's first result, and again only when the results switch to a call
// of another module (or one that did not overlap), so N concurrent `stat` calls read as one task.
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
  /** When each call started and ended, in event order: two calls overlapped unless one ended before the other began. */
  readonly #span = new Map<string, { start: number; end?: number }>();
  #clock = 0;
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
    if (last !== undefined && this.#modules.get(last) === module && this.#overlap(last, runId)) return;
    this.#write(taskBanner(module, this.#columns));
  }

  /** The context's onEvent. */
  readonly onEvent = (ev: EngineEvent): void => {
    switch (ev.type) {
      case "run_start":
        this.#modules.set(ev.runId, ev.module);
        this.#span.set(ev.runId, { start: ++this.#clock });
        // The banner comes with the call's first result, so calls running at once never leave one empty.
        break;
      case "run_complete":
        (this.#span.get(ev.runId) ?? { start: 0 }).end = ++this.#clock;
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

  #overlap(a: string, b: string): boolean {
    const x = this.#span.get(a);
    const y = this.#span.get(b);
    if (!x || !y) return false;
    return (x.end === undefined || x.end > y.start) && (y.end === undefined || y.end > x.start);
  }

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
