// Python's shlex.split (POSIX mode) and shlex.quote. The INI inventory splits host lines with comments=True;
// the command module splits its free-form text without comments and prints argv back with quote.

const WHITESPACE = " \t\r\n";

/** Python's ValueError from shlex, with its own text: callers wrap it in their own FtlError. */
export class ShlexError extends Error {
  override readonly name = "ShlexError";
}

export interface ShlexSplitOptions {
  /** shlex.split(s, comments=True): `#` outside quotes, even inside a word, ends the line. */
  comments?: boolean;
}

/** shlex.split(s): words with POSIX quoting; throws ShlexError("No closing quotation" | "No escaped character"). */
export function shlexSplit(s: string, options: ShlexSplitOptions = {}): string[] {
  const comments = options.comments === true;
  const words: string[] = [];
  let i = 0;
  for (;;) {
    let token = "";
    let quoted = false;
    let state: "ws" | "word" | "'" | '"' | "esc" = "ws";
    let escapedFrom: "word" | '"' = "word";
    let done = false;
    while (!done) {
      const c = i < s.length ? (s[i] as string) : "";
      i++;
      switch (state) {
        case "ws":
        case "word":
          if (c === "") done = true;
          else if (WHITESPACE.includes(c)) done = state === "word";
          else if (comments && c === "#") {
            // shlex reads the rest of the line (its newline included) and drops it.
            const nl = s.indexOf("\n", i - 1);
            i = nl < 0 ? s.length : nl + 1;
            done = state === "word";
          } else if (c === "\\") [state, escapedFrom] = ["esc", "word"];
          else if (c === "'" || c === '"') state = c;
          else [token, state] = [token + c, "word"];
          break;
        case "'":
        case '"':
          quoted = true;
          if (c === "") throw new ShlexError("No closing quotation");
          if (c === state) state = "word";
          else if (c === "\\" && state === '"') [state, escapedFrom] = ["esc", '"'];
          else token += c;
          break;
        case "esc":
          if (c === "") throw new ShlexError("No escaped character");
          // Inside double quotes a backslash only escapes `"` and `\`; elsewhere it stays.
          if (escapedFrom === '"' && c !== '"' && c !== "\\") token += "\\";
          token += c;
          state = escapedFrom;
          break;
      }
    }
    if (token !== "" || quoted) words.push(token);
    if (i > s.length) return words;
  }
}

/** shlex.quote(s): unchanged when made only of safe (ASCII) characters, otherwise single-quoted. */
export function shlexQuote(s: string): string {
  if (s === "") return "''";
  if (!/[^\w@%+=:,./-]/.test(s)) return s;
  return `'${s.replaceAll("'", `'"'"'`)}'`;
}
