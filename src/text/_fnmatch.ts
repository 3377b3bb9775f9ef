// Shell globs as Python's fnmatch.translate turns them into regexes: case-sensitive (POSIX normcase), `[!x]`
// negation, empty ranges dropped, `*` and `?` matching any character (dots, slashes and newlines too). Host
// patterns, glob.glob path segments (the command module's creates/removes) and setup's filter all use it.

const escapeRe = (c: string): string => c.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");

/** fnmatch.translate(pat), anchored at both ends. */
export function globToRegExp(pat: string): RegExp {
  let out = "";
  let i = 0;
  const n = pat.length;
  while (i < n) {
    const c = pat[i] as string;
    i += 1;
    if (c === "*") {
      if (!out.endsWith("[\\s\\S]*")) out += "[\\s\\S]*";
    } else if (c === "?") out += "[\\s\\S]";
    else if (c === "[") {
      let j = i;
      if (j < n && pat[j] === "!") j += 1;
      if (j < n && pat[j] === "]") j += 1;
      while (j < n && pat[j] !== "]") j += 1;
      if (j >= n) {
        out += "\\[";
        continue;
      }
      out += charClass(pat.slice(i, j));
      i = j + 1;
    } else out += escapeRe(c);
  }
  return new RegExp(`^(?:${out})$`);
}

function charClass(stuff: string): string {
  if (!stuff) return "(?!)";
  if (stuff === "!") return "[\\s\\S]";
  let negate = false;
  if (stuff[0] === "!") {
    negate = true;
    stuff = stuff.slice(1);
  }
  // Python drops empty ranges such as z-a; JavaScript would reject them.
  let body = "";
  for (let k = 0; k < stuff.length; k++) {
    const a = stuff[k] as string;
    if (stuff[k + 1] === "-" && k + 2 < stuff.length) {
      const b = stuff[k + 2] as string;
      if (a <= b) body += `${escapeClass(a)}-${escapeClass(b)}`;
      k += 2;
    } else body += escapeClass(a);
  }
  if (!body) return negate ? "[\\s\\S]" : "(?!)";
  return `[${negate ? "^" : ""}${body}]`;
}

const escapeClass = (c: string): string => (/[\\\]^[-]/.test(c) ? `\\${c}` : c);

/** fnmatch.fnmatchcase(name, pat). */
export function fnmatch(name: string, pat: string): boolean {
  return globToRegExp(pat).test(name);
}

/** glob.has_magic: the text holds `*`, `?` or `[`. */
export function hasGlob(p: string): boolean {
  return /[*?[]/.test(p);
}
