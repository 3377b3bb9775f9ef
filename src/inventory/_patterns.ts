// Host patterns, as InventoryManager.get_hosts reads them: `a,b` or `a:b` unions, `&g` intersections and `!g`
// exclusions (plain terms first, then &, then !), globs and `~regex` over group AND host names, `g[0]`,
// `g[-1]`, `g[1:3]` (end inclusive), `g[2:]` index slices; a limit (-l) is a second pattern list whose hosts
// filter the first; an unmatched term is a warning with Ansible's exact text.
import { readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { PatternError } from "../errors.ts";
import { globToRegExp, hasGlob } from "../text/index.ts";
import { parseAddress } from "./_address.ts";
import { type Inventory, LOCALHOST_NAMES } from "./_model.ts";
import { pythonRegExp } from "./_python-regexp.ts";

export interface HostSelection {
  hosts: string[];
  warnings: string[];
}

export interface SelectOptions {
  /** -l/--limit values: each a pattern (split like the main one), `@file` = one pattern per line. */
  limit?: string[];
  /** Where relative `@file` limits are read from. */
  cwd?: string;
}

const SUBSCRIPT_RE = /^(.+)\[(?:(-?[0-9]+)|([0-9]+)([:-])([0-9]*))\]$/;
const COLON_LIST_RE = /(?:[^\s:[\]]|\[[^\]]*\])+/g;

/** split_host_pattern: commas, else colons unless the whole thing reads as one address or range. */
export function splitHostPattern(pattern: string): string[] {
  let parts: string[];
  if (pattern.includes(",")) parts = pattern.split(",");
  else {
    try {
      parseAddress(pattern, true);
      parts = [pattern];
    } catch {
      parts = pattern.match(COLON_LIST_RE) ?? [];
    }
  }
  return parts.map((p) => p.trim()).filter((p) => p);
}

export function orderPatterns(patterns: string[]): string[] {
  const regular: string[] = [];
  const and: string[] = [];
  const not: string[] = [];
  for (const p of patterns) {
    if (!p) continue;
    if (p[0] === "!") not.push(p);
    else if (p[0] === "&") and.push(p);
    else regular.push(p);
  }
  return [...(regular.length ? regular : ["all"]), ...and, ...not];
}

export function selectHosts(inv: Inventory, pattern: string, opts: SelectOptions = {}): HostSelection {
  const m = new Matcher(inv);
  let hosts = m.evaluate(splitHostPattern(pattern));
  const subset = limitPatterns(opts.limit ?? [], opts.cwd ?? process.cwd());
  if (subset.length) {
    const allowed = new Set(m.evaluate(subset));
    hosts = hosts.filter((h) => allowed.has(h));
  }
  let unique = [...new Set(hosts)];
  // list_hosts: a named localhost is always answered, even when a limit removed it.
  if (unique.length === 0 && LOCALHOST_NAMES.includes(pattern)) {
    inv.resolveHost(pattern);
    unique = [pattern];
  }
  return { hosts: unique, warnings: m.warnings };
}

function limitPatterns(limits: string[], cwd: string): string[] {
  const out: string[] = [];
  for (const x of limits.flatMap((l) => splitHostPattern(l))) {
    if (x[0] !== "@") {
      out.push(x);
      continue;
    }
    const file = resolve(cwd, x.slice(1));
    let isFile = false;
    try {
      isFile = statSync(file).isFile();
    } catch {
      throw new PatternError("LIMIT_INVALID", `Unable to find limit file ${x.slice(1)}`, {
        file,
        hint: "a limit starting with @ names a file with one host per line",
      });
    }
    if (!isFile) {
      throw new PatternError("LIMIT_INVALID", `Limit starting with "@" must be a file, not a directory: ${x.slice(1)}`, { file });
    }
    out.push(...readFileSync(file, "utf8").split("\n").map((l) => l.trim()));
  }
  return out;
}

class Matcher {
  readonly warnings: string[] = [];
  private readonly cache = new Map<string, string[]>();
  constructor(private readonly inv: Inventory) {}

