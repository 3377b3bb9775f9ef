// Ansible's parsing/splitter.py: split_args cuts `k=v` text on spaces and newlines but keeps quoted strings and
// Jinja2 blocks ({{ }}, {% %}, {# #}) whole; parse_kv turns the words into a dict of strings, decoding backslash
// escapes and collecting words without `=` into `_raw_params`. Jinja2 is kept whole, never templated.

/** Which of splitter.py's failures happened; callers pick their own error code and hint from it. */
export type SplitArgsFailure = "unbalanced" | "index" | "escape";

/** Ansible's AnsibleParserError (or Python's own error) from split_args/parse_kv, with Ansible's text. */
export class SplitArgsError extends Error {
  override readonly name = "SplitArgsError";
  constructor(
    readonly failure: SplitArgsFailure,
    message: string,
  ) {
    super(message);
  }
}

// Python's str.isspace() set, which str.strip() removes (JS trim() differs on \x1c-\x1f, \x85, \ufeff).
const PY_SPACE = "\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const PY_STRIP = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, "g");

/** Python's str.strip() with no argument. */
export function pyStrip(s: string): string {
  return s.replace(PY_STRIP, "");
}

// check_raw: the only keys a free-form module's text may set; any other `k=v` word stays part of the command.
const FREE_FORM_KEYS = new Set([
  "creates", "removes", "chdir", "executable", "warn", "stdin", "stdin_add_newline", "strip_empty_ends",
]);

const SINGLE_ESCAPES: Record<string, string> = {
  "\\": "\\", "'": "'", '"': '"', a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v",
};
// \N{NAME} is matched (so it is not split up) but left as written: JS has no Unicode name table.
const ESCAPE_RE = /\\U[0-9a-fA-F]{8}|\\u[0-9a-fA-F]{4}|\\x[0-9a-fA-F]{2}|\\N\{[^}]+\}|\\[\\'"abfnrtv]/g;

function decodeEscapes(s: string): string {
  return s.replace(ESCAPE_RE, (m) => {
    const kind = m[1] as string;
    if (kind === "N") return m;
    if (kind === "U" || kind === "u" || kind === "x") {
      const cp = Number.parseInt(m.slice(2), 16);
      if (cp > 0x10ffff) throw new SplitArgsError("escape", `illegal Unicode character in escape ${m}`);
      return String.fromCodePoint(cp);
    }
    return SINGLE_ESCAPES[kind] ?? m;
  });
}

function unquote(s: string): string {
  const quoted = s.length > 1 && s[0] === s[s.length - 1] && (s[0] === '"' || s[0] === "'") && s[s.length - 2] !== "\\";
  return quoted ? s.slice(1, -1) : s;
}

function quoteState(token: string, quoteChar: string | null): string | null {
  for (let i = 0; i < token.length; i++) {
    const c = token[i] as string;
    if ((c === '"' || c === "'") && (i === 0 || token[i - 1] !== "\\")) {
      if (quoteChar === null) quoteChar = c;
      else if (c === quoteChar) quoteChar = null;
    }
  }
  return quoteChar;
}

function countOccurrences(s: string, sub: string): number {
  return s.split(sub).length - 1;
}

function blockDepth(token: string, depth: number, open: string, close: string): number {
  const diff = countOccurrences(token, open) - countOccurrences(token, close);
  return diff === 0 ? depth : Math.max(0, depth + diff);
}

const BLOCKS = [["{{", "}}"], ["{%", "%}"], ["{#", "#}"]] as const;

/** split_args: words of `args`; throws SplitArgsError on unbalanced quotes/blocks or a leading space or newline. */
export function splitArgs(args: string): string[] {
  const params: string[] = [];
  const appendLast = (s: string): void => {
    // Python indexes params[-1] here and fails on an empty list (a leading space or newline does that).
    if (params.length === 0) throw new SplitArgsError("index", "Unable to parse argument string. list index out of range");
    params[params.length - 1] += s;
  };
  const items = args.split("\n");
  let quoteChar: string | null = null;
  let insideQuotes = false;
  const depths = [0, 0, 0];
  const inBlock = (): boolean => depths.some((d) => d > 0);
  items.forEach((item, itemIdx) => {
    const tokens = item.split(" ");
    let lineContinuation = false;
    tokens.forEach((token, idx) => {
      if (token.length === 0 && idx !== 0) return appendLast(" ");
      if (token === "\\" && !insideQuotes) {
        lineContinuation = true;
        return;
      }
      const wasInsideQuotes = insideQuotes;
      quoteChar = quoteState(token, quoteChar);
      insideQuotes = quoteChar !== null;
      let appended = false;
      if (insideQuotes && !wasInsideQuotes && !inBlock()) {
        params.push(token);
        appended = true;
      } else if (inBlock() || insideQuotes || wasInsideQuotes) {
        if (idx === 0 && wasInsideQuotes) appendLast(token);
        else if (tokens.length > 1) appendLast(`${idx > 0 ? " " : ""}${token}`);
        else appendLast(`\n${token}`);
        appended = true;
      }
      BLOCKS.forEach(([open, close], b) => {
        const before = depths[b] as number;
        depths[b] = blockDepth(token, before, open, close);
        if (depths[b] !== before && !appended) {
          params.push(token);
          appended = true;
        }
      });
      if (!inBlock() && !insideQuotes && !appended && token !== "") params.push(token);
    });
    if (items.length > 1 && itemIdx !== items.length - 1 && !lineContinuation) appendLast("\n");
  });
  if (inBlock() || insideQuotes) {
    throw new SplitArgsError("unbalanced", `failed at splitting arguments, either an unbalanced jinja2 block or quotes: ${args}`);
  }
  return params;
}

function joinArgs(parts: readonly string[]): string {
  let out = "";
  for (const p of parts) out += out.length === 0 || out.endsWith("\n") ? p : ` ${p}`;
  return out;
}

/**
 * parse_kv(args, check_raw): `k=v` words to a dict of strings; other words (and, with checkRaw, keys a free-form
 * module does not take) go to `_raw_params`. Throws SplitArgsError.
 */
export function parseKv(args: string, checkRaw = false): Record<string, string> {
  const options: Record<string, string> = {};
  const raw: string[] = [];
  for (const orig of splitArgs(args)) {
    const x = decodeEscapes(orig);
    if (!x.includes("=")) {
      raw.push(orig);
      continue;
    }
    // The first unescaped '=' after position 0 splits key from value.
    let pos = 0;
    for (;;) {
      pos = x.indexOf("=", pos + 1);
      if (pos < 0 || x[pos - 1] !== "\\") break;
    }
    if (pos < 0) {
      raw.push(x.replaceAll("\\=", "="));
      continue;
    }
    const key = x.slice(0, pos);
    if (checkRaw && !FREE_FORM_KEYS.has(key)) raw.push(orig);
    else options[pyStrip(key)] = unquote(pyStrip(x.slice(pos + 1)));
  }
  if (raw.length > 0) options._raw_params = joinArgs(raw);
  return options;
}
