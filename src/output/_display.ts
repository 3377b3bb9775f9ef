// Ansible's Display conventions: colours applied per line (stringc), warnings and errors worded and wrapped
// as ansible-core prints them (textwrap at max(79, tty columns - 1)).

export const COLORS = {
  ok: "0;32",
  changed: "0;33",
  error: "0;31",
  unreachable: "1;31",
  skip: "0;36",
  warn: "1;35",
  verbose: "0;34",
  diffAdd: "0;32",
  diffRemove: "0;31",
  diffLines: "0;36",
} as const;
export type ColorName = keyof typeof COLORS;

/** Wraps each line of `text` in the ANSI colour, as ansible's stringc does. */
export function stringc(text: string, color: ColorName): string {
  return text
    .split("\n")
    .map((t) => `\x1b[${COLORS[color]}m${t}\x1b[0m`)
    .join("\n");
}

/** Python's textwrap.wrap for plain prose: greedy fill on whitespace, long words broken. */
export function textWrap(text: string, width: number): string[] {
  const words = text.replace(/\s+/g, " ").trim().split(" ").filter(Boolean);
  const lines: string[] = [];
  let line = "";
  for (let w of words) {
    while (w.length > width) {
      if (line) {
        lines.push(line);
        line = "";
      }
      lines.push(w.slice(0, width));
      w = w.slice(width);
    }
    if (!line) line = w;
    else if (line.length + 1 + w.length <= width) line += " " + w;
    else {
      lines.push(line);
      line = w;
    }
  }
  if (line) lines.push(line);
  return lines;
}

export function columnsFor(isTty: boolean, ttyColumns: number | undefined): number {
  return Math.max(79, isTty && ttyColumns ? ttyColumns - 1 : 0);
}

export function formatWarning(msg: string, columns = 79): string {
  return textWrap(`[WARNING]: ${msg}`, columns).join("\n") + "\n";
}

/** `ERROR! msg` (ansible's unwrapped form for errors raised to the top level). */
export function formatError(msg: string): string {
  return `ERROR! ${msg}\n`;
}
