// The `ansible` ad-hoc command line, parsed with argparse's rules (ansible's own parser): short flags
// bundled (`-vvv`, `-Cb`, `-f5`, `-mping`), `--long=value`, unique-prefix abbreviations of long options,
// repeatable options, `--` ending options. Errors carry argparse's wording; the CLI exits 2 for them.
import { OptionError } from "../errors.ts";

type Kind = "flag" | "count" | "store" | "append" | "int";
export interface OptionDef {
  dest: string;
  kind: Kind;
  short?: string;
  long: readonly string[];
  metavar?: string;
  help: string;
  conflicts?: string;
}

export const ADHOC_OPTIONS: readonly OptionDef[] = [
  { dest: "help", kind: "flag", short: "h", long: ["--help"], help: "show this help message and exit" },
  { dest: "version", kind: "flag", long: ["--version"], help: "show ftl2's version and the embedded gate's hash, and exit" },
  { dest: "verbosity", kind: "count", short: "v", long: ["--verbose"], help: "more output; repeat (-vvv) for more" },
  { dest: "module_name", kind: "store", short: "m", long: ["--module-name"], metavar: "MODULE_NAME", help: "module to run (default=command)" },
  { dest: "module_args", kind: "store", short: "a", long: ["--args"], metavar: "MODULE_ARGS", help: "module options: 'k=v k2=v2' or a JSON object" },
  { dest: "inventory", kind: "append", short: "i", long: ["--inventory", "--inventory-file"], metavar: "INVENTORY", help: "inventory path, directory or comma-separated host list (repeatable)" },
  { dest: "listhosts", kind: "flag", long: ["--list-hosts"], help: "list the matching hosts and exit" },
  { dest: "subset", kind: "store", short: "l", long: ["--limit"], metavar: "SUBSET", help: "further limit hosts to a pattern (or @file)" },
  { dest: "forks", kind: "int", short: "f", long: ["--forks"], metavar: "FORKS", help: "hosts to run at once (default=5)" },
  { dest: "remote_user", kind: "store", short: "u", long: ["--user"], metavar: "REMOTE_USER", help: "connect as this user" },
  { dest: "connection", kind: "store", short: "c", long: ["--connection"], metavar: "CONNECTION", help: "connection type (default=smart)" },
  { dest: "timeout", kind: "int", short: "T", long: ["--timeout"], metavar: "TIMEOUT", help: "connection timeout in seconds (default=10)" },
  { dest: "private_key_file", kind: "store", long: ["--private-key", "--key-file"], metavar: "PRIVATE_KEY_FILE", help: "private key for the connection" },
  { dest: "ask_pass", kind: "flag", short: "k", long: ["--ask-pass"], help: "ask for the connection password", conflicts: "connection_password_file" },
  { dest: "connection_password_file", kind: "store", long: ["--connection-password-file", "--conn-pass-file"], metavar: "CONNECTION_PASSWORD_FILE", help: "connection password file" },
  { dest: "ssh_common_args", kind: "store", long: ["--ssh-common-args"], metavar: "SSH_COMMON_ARGS", help: "common ssh arguments" },
  { dest: "ssh_extra_args", kind: "store", long: ["--ssh-extra-args"], metavar: "SSH_EXTRA_ARGS", help: "extra ssh arguments" },
  { dest: "sftp_extra_args", kind: "store", long: ["--sftp-extra-args"], metavar: "SFTP_EXTRA_ARGS", help: "accepted for compatibility" },
  { dest: "scp_extra_args", kind: "store", long: ["--scp-extra-args"], metavar: "SCP_EXTRA_ARGS", help: "accepted for compatibility" },
  { dest: "become", kind: "flag", short: "b", long: ["--become"], help: "run operations with become" },
  { dest: "become_method", kind: "store", long: ["--become-method"], metavar: "BECOME_METHOD", help: "sudo, su or doas (default=sudo)" },
  { dest: "become_user", kind: "store", long: ["--become-user"], metavar: "BECOME_USER", help: "become this user (default=root)" },
  { dest: "become_ask_pass", kind: "flag", short: "K", long: ["--ask-become-pass"], help: "ask for the become password", conflicts: "become_password_file" },
  { dest: "become_password_file", kind: "store", long: ["--become-password-file", "--become-pass-file"], metavar: "BECOME_PASSWORD_FILE", help: "become password file" },
  { dest: "check", kind: "flag", short: "C", long: ["--check"], help: "don't make any changes; predict them" },
  { dest: "diff", kind: "flag", short: "D", long: ["--diff"], help: "show the differences in changed files" },
  { dest: "extra_vars", kind: "append", short: "e", long: ["--extra-vars"], metavar: "EXTRA_VARS", help: "extra variables: k=v, YAML/JSON, or @file (repeatable)" },
  { dest: "one_line", kind: "flag", short: "o", long: ["--one-line"], help: "condense output" },
  { dest: "tree", kind: "store", short: "t", long: ["--tree"], metavar: "TREE", help: "write each host's result to this directory" },
  { dest: "module_path", kind: "append", short: "M", long: ["--module-path"], metavar: "MODULE_PATH", help: "prepend colon-separated module dirs" },
  { dest: "seconds", kind: "int", short: "B", long: ["--background"], metavar: "SECONDS", help: "run asynchronously, failing after X seconds" },
  { dest: "poll_interval", kind: "int", short: "P", long: ["--poll"], metavar: "POLL_INTERVAL", help: "poll interval with -B" },
  { dest: "task_timeout", kind: "int", long: ["--task-timeout"], metavar: "TASK_TIMEOUT", help: "task timeout in seconds" },
  { dest: "playbook_dir", kind: "store", long: ["--playbook-dir"], metavar: "BASEDIR", help: "base dir for group_vars/ and host_vars/" },
  { dest: "vault_ids", kind: "append", long: ["--vault-id"], metavar: "VAULT_IDS", help: "not supported by ftl2" },
  { dest: "ask_vault_pass", kind: "flag", long: ["--ask-vault-password", "--ask-vault-pass"], help: "not supported by ftl2" },
  { dest: "vault_password_files", kind: "append", long: ["--vault-password-file", "--vault-pass-file"], metavar: "VAULT_PASSWORD_FILES", help: "not supported by ftl2" },
  { dest: "json", kind: "flag", long: ["--json"], help: "ftl2: one JSON object per host result, for tools" },
  { dest: "fail_fast", kind: "flag", long: ["--fail-fast"], help: "ftl2: start no new host after the first failure" },
  { dest: "progress", kind: "flag", long: ["--progress"], help: "ftl2: always show the progress line on a terminal" },
  { dest: "no_progress", kind: "flag", long: ["--no-progress"], help: "ftl2: never show the progress line" },
];

