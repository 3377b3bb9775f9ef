// JSON text exactly as Python's json.dumps writes it, so output and streams compare byte for byte with
// Ansible's and ansible-runner's: separators (", ", ": " or "," with indent), indentation, sort_keys,
// ensure_ascii (\uXXXX escapes, surrogate pairs for astral characters) and Python's float repr.

export interface PyJsonOptions {
  indent?: number;
  sortKeys?: boolean;
  ensureAscii?: boolean;
  /** Defaults as Python: [", ", ": "] without indent, [",", ": "] with. */
  separators?: readonly [string, string];
}

const ESCAPES: Record<string, string> = {
  '"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f",
};

function hex4(code: number): string {
  return "\\u" + code.toString(16).padStart(4, "0");
}

export function pyString(s: string, ensureAscii: boolean): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] as string;
    const code = s.charCodeAt(i);
    const esc = ESCAPES[ch];
    if (esc) out += esc;
    else if (code < 0x20 || (ensureAscii && code > 0x7e)) out += hex4(code);
    else out += ch;
  }
  return out + '"';
}

/**
 * A JS number as Python would print it. JS cannot tell 1 from 1.0, so integral values below 1e21 print as
 * Python ints (the same boundary at which JSON.stringify switches to exponent form, so a value read from
 * Python's JSON and written back keeps its form); other values follow float repr: shortest round-trip
 * digits, exponent form below 1e-4 and from 1e16.
 */
export function pyFloat(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (n === Infinity) return "Infinity";
  if (n === -Infinity) return "-Infinity";
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return Object.is(n, -0) ? "0" : String(n);
  const abs = Math.abs(n);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e16)) {
    const [mant, exp] = n.toExponential().split("e") as [string, string];
    const e = Number(exp);
    return `${mant}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  }
  return String(n);
}

/** A number that Python holds as a float (a duration): integral values print as `1.0`, not `1`. */
export class PyFloat {
  constructor(readonly value: number) {}
  toJSON(): number {
    return this.value;
  }
}

export function pyJsonDumps(value: unknown, opts: PyJsonOptions = {}): string {
  const indent = opts.indent;
  const [itemSep, keySep] = opts.separators ?? (indent === undefined ? [", ", ": "] : [",", ": "]);
  const ensureAscii = opts.ensureAscii ?? true;

  const walk = (v: unknown, depth: number): string => {
    if (v === null || v === undefined) return "null";
    if (v === true) return "true";
    if (v === false) return "false";
    if (typeof v === "number") return pyFloat(v);
    if (typeof v === "bigint") return v.toString();
    if (typeof v === "string") return pyString(v, ensureAscii);
    if (v instanceof PyFloat) return Number.isInteger(v.value) && Math.abs(v.value) < 1e16 ? `${pyFloat(v.value)}.0` : pyFloat(v.value);
    if (v instanceof Date) return pyString(v.toISOString(), ensureAscii);
    if (typeof (v as { toJSON?: unknown }).toJSON === "function") {
      return walk((v as { toJSON: () => unknown }).toJSON(), depth);
    }
    const open = indent === undefined ? "" : "\n" + " ".repeat(indent * (depth + 1));
    const close = indent === undefined ? "" : "\n" + " ".repeat(indent * depth);
    if (Array.isArray(v)) {
      if (v.length === 0) return "[]";
      return "[" + open + v.map((x) => walk(x, depth + 1)).join(itemSep + open) + close + "]";
    }
    let keys = Object.keys(v as object).filter((k) => (v as Record<string, unknown>)[k] !== undefined);
    if (keys.length === 0) return "{}";
    if (opts.sortKeys) keys = keys.sort(comparePyStrings);
    const items = keys.map((k) => pyString(k, ensureAscii) + keySep + walk((v as Record<string, unknown>)[k], depth + 1));
    return "{" + open + items.join(itemSep + open) + close + "}";
  };
  return walk(value, 0);
}

/** Python sorts str by code point; JS's default sort compares UTF-16 units (differs above U+FFFF). */
export function comparePyStrings(a: string, b: string): number {
  if (a === b) return 0;
  const ai = [...a];
  const bi = [...b];
  const n = Math.min(ai.length, bi.length);
  for (let i = 0; i < n; i++) {
    const d = (ai[i] as string).codePointAt(0)! - (bi[i] as string).codePointAt(0)!;
    if (d !== 0) return d;
  }
  return ai.length - bi.length;
}
