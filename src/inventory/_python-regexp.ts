// `~regex` host patterns are Python regexes: the named-group and \A/\Z spellings JavaScript lacks are rewritten.

/** A `~regex` pattern body, Python syntax, anchored at the start only (re.match). Throws on a bad regex. */
export function pythonRegExp(src: string): RegExp {
  const js = src
    .replace(/\(\?P<(\w+)>/g, "(?<$1>")
    .replace(/\(\?P=(\w+)\)/g, "\\k<$1>")
    .replace(/\\Z/g, "$(?![\\s\\S])")
    .replace(/\\A/g, "^");
  return new RegExp(`^(?:${js})`);
}