export type ParsedArgv = Record<string, string | number | boolean | string[] | undefined> & { args: string[] };

function label(o: OptionDef): string {
  return [o.short ? `-${o.short}` : undefined, ...o.long].filter(Boolean).join("/");
}

function findLong(name: string, table: readonly OptionDef[]): OptionDef {
  const exact = table.find((o) => o.long.includes(name));
  if (exact) return exact;
  const matches = table.flatMap((o) => o.long.filter((l) => l.startsWith(name)).map((l) => ({ o, l })));
  const distinct = new Set(matches.map((m) => m.o));
  if (distinct.size === 1) return matches[0]!.o;
  if (distinct.size > 1) {
    throw new OptionError("OPTION_INVALID", `ambiguous option: ${name} could match ${matches.map((m) => m.l).join(", ")}`);
  }
  throw new OptionError("OPTION_INVALID", `unrecognized arguments: ${name}`);
}

/** `table` defaults to the ad-hoc flags; `ftl2 run` passes its own (a subset plus its own flags). */
export function parseAdhocArgv(argv: readonly string[], table: readonly OptionDef[] = ADHOC_OPTIONS): ParsedArgv {
  const out: ParsedArgv = { args: [] };
  const set = (o: OptionDef, value?: string): void => {
    if (o.conflicts && out[o.conflicts] !== undefined) {
      const other = table.find((x) => x.dest === o.conflicts)!;
      throw new OptionError("OPTION_INVALID", `argument ${label(o)}: not allowed with argument ${label(other)}`);
    }
    const rival = table.find((x) => x.conflicts === o.dest);
    if (rival && out[rival.dest] !== undefined) {
      throw new OptionError("OPTION_INVALID", `argument ${label(o)}: not allowed with argument ${label(rival)}`);
    }
    switch (o.kind) {
      case "flag":
        out[o.dest] = true;
        break;
      case "count":
        out[o.dest] = ((out[o.dest] as number | undefined) ?? 0) + 1;
        break;
      case "store":
        out[o.dest] = value;
        break;
      case "append":
        out[o.dest] = [...((out[o.dest] as string[] | undefined) ?? []), value as string];
        break;
      case "int": {
        if (!/^\s*[-+]?\d+\s*$/.test(value ?? "")) {
          throw new OptionError("OPTION_INVALID", `argument ${label(o)}: invalid int value: '${value}'`);
        }
        out[o.dest] = Number.parseInt(value as string, 10);
        break;
      }
    }
  };
  const takesValue = (o: OptionDef): boolean => o.kind === "store" || o.kind === "append" || o.kind === "int";
  const missing = (o: OptionDef): never => {
    throw new OptionError("OPTION_INVALID", `argument ${label(o)}: expected one argument`);
  };
  // argparse refuses a value that looks like an option (starts with '-' and is not a negative number).
  const isOptionLike = (s: string | undefined): boolean => s !== undefined && s.startsWith("-") && s !== "-" && !/^-\d+$/.test(s);

  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === "--") {
      out.args.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const o = findLong(eq >= 0 ? a.slice(0, eq) : a, table);
      if (takesValue(o)) {
        if (eq >= 0) set(o, a.slice(eq + 1));
        else {
          const v = argv[i + 1];
          if (v === undefined || isOptionLike(v)) missing(o);
          set(o, v);
          i++;
        }
      } else {
        if (eq >= 0) throw new OptionError("OPTION_INVALID", `argument ${label(o)}: ignored explicit argument '${a.slice(eq + 1)}'`);
        set(o);
      }
      continue;
    }
    if (a.startsWith("-") && a.length > 1 && !/^-\d/.test(a)) {
      for (let j = 1; j < a.length; j++) {
        const ch = a[j] as string;
        const o = table.find((x) => x.short === ch);
        if (!o) throw new OptionError("OPTION_INVALID", `unrecognized arguments: ${j === 1 ? a : `-${ch}`}`);
        if (!takesValue(o)) {
          set(o);
          continue;
        }
        let v: string | undefined = a.slice(j + 1);
        if (v.startsWith("=")) v = v.slice(1);
        if (v === "") {
          v = argv[i + 1];
          if (v === undefined || isOptionLike(v)) missing(o);
          i++;
        }
        set(o, v);
        break;
      }
      continue;
    }
    out.args.push(a);
  }
  return out;
}

export function renderAdhocUsage(prog: string): string {
  const lines = [`usage: ${prog} [options] pattern`, "", "Run one module on the hosts matching pattern (ansible-compatible flags).", "", "options:"];
  for (const o of ADHOC_OPTIONS) {
    const names = [o.short ? `-${o.short}${o.metavar ? ` ${o.metavar}` : ""}` : undefined, ...o.long.map((l) => `${l}${o.metavar ? ` ${o.metavar}` : ""}`)]
      .filter(Boolean)
      .join(", ");
    lines.push(`  ${names}`);
    lines.push(`                        ${o.help}`);
  }
  lines.push("", "Other commands: ftl2 run SCRIPT, ftl2 worker, ftl2 transmit, ftl2 process, ftl2 inventory --list");
  return lines.join("\n") + "\n";
}
