// Shell globs as Python's fnmatch.translate turns them into regexes (case-sensitive, `[!x]` negation, `*`
// across dots), and `~regex` host patterns in Python syntax, both matched from the start as re.match does.

const escapeRe = (c: string): string => c.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");

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

/** A `~regex` pattern body, Python syntax, anchored at the start only (re.match). Throws on a bad regex. */
export function pythonRegExp(src: string): RegExp {
  const js = src
    .replace(/\(\?P<(\w+)>/g, "(?<$1>")
    .replace(/\(\?P=(\w+)\)/g, "\\k<$1>")
    .replace(/\\Z/g, "$(?![\\s\\S])")
    .replace(/\\A/g, "^");
  return new RegExp(`^(?:${js})`);
}

export function hasGlob(p: string): boolean {
  return /[*?[]/.test(p);
}
