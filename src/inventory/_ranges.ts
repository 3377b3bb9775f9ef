// Host ranges (`www[01:50]`, `db-[a:f]`, `[01:50:2]`, several per name) expanded exactly as Ansible's
// expand_hostname_range does: leading zeros set the width, letters index into a-zA-Z, the end is inclusive.

const LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** Python's int() on a range bound: optional sign, digits with single underscores, surrounding spaces. */
function pyInt(text: string): number {
  const t = text.trim();
  if (!/^[-+]?\d+(?:_\d+)*$/.test(t)) throw new Error(`invalid literal for int() with base 10: '${text}'`);
  return Number.parseInt(t.replaceAll("_", ""), 10);
}

export function hasRange(name: string): boolean {
  return name.includes("[");
}

export function expandHostRange(line: string): string[] {
  const out: string[] = [];
  expandInto(line, out);
  return out;
}

function expandInto(line: string, out: string[]): void {
  if (!line) return;
  const parts = line.replace("[", "|").replace("]", "|").split("|");
  if (parts.length !== 3) throw new Error(`too many values to unpack (expected 3)`);
  const [head, nrange, tail] = parts as [string, string, string];
  const bounds = nrange.split(":");
  if (bounds.length !== 2 && bounds.length !== 3) throw new Error("host range must be begin:end or begin:end:step");
  let beg = bounds[0] ?? "";
  const end = bounds[1] ?? "";
  const stepText = bounds.length === 3 ? (bounds[2] ?? "") : "1";
  if (!beg) beg = "0";
  if (!end) throw new Error("host range must specify end value");
  let fill = (x: string | number): string => String(x);
  if (beg[0] === "0" && beg.length > 1) {
    const width = beg.length;
    if (width !== end.length) throw new Error("host range must specify equal-length begin and end formats");
    fill = (x) => String(x).padStart(width, "0");
  }
  let seq: (string | number)[];
  const iBeg = LETTERS.indexOf(beg);
  const iEnd = LETTERS.indexOf(end);
  const step = safeStep(stepText);
  if (iBeg >= 0 && iEnd >= 0 && step !== undefined) {
    if (iBeg > iEnd) throw new Error("host range must have begin <= end");
    seq = [];
    for (let i = iBeg; i <= iEnd && i < LETTERS.length; i += step) seq.push(LETTERS[i] as string);
  } else {
    seq = numericRange(pyInt(beg), pyInt(end) + 1, pyInt(stepText));
  }
  for (const item of seq) {
    const name = head + fill(item) + tail;
    if (hasRange(name)) expandInto(name, out);
    else out.push(name);
  }
}

function safeStep(text: string): number | undefined {
  try {
    const s = pyInt(text);
    return s > 0 ? s : undefined;
  } catch {
    return undefined;
  }
}

function numericRange(start: number, stop: number, step: number): number[] {
  if (step === 0) throw new Error("range() arg 3 must not be zero");
  const out: number[] = [];
  if (step > 0) for (let i = start; i < stop; i += step) out.push(i);
  else for (let i = start; i > stop; i += step) out.push(i);
  return out;
}
