// The types the scripting API uses to check module calls: a name from BuiltinModules (generated from the
// installed Ansible's docs) gets its own argument and result types; any other name (a collection module by
// FQCN, a library module) takes an open object and gives an open result. Types only: nothing here is runtime code.
import type { BuiltinModules } from "./_modules.gen.ts";

export type { BuiltinModules };

/** What every module result may carry, whichever module ran (AnsibleModule, the controller, the executor). */
export interface CommonResult {
  changed?: boolean;
  failed?: boolean;
  /** Why the module failed or skipped, or what it reports. */
  msg?: string;
  /** Exit code of the command a module ran. */
  rc?: number;
  skipped?: boolean;
  skip_reason?: string;
  /** The arguments the module ran with (secrets masked). */
  invocation?: { module_args: Record<string, unknown> };
  warnings?: string[];
  deprecations?: { msg: string; version?: string; date?: string; collection_name?: string }[];
  /** The Python traceback of a module that crashed. */
  exception?: string;
  /** Before/after text in diff mode (one entry or a list, as the module gives it). */
  diff?: unknown;
  ansible_facts?: Record<string, unknown>;
}

/** Every module name with its own types: short names (`copy`) and FQCNs (`ansible.builtin.copy`). */
export type ModuleName = keyof BuiltinModules;

/** The short names only: the methods a target offers (`ftl.web.copy(...)`). */
export type ShortModuleName = Exclude<ModuleName, `${string}.${string}`>;

/** Arguments of a module without generated types (collections, library modules): anything goes. */
export type UnknownModuleArgs = Record<string, unknown>;

/** Result of a module without generated types. */
export type UnknownModuleResult = CommonResult & Record<string, unknown>;

/** The argument object of module `M`, or UnknownModuleArgs for a name without generated types. */
export type ModuleArgs<M extends string> = M extends ModuleName ? BuiltinModules[M]["args"] : UnknownModuleArgs;

/** The result of module `M`, or UnknownModuleResult for a name without generated types. */
export type ModuleResult<M extends string> = M extends ModuleName ? BuiltinModules[M]["result"] : UnknownModuleResult;

/**
 * The free-form string module `M` accepts in place of its arguments (`command("ls /")`, `raw("uptime")`);
 * `never` for modules without one. The engine passes it as `_raw_params`.
 */
export type ModuleFreeForm<M extends string> = M extends ModuleName ? BuiltinModules[M]["freeForm"] : string;

/** What a call of module `M` takes: its argument object or its free-form string. */
export type ModuleInput<M extends string> = ModuleArgs<M> | ModuleFreeForm<M>;
