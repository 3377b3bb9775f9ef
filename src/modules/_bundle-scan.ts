// The imports of a Python source that a module bundle must carry, as ansible's ModuleDepFinder
// (executor/module_common.py) reports them, without a Python parser: the source is cut into logical lines
// (strings blanked, comments dropped, bracket and backslash continuations joined, `;` split), and an import
// is optional when it is not a top-level statement (inside try/if/def/... or indented), as with ansible.

export interface ImportRef {
  /** Dotted name split into parts; for `from X import Y` this is X + Y (Y may be a module or just a name). */
  parts: string[];
  /** Not a top-level statement: a missing target is skipped rather than an error. */
  optional: boolean;
  /** 1-based line of the statement. */
  line: number;
}

interface Statement {
  text: string;
  line: number;
  nested: boolean;
}

const COMPOUND = /^(?:if|elif|else|try|except|finally|for|while|with|def|class|async)\b/;
const IMPORT_RE = /^import\s+(.+)$/s;
const FROM_RE = /^from(?=[\s.])\s*((?:\.\s*)*)([A-Za-z_]\w*(?:\s*\.\s*[A-Za-z_]\w*)*)?\s*import\b(.*)$/s;

/** Splits a Python source into statements, with strings replaced by `""` so nothing inside them counts. */
function pythonStatements(source: string): Statement[] {
  const src = source.startsWith("\uFEFF") ? source.slice(1) : source;
  const out: Statement[] = [];
  let buf = "";
  let depth = 0;
  let line = 1;
  let start = 1;
  let nested = false;
  let inlineNested = false; // statements after `if x: a; b` on one line all belong to the header's body
  let atStart = true;
  let colon = -1; // index in buf of the first depth-0 ':' (not ':='), for one-line compound statements

  const finish = (): void => {
    const text = buf.trim();
    if (text) {
      const header = colon >= 0 && COMPOUND.test(text) ? buf.slice(colon + 1).trim() : "";
      if (header) {
        out.push({ text: header, line: start, nested: true });
        inlineNested = true;
      } else {
        out.push({ text, line: start, nested: nested || inlineNested });
      }
    }
    buf = "";
    colon = -1;
    atStart = true;
  };

  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (atStart) {
      if (c === " " || c === "\t" || c === "\f" || c === "\r") continue;
      if (c === "\n") {
        line++;
        inlineNested = false;
        continue;
      }
      atStart = false;
      start = line;
      nested = inlineNested || indentOf(src, i) > 0;
    }
    if (c === "#") {
      while (i + 1 < src.length && src[i + 1] !== "\n") i++;
    } else if (c === "'" || c === '"') {
      i = skipString(src, i, (n) => (line += n));
      buf += '""';
    } else if (c === "\\" && (src[i + 1] === "\n" || (src[i + 1] === "\r" && src[i + 2] === "\n"))) {
      i += src[i + 1] === "\r" ? 2 : 1;
      line++;
      buf += " ";
    } else if (c === "\n") {
      line++;
      if (depth > 0) {
        buf += " ";
      } else {
        finish();
        inlineNested = false;
      }
    } else if (c === ";" && depth === 0) {
      finish();
      atStart = false;
      start = line;
      nested = nested || inlineNested;
    } else {
      if (c === "(" || c === "[" || c === "{") depth++;
      else if (c === ")" || c === "]" || c === "}") depth = Math.max(0, depth - 1);
      else if (c === ":" && depth === 0 && colon < 0 && src[i + 1] !== "=") colon = buf.length;
      buf += c === "\r" || c === "\t" || c === "\f" ? " " : c;
    }
  }
  finish();
  return out;
}

function indentOf(src: string, i: number): number {
  let j = i;
  while (j > 0 && src[j - 1] !== "\n") j--;
  return i - j;
}

/** Index of the last character of the string literal opening at `i`; `addLines` gets the newlines inside it. */
function skipString(src: string, i: number, addLines: (n: number) => void): number {
  const q = src[i]!;
  const triple = src[i + 1] === q && src[i + 2] === q;
  let j = triple ? i + 3 : i + 1;
  let lines = 0;
  for (; j < src.length; j++) {
    const c = src[j];
    if (c === "\\") {
      if (src[j + 1] === "\n") lines++;
      j++;
    } else if (c === "\n") {
      if (!triple) break; // an unterminated one-line string: stop at the line's end, as the tokenizer would
      lines++;
    } else if (c === q && (!triple || (src[j + 1] === q && src[j + 2] === q))) {
      j += triple ? 2 : 0;
      break;
    }
  }
  addLines(lines);
  return src[j] === "\n" ? j - 1 : j;
}

function dotted(text: string): string {
  return text.replace(/\s+/g, "");
}

/** The first word of each `name [as alias]` in an import list (parentheses and a trailing comma allowed). */
function importedNames(list: string): string[] {
  return list
    .replace(/[()]/g, " ")
    .split(",")
    .map((n) => n.trim().split(/\s+/)[0] ?? "")
    .filter((n) => n !== "");
}

/**
 * The module_utils and collection names a Python source imports, as ModuleDepFinder finds them.
 * `fqn` is the source's own dotted name (relative imports resolve against it); `isPackage` when it is an `__init__.py`.
 */
export function scanImports(source: string, fqn: string, isPackage: boolean): ImportRef[] {
  const refs: ImportRef[] = [];
  for (const st of pythonStatements(source)) {
    const imp = IMPORT_RE.exec(st.text);
    if (imp) {
      for (const name of importedNames(imp[1]!).map(dotted)) {
        if (name.startsWith("ansible.module_utils.") || name.startsWith("ansible_collections.")) {
          refs.push({ parts: name.split("."), optional: st.nested, line: st.line });
        }
      }
      continue;
    }
    const from = FROM_RE.exec(st.text);
    if (!from) continue;
    const level = (from[1] ?? "").replace(/\s+/g, "").length;
    let module = dotted(from[2] ?? "");
    if (level > 0 && fqn) {
      const parts = fqn.split(".");
      // ModuleDepFinder: a package's __init__ is its own package, so one dot less is dropped.
      const keep = isPackage ? (-level + 1 === 0 ? parts.length : parts.length - level + 1) : parts.length - level;
      module = [...parts.slice(0, Math.max(0, keep)), ...(module ? [module] : [])].join(".");
    }
    const names = importedNames(from[3]!);
    if (names[0] === "_six") continue; // ansible special-cases six's own vendored import and then ignores it
    const wanted =
      module.startsWith("ansible.module_utils") ||
      (module.startsWith("ansible_collections.") && (module.endsWith("plugins.module_utils") || module.includes(".plugins.module_utils.")));
    if (!wanted) continue;
    for (const name of names) refs.push({ parts: [...module.split("."), name], optional: st.nested, line: st.line });
  }
  return refs;
}
