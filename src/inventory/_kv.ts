// `k=v k2="v 2"` strings as Ansible's parse_kv reads them (used by -e): split on spaces except inside quotes
// or Jinja2 blocks ({{ }}, {% %}, {# #}), backslash escapes decoded, values unquoted and left as strings,
// words without `=` collected into `_raw_params`.

const ESCAPE_RE = /\\U[0-9a-fA-F]{8}|\\u[0-9a-fA-F]{4}|\\x[0-9a-fA-F]{2}|\\N\{[^}]+\}|\\[\\'"abfnrtv]/g;
const SIMPLE: Record<string, string> = { "\\": "\\", "'": "'", '"': '"', a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v" };

function decodeEscapes(s: string): string {
  return s.replace(ESCAPE_RE, (m) => {
    const k = m[1] as string;
    if (k === "U" || k === "u" || k === "x") return String.fromCodePoint(Number.parseInt(m.slice(2), 16));
    if (k === "N") return m;
    return SIMPLE[k] ?? m;
  });
}

function quoteState(token: string, quote: string | undefined): string | undefined {
  for (let i = 0; i < token.length; i++) {
    const c = token[i] as string;
    if ((c === '"' || c === "'") && (i === 0 || token[i - 1] !== "\\")) {
      if (quote) {
        if (c === quote) quote = undefined;
      } else quote = c;
    }
  }
  return quote;
}

function depth(token: string, cur: number, open: string, close: string): number {
  const o = token.split(open).length - 1;
  const c = token.split(close).length - 1;
  return o === c ? cur : Math.max(0, cur + o - c);
}

/** split_args: throws Error with Ansible's message on unbalanced quotes or Jinja2 blocks. */
export function splitArgs(args: string): string[] {
  const params: string[] = [];
  const items = args.split("\n");
  let quote: string | undefined;
  let inQuotes = false;
  let pd = 0;
  let bd = 0;
  let cd = 0;
  const addToLast = (s: string): void => {
    // Python indexes params[-1] here and fails on an empty list (leading spaces do that).
    if (params.length === 0) throw new Error("Unable to parse argument string. list index out of range");
    params[params.length - 1] += s;
  };
  items.forEach((item, itemIdx) => {
    const tokens = item.split(" ");
    let continuation = false;
    tokens.forEach((token, idx) => {
      if (token.length === 0 && idx !== 0) {
        addToLast(" ");
        return;
      }
      if (token === "\\" && !inQuotes) {
        continuation = true;
        return;
      }
      const wasInQuotes = inQuotes;
      quote = quoteState(token, quote);
      inQuotes = quote !== undefined;
      let appended = false;
      if (inQuotes && !wasInQuotes && !(pd || bd || cd)) {
        params.push(token);
        appended = true;
      } else if (pd || bd || cd || inQuotes || wasInQuotes) {
        if (idx === 0 && wasInQuotes) addToLast(token);
        else if (tokens.length > 1) addToLast((idx > 0 ? " " : "") + token);
        else addToLast(`\n${token}`);
        appended = true;
      }
      for (const [open, close, which] of [["{{", "}}", 0], ["{%", "%}", 1], ["{#", "#}", 2]] as const) {
        const before = which === 0 ? pd : which === 1 ? bd : cd;
        const after = depth(token, before, open, close);
        if (which === 0) pd = after;
        else if (which === 1) bd = after;
        else cd = after;
        if (after !== before && !appended) {
          params.push(token);
          appended = true;
        }
      }
      if (!(pd || bd || cd) && !inQuotes && !appended && token !== "") params.push(token);
    });
    if (items.length > 1 && itemIdx !== items.length - 1 && !continuation) addToLast("\n");
  });
  if (pd || bd || cd || inQuotes) {
    throw new Error(`failed at splitting arguments, either an unbalanced jinja2 block or quotes: ${args}`);
  }
  return params;
}

function unquote(s: string): string {
  const quoted = s.length > 1 && s[0] === s.at(-1) && (s[0] === '"' || s[0] === "'") && s.at(-2) !== "\\";
  return quoted ? s.slice(1, -1) : s;
}

/** parse_kv(args, check_raw=False). */
export function parseKeyValue(args: string): Record<string, string> {
  const options: Record<string, string> = {};
  const raw: string[] = [];
  for (const orig of splitArgs(args)) {
    const x = decodeEscapes(orig);
    let pos = 0;
    let found = -1;
    if (x.includes("=")) {
      for (;;) {
        pos = x.indexOf("=", pos + 1);
        if (pos < 0) break;
        if (x[pos - 1] !== "\\") {
          found = pos;
          break;
        }
      }
      if (found < 0) {
        raw.push(x.replaceAll("\\=", "="));
        continue;
      }
      options[x.slice(0, found).trim()] = unquote(x.slice(found + 1).trim());
    } else raw.push(orig);
  }
  if (raw.length) options._raw_params = joinArgs(raw);
  return options;
}

function joinArgs(parts: string[]): string {
  let out = "";
  for (const p of parts) out += out.length === 0 || out.endsWith("\n") ? p : ` ${p}`;
  return out;
}
