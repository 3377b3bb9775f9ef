// Ansible's `default` stdout callback (ansible-playbook's), for runs made of several module calls: the task
// banner, one line per host result (the result shown at -v, always for failures), and the PLAY RECAP.
// `ftl2 run` prints these lines; a worker script job puts them into its events' stdout.
import type { RunStats } from "../events/index.ts";
import { COLORS, stringc, type ColorName } from "./_display.ts";
import { dumpResult } from "./_dump.ts";
import { exceptionLine, takeWarningLines, type DisplayLine, type HostEventView } from "./_lines.ts";

/** Display.banner: `\nTASK [name] ***` filled with stars to `columns` (at least three). */
export function bannerLine(title: string, columns = 79): DisplayLine {
  const msg = title.trim();
  return { text: `\n${msg} ${"*".repeat(Math.max(3, columns - msg.length))}` };
}

export function taskBanner(module: string, columns = 79): DisplayLine {
  return bannerLine(`TASK [${module}]`, columns);
}

/** The default callback's lines for one host result (v2_runner_on_ok/failed/skipped/unreachable). */
export function playbookHostLines(ev: HostEventView, verbosity: number): DisplayLine[] {
  const result = { ...ev.result };
  const lines: DisplayLine[] = [];
  const verbose = (verbosity > 0 || result._ansible_verbose_always === true) && result._ansible_verbose_override !== true;
  const warn = (): void => void lines.push(...takeWarningLines(result));
  switch (ev.status) {
    case "failed": {
      const ex = exceptionLine(result, verbosity);
      if (ex) lines.push(ex);
      warn();
      lines.push({ text: `fatal: [${ev.host}]: FAILED! => ${dumpResult(result, { verbosity })}`, color: "error" });
      break;
    }
    case "ok":
    case "changed": {
      const changed = result.changed === true;
      warn();
      const head = `${changed ? "changed" : "ok"}: [${ev.host}]`;
      lines.push({ text: verbose ? `${head} => ${dumpResult(result, { verbosity })}` : head, color: changed ? "changed" : "ok" });
      break;
    }
    case "skipped": {
      const head = `skipping: [${ev.host}]`;
      lines.push({ text: verbose ? `${head} => ${dumpResult(result, { verbosity })}` : head, color: "skip" });
      break;
    }
    case "unreachable":
      lines.push({ text: `fatal: [${ev.host}]: UNREACHABLE! => ${dumpResult(result, { verbosity })}`, color: "unreachable" });
      break;
  }
  return lines;
}

function paint(text: string, color: ColorName | undefined, on: boolean): string {
  return on && color ? `\x1b[${COLORS[color]}m${text}\x1b[0m` : text;
}

/** ansible.utils.color.colorize: `lead=num` padded to 4, coloured when not zero. */
function colorize(lead: string, num: number, color: ColorName, on: boolean): string {
  const s = `${lead}=${String(num).padEnd(4)}`;
  return num !== 0 ? paint(s, color, on) : s;
}

/**
 * v2_playbook_on_stats: the PLAY RECAP banner, one line per processed host (sorted), then an empty line.
 * Colours are inside the lines (one per counter), so these lines carry no colour of their own.
 */
export function recapLines(stats: RunStats, opts: { color: boolean; columns?: number }): DisplayLine[] {
  const on = opts.color;
  const n = (m: Record<string, number>, h: string): number => m[h] ?? 0;
  const lines: DisplayLine[] = [bannerLine("PLAY RECAP", opts.columns)];
  for (const h of Object.keys(stats.processed).sort()) {
    const failures = n(stats.failures, h);
    const dark = n(stats.dark, h);
    const changed = n(stats.changed, h);
    // hostcolor pads the coloured name to 37 (26 + the 11 bytes of colour codes), the plain one to 26.
    const name = on ? stringc(h, failures !== 0 || dark !== 0 ? "error" : changed !== 0 ? "changed" : "ok").padEnd(37) : h.padEnd(26);
    const counters = [
      colorize("ok", n(stats.ok, h), "ok", on),
      colorize("changed", changed, "changed", on),
      colorize("unreachable", dark, "unreachable", on),
      colorize("failed", failures, "error", on),
      colorize("skipped", n(stats.skipped, h), "skip", on),
      colorize("rescued", n(stats.rescued, h), "ok", on),
      colorize("ignored", n(stats.ignored, h), "warn", on),
    ];
    lines.push({ text: `${name} : ${counters.join(" ")}` });
  }
  lines.push({ text: "" });
  return lines;
}
