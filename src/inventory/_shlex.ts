// Python's shlex.split(line, comments=True) in POSIX mode, which the INI plugin uses to cut a host line into
// tokens: quotes group and disappear, `\` escapes, `#` outside quotes starts a comment, even inside a word.

const WHITESPACE = " \t\r\n";

export function shlexSplit(line: string): string[] {
  const tokens: string[] = [];
  let token = "";
  let quoted = false;
  let state: " " | "a" | "'" | '"' | "\\" = " ";
  let escapedState = " " as " " | "a" | "'" | '"';
  const emit = (): void => {
    if (token || quoted) tokens.push(token);
    token = "";
    quoted = false;
  };
  for (let i = 0; i <= line.length; i++) {
    const c = i < line.length ? line[i] : "";
    if (state === " " || state === "a") {
      if (!c) break;
      if (WHITESPACE.includes(c)) {
        if (state === "a" || token || quoted) emit();
        state = " ";
      } else if (c === "#") {
        // A comment runs to the end of the line, which is the end of our input.
        i = indexOfNewline(line, i);
        if (token || quoted) emit();
        state = " ";
      } else if (c === "\\") {
        escapedState = "a";
        state = "\\";
      } else if (c === "'" || c === '"') {
        state = c;
      } else {
        token += c;
        state = "a";
      }
    } else if (state === "'" || state === '"') {
      quoted = true;
      if (!c) throw new Error("No closing quotation");
      if (c === state) state = "a";
      else if (c === "\\" && state === '"') {
        escapedState = state;
        state = "\\";
      } else token += c;
    } else {
      if (!c) throw new Error("No escaped character");
      // Inside double quotes only the quote itself and the backslash can be escaped.
      if (escapedState === '"' && c !== '"' && c !== "\\") token += "\\";
      token += c;
      state = escapedState;
    }
  }
  if (token || quoted) tokens.push(token);
  return tokens;
}

function indexOfNewline(s: string, from: number): number {
  const j = s.indexOf("\n", from);
  return j < 0 ? s.length : j;
}
