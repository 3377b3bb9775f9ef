// INI values go through Python's ast.literal_eval: ints, floats, True/False/None, strings with Python escapes,
// lists, tuples and dicts become data; anything literal_eval rejects stays the original string. This is a
// strict subset parser: when in doubt it fails, and failing means "keep the text", as the ini plugin does.

class NotALiteral extends Error {}

const fail = (why = "not a literal"): never => {
  throw new NotALiteral(why);
};

/** The ini plugin's _parse_value: the literal's value, or the text itself when it is not a Python literal. */
export function parsePythonValue(text: string): unknown {
  try {
    return parsePythonLiteral(text);
  } catch (e) {
    if (e instanceof NotALiteral) return text;
    throw e;
  }
}

/** ast.literal_eval on `text`; throws when it is not a literal. */
export function parsePythonLiteral(text: string): unknown {
  const p = new LiteralParser(text.replace(/^[ \t]+/, ""));
  const value = p.expression();
  p.skipSpace();
  if (!p.atEnd()) fail("trailing text");
  return value;
}

const DEC = String.raw`\d(?:_?\d)*`;
const EXP = String.raw`[eE][-+]?${DEC}`;
const NUMBER_RE = new RegExp(
  String.raw`^(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|` +
    String.raw`${DEC}\.(?:${DEC})?(?:${EXP})?|\.${DEC}(?:${EXP})?|${DEC}${EXP}|${DEC})[jJ]?`,
);
const STRING_PREFIX_RE = /^(?:[rRuUbB]|[bB][rR]|[rR][bB])?(?='|")/;
const SIMPLE_ESCAPES: Record<string, string> = {
  "\\": "\\", "'": "'", '"': '"', a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "\n": "",
};

class LiteralParser {
  private i = 0;
  constructor(private readonly s: string) {}

  atEnd(): boolean {
    return this.i >= this.s.length;
  }

  skipSpace(): void {
    for (;;) {
      const c = this.s[this.i];
      if (c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\f") this.i++;
      else if (c === "#") {
        const j = this.s.indexOf("\n", this.i);
        this.i = j < 0 ? this.s.length : j;
      } else return;
    }
  }

  private eat(ch: string): boolean {
    this.skipSpace();
    if (this.s[this.i] === ch) {
      this.i++;
      return true;
    }
    return false;
  }

  expression(): unknown {
    this.skipSpace();
    const c = this.s[this.i];
    if (c === "-" || c === "+") {
      this.i++;
      this.skipSpace();
      const n = this.number();
      return c === "-" ? -n : n;
    }
    return this.atom();
  }

  private number(): number {
    const m = NUMBER_RE.exec(this.s.slice(this.i));
    if (!m) return fail();
    const text = m[0];
    // A number glued to a letter or digit (`1a`, `01`) is a syntax error in Python.
    const next = this.s[this.i + text.length];
    if (next !== undefined && /[\p{L}\p{N}_.]/u.test(next)) fail();
    this.i += text.length;
    if (/[jJ]$/.test(text)) fail("complex numbers have no JSON form");
    const t = text.replaceAll("_", "");
    if (/^0[xX]/.test(t)) return Number.parseInt(t.slice(2), 16);
    if (/^0[oO]/.test(t)) return Number.parseInt(t.slice(2), 8);
    if (/^0[bB]/.test(t)) return Number.parseInt(t.slice(2), 2);
    if (/^\d+$/.test(t)) {
      if (t.length > 1 && t[0] === "0" && /[1-9]/.test(t)) fail("leading zeros");
      return Number.parseInt(t, 10);
    }
    return Number.parseFloat(t);
  }

  private atom(): unknown {
    this.skipSpace();
    const rest = this.s.slice(this.i);
    const c = rest[0];
    if (c === undefined) return fail("empty");
    if (c === "[") {
      this.i++;
      return this.sequence("]");
    }
    if (c === "(") {
      this.i++;
      if (this.eat(")")) return [];
      const first = this.expression();
      if (this.eat(")")) return first;
      if (!this.eat(",")) fail();
      const items = [first, ...this.sequence(")")];
      return items;
    }
    if (c === "{") {
      this.i++;
      return this.dict();
    }
    if (/^[0-9.]/.test(rest)) return this.number();
    const word = /^[\p{L}_][\p{L}\p{N}_]*/u.exec(rest)?.[0];
    if (STRING_PREFIX_RE.test(rest)) return this.strings();
    if (word === "True") return this.consume(word, true);
    if (word === "False") return this.consume(word, false);
    if (word === "None") return this.consume(word, null);
    return fail();
  }

  private consume<T>(word: string, value: T): T {
    this.i += word.length;
    return value;
  }

  private sequence(close: string): unknown[] {
    const items: unknown[] = [];
    for (;;) {
      if (this.eat(close)) return items;
      items.push(this.expression());
      if (this.eat(close)) return items;
      if (!this.eat(",")) fail();
    }
  }

  private dict(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    // Python keys that compare equal (1, 1.0, True) are one key, spelled as first written.
    const spelled = new Map<unknown, string>();
    for (;;) {
      if (this.eat("}")) return out;
      const key = this.expression();
      // `{1, 2}` is a set, which has no JSON form: keep the text.
      if (!this.eat(":")) fail("set");
      const canonical = typeof key === "boolean" ? Number(key) : key;
      const name = spelled.get(canonical) ?? dictKey(key);
      spelled.set(canonical, name);
      out[name] = this.expression();
      if (this.eat("}")) return out;
      if (!this.eat(",")) fail();
    }
  }

  private strings(): string {
    let out = "";
    let kind: "str" | "bytes" | undefined;
    for (;;) {
      this.skipSpace();
      const prefix = STRING_PREFIX_RE.exec(this.s.slice(this.i));
      if (!prefix) break;
      const p = prefix[0].toLowerCase();
      const thisKind = p.includes("b") ? "bytes" : "str";
      if (kind && kind !== thisKind) fail("cannot mix bytes and nonbytes literals");
      kind = thisKind;
      this.i += p.length;
      out += this.oneString(p.includes("r"), thisKind === "bytes");
    }
    return out;
  }

  private oneString(raw: boolean, bytes: boolean): string {
    const q = this.s[this.i] as string;
    const triple = this.s.startsWith(q.repeat(3), this.i);
    const close = triple ? q.repeat(3) : q;
    this.i += close.length;
    let out = "";
    for (;;) {
      if (this.i >= this.s.length) return fail("unterminated string");
      if (this.s.startsWith(close, this.i)) {
        this.i += close.length;
        return out;
      }
      const c = this.s[this.i] as string;
      if (c === "\n" && !triple) fail("newline in string");
      if (bytes && c.charCodeAt(0) > 127) fail("bytes can only contain ASCII literal characters");
      if (c !== "\\") {
        out += c;
        this.i++;
        continue;
      }
      const n = this.s[this.i + 1];
      if (n === undefined) return fail("unterminated string");
      if (raw) {
        out += c + n;
        this.i += 2;
        continue;
      }
      out += this.escape(bytes);
    }
  }

  private escape(bytes: boolean): string {
    const n = this.s[this.i + 1] as string;
    this.i += 2;
    const simple = SIMPLE_ESCAPES[n];
    if (simple !== undefined) return simple;
    const take = (re: RegExp): string | undefined => {
      const m = re.exec(this.s.slice(this.i));
      if (m) this.i += m[0].length;
      return m?.[0];
    };
    if (/[0-7]/.test(n)) {
      const more = take(/^[0-7]{0,2}/) ?? "";
      return String.fromCharCode(Number.parseInt(n + more, 8));
    }
    const width = n === "x" ? 2 : !bytes && n === "u" ? 4 : !bytes && n === "U" ? 8 : 0;
    if (width) {
      const hex = take(new RegExp(`^[0-9a-fA-F]{${width}}`));
      if (!hex) return fail("truncated escape");
      const cp = Number.parseInt(hex, 16);
      if (cp > 0x10ffff) fail("illegal Unicode character");
      return String.fromCodePoint(cp);
    }
    if (n === "N" && !bytes) fail("named escapes are not supported");
    // Python keeps unknown escapes as they are.
    return "\\" + n;
  }
}

function dictKey(key: unknown): string {
  if (typeof key === "string") return key;
  if (typeof key === "number") return Number.isInteger(key) ? String(key) : String(key);
  if (key === true) return "true";
  if (key === false) return "false";
  if (key === null) return "null";
  return fail("unhashable or non-JSON key");
}
