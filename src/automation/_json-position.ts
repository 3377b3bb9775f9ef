// Where a JSON text goes wrong, as line and column: JSON.parse (JavaScriptCore's) names no position, and a
// user fixing a hand-edited state file needs one. A strict RFC 8259 scanner that stops at the first error.

export interface JsonErrorPosition {
  /** What the scanner expected or found there. */
  message: string;
  /** 0-based offset into the text. */
  offset: number;
  /** 1-based. */
  line: number;
  column: number;
}

class Stop {
  constructor(readonly message: string, readonly offset: number) {}
}

/** The first syntax error in `text`, or undefined when it is valid JSON. */
export function findJsonError(text: string): JsonErrorPosition | undefined {
  let i = 0;
  const ws = () => {
    while (i < text.length && " \t\n\r".includes(text[i] as string)) i++;
  };
  const fail = (what: string): never => {
    throw new Stop(i >= text.length ? `${what}, found the end of the file` : `${what}, found ${JSON.stringify(text[i])}`, i);
  };
  const string = () => {
    i++;
    for (;;) {
      const c = text[i];
      if (c === undefined) fail("unterminated string: expected '\"'");
      if (c === '"') return void i++;
      if (c === "\\") {
        const e = text[i + 1] ?? "";
        if (e === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
        else if (e !== "" && '"\\/bfnrt'.includes(e)) i += 2;
        else {
          i++;
          fail("invalid escape in string");
        }
      } else if ((c as string) < " ") fail("control character in string");
      else i++;
    }
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === "{") return container("}", true);
    if (c === "[") return container("]", false);
    if (c === '"') return string();
    const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
    if (!m) fail("expected a value");
    i += (m as RegExpExecArray)[0].length;
  };
  const container = (close: string, object: boolean): void => {
    i++;
    ws();
    if (text[i] === close) return void i++;
    for (;;) {
      if (object) {
        ws();
        if (text[i] !== '"') fail("expected a property name in double quotes");
        string();
        ws();
        if (text[i] !== ":") fail("expected ':'");
        i++;
      }
      value();
      ws();
      if (text[i] === ",") {
        i++;
        continue;
      }
      if (text[i] === close) return void i++;
      fail(`expected ',' or '${close}'`);
    }
  };
  try {
    value();
    ws();
    if (i < text.length) fail("expected the end of the file");
    return undefined;
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
    const before = text.slice(0, e.offset);
    const line = before.split("\n").length;
    return { message: e.message, offset: e.offset, line, column: e.offset - before.lastIndexOf("\n") };
  }
}
