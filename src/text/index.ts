// Public face of text/: Python's and Ansible's small text parsers, shared by inventory/ and modules/
// (shlex, split_args/parse_kv, fnmatch). Lowest layer: imports nothing from other src folders.
export { ShlexError, type ShlexSplitOptions, shlexQuote, shlexSplit } from "./_shlex.ts";
export { SplitArgsError, type SplitArgsFailure, parseKv, pyStrip, splitArgs } from "./_split-args.ts";
export { fnmatch, globToRegExp, hasGlob } from "./_fnmatch.ts";
