// Python's shlex.split (POSIX mode, no comments) and shlex.quote, which the command module uses to turn its
// free-form text into argv and to print a command back. Errors carry Python's own ValueError texts.

const WHITESPACE = " \t\r\n";

export class ShlexError extends Error {}

/** shlex.split(s): words with POSIX quoting; throws ShlexError("No closing quotation" | "No escaped character"). */
export function shlexSplit(s: string): string[] {
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
          if (c === "") return words;
          if (WHITESPACE.includes(c)) continue;
          if (c === "\\") [state, escapedFrom] = ["esc", "word"];
          else if (c === "'" || c === '"') state = c;
          else [token, state] = [c, "word"];
          break;
        case "word":
          if (c === "" || WHITESPACE.includes(c)) done = true;
          else if (c === "'" || c === '"') state = c;
          else if (c === "\\") [state, escapedFrom] = ["esc", "word"];
          else token += c;
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

/** shlex.quote(s): unchanged when made only of safe characters, otherwise single-quoted. */
export function shlexQuote(s: string): string {
  if (s === "") return "''";
  if (!/[^\w@%+=:,./-]/.test(s)) return s;
  return `'${s.replaceAll("'", `'"'"'`)}'`;
}
