// `ftl2 run SCRIPT [options]`: the ad-hoc flags that mean something to a script run (parsed by the same
// argparse-style parser), plus the scripting API's own (--state, --secret), turned into automation() options.
import {
  ADHOC_OPTIONS, collectSecrets, parseAdhocArgv, resolveAdhocOptions, type AdhocOptions, type OptionDef, type PromptSecret,
} from "../adhoc/index.ts";
import type { AutomationOptions } from "../automation/index.ts";
import { OptionError } from "../errors.ts";
import { parseExtraVars } from "../inventory/index.ts";

const SHARED = [
  "help", "verbosity", "inventory", "forks", "remote_user", "timeout", "private_key_file", "become", "become_method", "become_user",
  "become_ask_pass", "become_password_file", "check", "diff", "extra_vars", "module_path", "fail_fast",
];

export const RUN_OPTIONS: readonly OptionDef[] = [
  ...ADHOC_OPTIONS.filter((o) => SHARED.includes(o.dest)),
  { dest: "state", kind: "store", long: ["--state"], metavar: "STATE_FILE", help: "ftl2: JSON state file for hosts the script adds" },
  { dest: "secrets", kind: "append", long: ["--secret"], metavar: "NAME", help: "ftl2: environment variable to pass as ftl.secrets.NAME (repeatable)" },
];

export interface RunCliOptions {
  script: string;
  adhoc: AdhocOptions;
  stateFile?: string;
  secrets: string[];
}

/** "help" for -h; throws OptionError (argparse's wording) for a bad command line. */
export function parseRunArgv(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): RunCliOptions | "help" {
  const parsed = parseAdhocArgv(argv, RUN_OPTIONS);
  if (parsed.help) return "help";
  if (parsed.args.length === 0) throw new OptionError("OPTION_INVALID", "the following arguments are required: script");
  if (parsed.args.length > 1) throw new OptionError("OPTION_INVALID", `unrecognized arguments: ${parsed.args.slice(1).join(" ")}`);
  // The ad-hoc resolution reads the same ANSIBLE_* defaults; its one positional (pattern) is the script here.
  const adhoc = resolveAdhocOptions(parsed, env);
  return {
    script: parsed.args[0] as string,
    adhoc,
    stateFile: parsed.state as string | undefined,
    secrets: (parsed.secrets as string[] | undefined) ?? [],
  };
}

export function renderRunUsage(prog: string): string {
  const lines = [`usage: ${prog} run [options] script`, "", "Run a TypeScript or JavaScript script's `run(ftl)` (or default export) with an automation context.", "", "options:"];
  for (const o of RUN_OPTIONS) {
    const m = o.metavar ? ` ${o.metavar}` : "";
    lines.push(`  ${[o.short ? `-${o.short}${m}` : undefined, ...o.long.map((l) => `${l}${m}`)].filter(Boolean).join(", ")}`);
    lines.push(`                        ${o.help}`);
  }
  return lines.join("\n") + "\n";
}

/** automation()'s options for the command line (the caller adds onEvent, onWarning and signal). */
export async function automationOptionsFor(
  run: RunCliOptions,
  io: { cwd: string; env: Readonly<Record<string, string | undefined>>; promptSecret?: PromptSecret },
): Promise<AutomationOptions> {
  const a = run.adhoc;
  if (a.inventoryExplicit && a.inventory.length > 1) {
    // automation() takes one inventory source (a string[] there is a host list, not several sources).
    throw new OptionError("OPTION_INVALID", `ftl2 run takes one inventory source, got ${a.inventory.length}: ${a.inventory.join(", ")}`, {
      hint: "put the sources in one directory and pass -i DIR",
    });
  }
  const extraVars = await parseExtraVars(a.extraVars, io.cwd);
  const { becomePassword } = await collectSecrets(a, io.promptSecret, io.env);
  return {
    // Without -i (or ANSIBLE_INVENTORY) a script runs on the implicit localhost, not /etc/ansible/hosts.
    inventory: a.inventoryExplicit ? a.inventory[0] : undefined,
    extraVars,
    forks: a.forks,
    check: a.checkMode,
    diff: a.diffMode,
    failFast: a.failFast,
    become: a.become ? { method: a.becomeMethod, user: a.becomeUser ?? "root", password: becomePassword } : undefined,
    remoteUser: a.remoteUser,
    privateKeyFile: a.privateKeyFile,
    connectTimeoutSec: a.connectTimeout > 0 ? a.connectTimeout : undefined,
    secrets: run.secrets.length > 0 ? run.secrets : undefined,
    stateFile: run.stateFile,
    modulePaths: a.modulePaths,
    collectionsPaths: a.collectionsPaths,
    cwd: io.cwd,
    env: io.env,
    handleSignals: false,
  };
}
