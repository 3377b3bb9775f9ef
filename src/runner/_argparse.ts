// Just enough of Python's argparse for ansible-runner's sub-commands: `--long=value`, unique prefixes of long
// options, bundled short flags (`-vvv`, `-mping`), store / int / count / append / nargs='*', `--` ending options,
// required positionals, and argparse's error wording (the caller prints usage and exits 2).
import { OptionError } from "../errors.ts";

export type OptKind = "flag" | "count" | "store" | "int" | "append" | "star";

export interface OptDef {
  dest: string;
  kind: OptKind;
  flags: readonly string[];
  /** Options of one mutually exclusive group share a group name. */
  group?: string;
}

export type ParsedArgs = Record<string, string | number | boolean | string[] | undefined>;

const label = (o: OptDef): string => o.flags.join("/");
const looksLikeOption = (a: string): boolean => a.startsWith("-") && a !== "-" && !/^-\d+$|^-\d*\.\d+$/.test(a);

export function parseArgs(argv: readonly string[], defs: readonly OptDef[], positionals: readonly string[]): ParsedArgs {
  const out: ParsedArgs = {};
  const seenGroup = new Map<string, OptDef>();
  const rest: string[] = [];
  const findLong = (name: string): OptDef => {
    const exact = defs.find((o) => o.flags.includes(name));
    if (exact) return exact;
    const hits = defs.filter((o) => o.flags.some((f) => f.startsWith("--") && f.startsWith(name)));
    if (hits.length === 1) return hits[0]!;
    if (hits.length > 1) {
      const names = hits.flatMap((o) => o.flags.filter((f) => f.startsWith(name)));
      throw new OptionError("OPTION_INVALID", `ambiguous option: ${name} could match ${names.join(", ")}`);
    }
    throw new OptionError("OPTION_INVALID", `unrecognized arguments: ${name}`);
  };
  let i = 0;
  const take = (o: OptDef, inline: string | undefined): void => {
    if (o.group) {
      const other = seenGroup.get(o.group);
      if (other && other !== o) throw new OptionError("OPTION_INVALID", `argument ${label(o)}: not allowed with argument ${label(other)}`);
      seenGroup.set(o.group, o);
    }
    if (o.kind === "flag") out[o.dest] = true;
    else if (o.kind === "count") out[o.dest] = ((out[o.dest] as number | undefined) ?? 0) + 1;
    else if (o.kind === "star") {
      const vals: string[] = inline !== undefined ? [inline] : [];
      while (inline === undefined && i < argv.length && !looksLikeOption(argv[i]!)) vals.push(argv[i++]!);
      out[o.dest] = vals;
    } else {
      let v = inline;
      if (v === undefined) {
        if (i >= argv.length || looksLikeOption(argv[i]!)) throw new OptionError("OPTION_INVALID", `argument ${label(o)}: expected one argument`);
        v = argv[i++]!;
      }
      if (o.kind === "int") {
        if (!/^\s*[-+]?\d+\s*$/.test(v)) throw new OptionError("OPTION_INVALID", `argument ${label(o)}: invalid int value: '${v}'`);
        out[o.dest] = Number.parseInt(v, 10);
      } else if (o.kind === "append") out[o.dest] = [...((out[o.dest] as string[] | undefined) ?? []), v];
      else out[o.dest] = v;
    }
  };
  while (i < argv.length) {
    const a = argv[i++]!;
    if (a === "--") {
      rest.push(...argv.slice(i));
      break;
    }
    if (!looksLikeOption(a)) {
      rest.push(a);
      continue;
    }
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const o = findLong(eq < 0 ? a : a.slice(0, eq));
      if (eq >= 0 && (o.kind === "flag" || o.kind === "count")) {
        throw new OptionError("OPTION_INVALID", `argument ${label(o)}: ignored explicit argument '${a.slice(eq + 1)}'`);
      }
      take(o, eq < 0 ? undefined : a.slice(eq + 1));
      continue;
    }
    // short options: a bundle of flags, the last of which may take the rest as its value
    for (let k = 1; k < a.length; k++) {
      const o = defs.find((d) => d.flags.includes(`-${a[k]}`));
      if (!o) throw new OptionError("OPTION_INVALID", `unrecognized arguments: ${k === 1 ? a : `-${a[k]}`}`);
      if (o.kind === "flag" || o.kind === "count") {
        take(o, undefined);
        continue;
      }
      const tail = a.slice(k + 1);
      take(o, tail === "" ? undefined : tail.startsWith("=") ? tail.slice(1) : tail);
      break;
    }
  }
  const missing = positionals.slice(rest.length);
  if (missing.length && !out.help && !out.version) {
    throw new OptionError("OPTION_INVALID", `the following arguments are required: ${missing.join(", ")}`);
  }
  if (rest.length > positionals.length) throw new OptionError("OPTION_INVALID", `unrecognized arguments: ${rest.slice(positionals.length).join(" ")}`);
  positionals.forEach((p, n) => {
    if (rest[n] !== undefined) out[p] = rest[n];
  });
  return out;
}