  evaluate(patterns: string[]): string[] {
    let hosts: string[] = [];
    for (const p of orderPatterns(patterns)) {
      if (this.inv.hosts.has(p)) {
        hosts.push(p);
        continue;
      }
      const that = this.matchOne(p);
      if (p[0] === "!") {
        const drop = new Set(that);
        hosts = hosts.filter((h) => !drop.has(h));
      } else if (p[0] === "&") {
        const keep = new Set(that);
        hosts = hosts.filter((h) => keep.has(h));
      } else {
        const existing = new Set(hosts);
        for (const h of that) if (!existing.has(h)) hosts.push(h);
      }
    }
    return hosts;
  }

  private matchOne(raw: string): string[] {
    const pattern = raw[0] === "&" || raw[0] === "!" ? raw.slice(1) : raw;
    const hit = this.cache.get(pattern);
    if (hit) return hit;
    const { expr, subscript } = this.splitSubscript(pattern);
    let hosts = this.enumerate(expr);
    if (subscript && hosts.length) {
      const [start, end] = subscript;
      if (end !== undefined && end !== 0) {
        hosts = hosts.slice(start, (end === -1 ? hosts.length - 1 : end) + 1);
      } else {
        const i = start < 0 ? hosts.length + start : start;
        if (i < 0 || i >= hosts.length) {
          throw new PatternError("PATTERN_INVALID", `No hosts matched the subscripted pattern '${pattern}'`, {
            hint: `the pattern has ${hosts.length} host(s); indexes start at 0`,
          });
        }
        hosts = [hosts[i] as string];
      }
    }
    this.cache.set(pattern, hosts);
    return hosts;
  }

  private splitSubscript(pattern: string): { expr: string; subscript?: [number, number | undefined] } {
    if (pattern[0] === "~") return { expr: pattern };
    const m = SUBSCRIPT_RE.exec(pattern);
    if (!m) return { expr: pattern };
    const [, expr = "", idx, start, sep, end] = m;
    if (idx !== undefined) return { expr, subscript: [Number.parseInt(idx, 10), undefined] };
    if (sep === "-") this.warnings.push("Use [x:y] inclusive subscripts instead of [x-y] which has been removed");
    return { expr, subscript: [Number.parseInt(start ?? "0", 10), end ? Number.parseInt(end, 10) : -1] };
  }

  private matcher(pattern: string): (name: string) => boolean {
    let re: RegExp;
    try {
      re = pattern[0] === "~" ? pythonRegExp(pattern.slice(1)) : globToRegExp(pattern);
    } catch {
      throw new PatternError("PATTERN_INVALID", `Invalid host list pattern: ${pattern}`, {
        hint: "after ~ write a regular expression; otherwise a glob with * ? [..]",
      });
    }
    return (name) => re.test(name);
  }

  private names(names: Iterable<string>, pattern: string): string[] {
    if (pattern[0] !== "~" && !hasGlob(pattern)) {
      for (const n of names) if (n === pattern) return [n];
      return [];
    }
    const test = this.matcher(pattern);
    const out: string[] = [];
    for (const n of names) if (test(n)) out.push(n);
    return out;
  }

  private enumerate(pattern: string): string[] {
    const results: string[] = [];
    const plain = pattern[0] !== "~" && !hasGlob(pattern);
    const groups = plain ? (this.inv.groups.has(pattern) ? [pattern] : []) : this.names(this.inv.groups.keys(), pattern);
    for (const g of groups) results.push(...this.inv.groupHosts(g));
    if (!groups.length || pattern[0] === "~" || /[.?*[]/.test(pattern)) {
      if (plain) {
        if (this.inv.hosts.has(pattern)) results.push(pattern);
      } else results.push(...this.names(this.inv.hosts.keys(), pattern));
    }
    if (!results.length && LOCALHOST_NAMES.includes(pattern)) {
      const implicit = this.inv.resolveHost(pattern);
      if (implicit) results.push(implicit.name);
    }
    if (!results.length && !groups.length && pattern !== "all") {
      this.warnings.push(`Could not match supplied host pattern, ignoring: ${pattern}`);
    }
    return results;
  }
}
