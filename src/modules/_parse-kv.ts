// Module arguments from `-a` text, exactly as `ansible` ad-hoc reads them (cli/adhoc.py _play_ds,
// parsing/mod_args.py): a JSON object when the text is `{...}`, otherwise parse_kv's `k=v` words (text/);
// free-form modules keep their other words in `_raw_params`.
import { ArgsError } from "../errors.ts";
import { type SplitArgsFailure, SplitArgsError, parseKv } from "../text/index.ts";
import type { ModuleParams } from "./_types.ts";

/** Ansible's names for a module in every spelling: NAME, ansible.builtin.NAME, ansible.legacy.NAME. */
function withInternalFqcns(names: readonly string[]): string[] {
  return names.flatMap((n) => (n.includes(".") ? [n] : [n, `ansible.builtin.${n}`, `ansible.legacy.${n}`]));
}

// C.MODULE_REQUIRE_ARGS: these take free-form text (check_raw=True).
const FREE_FORM = new Set(
  withInternalFqcns([
    "command", "win_command", "ansible.windows.win_command", "shell", "win_shell", "ansible.windows.win_shell",
    "raw", "script",
  ]),
);
// mod_args.RAW_PARAM_MODULES: the only modules allowed to keep `_raw_params`.
const RAW_PARAM_MODULES = [
  ...FREE_FORM,
  ...withInternalFqcns([
    "include", "include_vars", "include_tasks", "include_role", "import_tasks", "import_role", "add_host",
    "group_by", "set_fact", "meta",
  ]),
];
// C._ACTION_HAS_CMD: modules whose old `cmd` argument becomes `_raw_params` (playbook/task.py).
const HAS_CMD = new Set(withInternalFqcns(["command", "shell", "script"]));

/** True for modules whose `-a` text is a free-form command (command, shell, raw, script, win_*). */
export function isFreeFormModule(name: string): boolean {
  return FREE_FORM.has(name);
}

// parse_kv's failures as ansible's ad-hoc run reports them (AnsibleParserError, same text), with a hint.
const KV_HINTS: Record<SplitArgsFailure, string | undefined> = {
  unbalanced: "close every quote you open, or quote the entire value",
  index: "remove leading or doubled spaces and newlines from the module arguments",
  escape: undefined,
};

/** parse_kv(args, check_raw) for module arguments: its failures become ArgsError MODULE_ARGS_INVALID. */
function parseModuleKv(args: string, checkRaw: boolean): ModuleParams {
  try {
    return parseKv(args, checkRaw);
  } catch (e) {
    if (!(e instanceof SplitArgsError)) throw e;
    const hint = KV_HINTS[e.failure];
    throw new ArgsError("MODULE_ARGS_INVALID", e.message, hint === undefined ? {} : { hint });
  }
}

/**
 * What ansible's Task does before the module sees its arguments: command, shell and script take `cmd` as
 * `_raw_params`. Callers that build params themselves (the scripting API) should pass them through this too.
 */
export function normalizeCmdArg(module: string, params: ModuleParams): ModuleParams {
  if (!HAS_CMD.has(module) || !("cmd" in params)) return params;
  const { cmd, ...rest } = params;
  if (rest._raw_params !== undefined && rest._raw_params !== "") {
    throw new ArgsError(
      "MODULE_ARGS_INVALID",
      "The 'cmd' argument cannot be used when other raw parameters are specified. Please put everything in one or the other place.",
      { hint: `give ${module} its command either as free-form text or as cmd=..., not both` },
    );
  }
  return { ...rest, _raw_params: cmd };
}

/** The `-a` text of an ad-hoc run for `module`, as the arguments ansible would pass to it. */
export function parseModuleArgs(module: string, text: string): ModuleParams {
  let params: ModuleParams | undefined;
  if (text.startsWith("{") && text.endsWith("}")) {
    try {
      const parsed: unknown = JSON.parse(text.trim());
      if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) params = parsed as ModuleParams;
    } catch {
      // Not JSON after all: ansible falls back to k=v parsing too.
    }
    if (params && Object.keys(params).length === 0) params = undefined;
  }
  params ??= parseModuleKv(text, isFreeFormModule(module));
  const rawParams = params._raw_params;
  if (rawParams !== undefined && rawParams !== "" && !RAW_PARAM_MODULES.includes(module)) {
    throw new ArgsError(
      "MODULE_ARGS_INVALID",
      `this task '${module}' has extra params, which is only allowed in the following modules: ${RAW_PARAM_MODULES.join(", ")}`,
      { hint: `give ${module} its arguments as key=value pairs: ${JSON.stringify(String(rawParams))} is not one` },
    );
  }
  return normalizeCmdArg(module, params);
}
