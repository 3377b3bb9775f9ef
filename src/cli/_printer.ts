// Prints an ad-hoc run the way ansible does (minimal or oneline callback, tree files), or as JSON lines
// for tools. Warnings go to stderr once each; colours follow ansible's rules.
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { HostResult } from "../executor/index.ts";
import type { RunStats } from "../events/index.ts";
import {
  cleanCopy, columnsFor, dumpResult, formatError, formatWarning, minimalLines, onelineLines, stringc, type ColorName, type DisplayLine,
} from "../output/index.ts";
import type { CliIO } from "./_io.ts";
import type { ProgressLine } from "./_progress.ts";

export type OutputMode = "minimal" | "oneline" | "json";

export function useColor(io: CliIO): boolean {
  const { env } = io;
  if (env.ANSIBLE_NOCOLOR && env.ANSIBLE_NOCOLOR !== "0" && env.ANSIBLE_NOCOLOR.toLowerCase() !== "false") return false;
  if (env.NO_COLOR) return false;
  if (env.ANSIBLE_FORCE_COLOR && env.ANSIBLE_FORCE_COLOR !== "0" && env.ANSIBLE_FORCE_COLOR.toLowerCase() !== "false") return true;
  return io.stdout.isTTY === true;
}

function withoutInternalKeys(r: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(r).filter(([k]) => !k.startsWith("_ansible_")));
}

export class AdhocPrinter {
  readonly #io: CliIO;
  readonly #mode: OutputMode;
  readonly #color: boolean;
  readonly #verbosity: number;
  readonly #tree?: string;
  readonly #warned = new Set<string>();
  progress?: ProgressLine;

  constructor(io: CliIO, opts: { mode: OutputMode; verbosity: number; tree?: string }) {
    this.#io = io;
    this.#mode = opts.mode;
    this.#verbosity = opts.verbosity;
    this.#tree = opts.tree;
    this.#color = useColor(io);
  }

  #paint(text: string, color?: ColorName): string {
    return this.#color && color ? stringc(text, color) : text;
  }

  #write(line: DisplayLine): void {
    this.progress?.clear();
    const text = line.text.endsWith("\n") ? line.text : line.text + "\n";
    // stringc colours each line; the trailing newline stays outside the colour codes, as in ansible.
    const body = this.#paint(text.slice(0, -1), line.color) + "\n";
    (line.stderr ? this.#io.stderr : this.#io.stdout).write(body);
  }

  warn(msg: string): void {
    const text = formatWarning(msg, columnsFor(this.#io.stderr.isTTY === true, this.#io.stderr.columns));
    if (this.#warned.has(text)) return;
    this.#warned.add(text);
    this.#write({ text, color: "warn", stderr: true });
  }

  usage(text: string): void {
    this.progress?.clear();
    this.#io.stdout.write(text);
  }

  error(msg: string): void {
    this.#write({ text: formatError(msg), color: "error", stderr: true });
  }

  listHosts(hosts: readonly string[]): void {
    this.#io.stdout.write(`  hosts (${hosts.length}):\n` + hosts.map((h) => `    ${h}\n`).join(""));
  }

  result(hr: HostResult, action: string): void {
    if (this.#tree && hr.status !== "skipped") this.#writeTree(hr);
    if (this.#mode === "json") {
      this.progress?.clear();
      this.#io.stdout.write(
        JSON.stringify({ event: "host_result", host: hr.host, status: hr.status, changed: hr.result.changed === true, duration_ms: hr.durationMs, result: withoutInternalKeys(hr.result) }) + "\n",
      );
      return;
    }
    const view = { host: hr.host, status: hr.status, result: cleanCopy(hr.result), action };
    const lines = this.#mode === "oneline" ? onelineLines(view, this.#verbosity) : minimalLines(view, this.#verbosity);
    for (const l of lines) this.#write(l);
  }

  summary(stats: RunStats, rc: number): void {
    if (this.#mode === "json") this.#io.stdout.write(JSON.stringify({ event: "stats", rc, stats }) + "\n");
  }

  #writeTree(hr: HostResult): void {
    const dir = this.#tree as string;
    const { warnings: _w, deprecations: _d, ...rest } = cleanCopy(hr.result);
    try {
      mkdirSync(dir, { recursive: true });
      const path = join(dir, hr.host);
      writeFileSync(path + ".ftl2-tmp", dumpResult(rest, { verbosity: this.#verbosity }));
      renameSync(path + ".ftl2-tmp", path);
    } catch (e) {
      this.warn(`Unable to write to ${hr.host}'s file: ${(e as Error).message}`);
    }
  }
}
