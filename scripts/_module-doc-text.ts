// Ansible documentation text as JSDoc: the markup ansible-doc leaves in (C(), I(), M(), L(), ...) becomes plain
// text or Markdown code, only the first sentence is kept (editors show it on hover; the full text is a click
// away in ansible-doc), and nothing in it can end the comment early.

/** A doc `description`: ansible-doc gives a list of paragraphs, or one string. */
export type DocText = string | readonly string[] | undefined | null;

// The markup macros of Ansible's doc format, as ansible-doc's text renderer recognises them.
const MARKUP: readonly [RegExp, string][] = [
  [/\bL\(([^)]+),\s*([^)]+)\)/g, "$1"],
  [/\bR\(([^)]+),\s*([^)]+)\)/g, "$1"],
  [/\bU\(([^)]+)\)/g, "$1"],
  [/\bM\(([^)]+)\)/g, "`$1`"],
  [/\bC\(([^)]+)\)/g, "`$1`"],
  [/\b[IBV]\(([^)]+)\)/g, "$1"],
  [/\bO\(([^)]+)\)/g, "`$1`"],
  [/\bRV\(([^)]+)\)/g, "`$1`"],
  [/\bE\(([^)]+)\)/g, "`$1`"],
  [/\bHORIZONTALLINE\b/g, " "],
];

/** Ansible doc markup to plain text with Markdown code spans; whitespace collapsed. */
export function stripMarkup(text: string): string {
  let out = text;
  for (const [re, to] of MARKUP) out = out.replace(re, to);
  return out.replace(/\s+/g, " ").trim();
}

// Words ending in a period that do not end a sentence.
const ABBREVIATIONS = new Set(["e.g", "i.e", "eg", "ie", "vs", "approx", "cf"]);

/** The text up to and including the first sentence end (`.`, `!`, `?` then a space), outside code spans. */
export function firstSentence(text: string): string {
  let inCode = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "`") inCode = !inCode;
    if (inCode || (ch !== "." && ch !== "!" && ch !== "?")) continue;
    const next = text[i + 1];
    if (next !== undefined && next !== " ") continue;
    const word = /(\S+)$/.exec(text.slice(0, i))?.[1]?.toLowerCase() ?? "";
    if (ch === "." && ABBREVIATIONS.has(word)) continue;
    return text.slice(0, i + 1);
  }
  return text;
}

/** The first sentence of a doc description's first paragraph, markup stripped. */
export function summarize(desc: DocText): string {
  const first = typeof desc === "string" ? desc : (desc?.[0] ?? "");
  return firstSentence(stripMarkup(first));
}

/** Text made safe inside a block comment: `*\/` cannot close it, `@` cannot start a tag. */
export function escapeComment(text: string): string {
  return text.replace(/\*\//g, "*\\/").replace(/(^|\s)@/g, "$1\\@");
}

/** Line width of the generated file. */
export const WIDTH = 118;

/** Greedy word wrap of one paragraph to `width` columns. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === "" ? word : `${line} ${word}`;
    }
  }
  if (line !== "") lines.push(line);
  return lines;
}

/**
 * A JSDoc block at `indent`: one line when it fits, else one paragraph per entry of `parts`, wrapped. Entries
 * starting with `@` are tags. Empty parts are dropped; no parts gives no comment at all.
 */
export function renderJsDoc(parts: readonly string[], indent: string): string[] {
  const texts = parts.map((p) => (p.startsWith("@") ? `@${escapeComment(p.slice(1))}` : escapeComment(p)));
  const kept = texts.filter((p) => p !== "");
  if (kept.length === 0) return [];
  const only = kept[0] ?? "";
  if (kept.length === 1 && !only.startsWith("@") && indent.length + only.length + 7 <= WIDTH) {
    return [`${indent}/** ${only} */`];
  }
  const body = kept.flatMap((p) => wrap(p, WIDTH - indent.length - 3));
  return [`${indent}/**`, ...body.map((l) => `${indent} * ${l}`), `${indent} */`];
}
