// The contract every module runner meets: native TypeScript modules in-process, the Ansible subprocess
// fallback, and (later) modules run inside a remote gate. Results are plain JSON objects shaped exactly like
// the Ansible module's own result, so front doors can print and stream them without knowing where they ran.

/** A module's JSON result, as Ansible modules return it (`changed`, `failed`, `msg`, `rc`, ...). */
export type ModuleResult = Record<string, unknown> & {
  changed?: boolean;
  failed?: boolean;
  skipped?: boolean;
  unreachable?: boolean;
  msg?: string;
  rc?: number;
};

export type ModuleParams = Record<string, unknown>;

export interface ModuleContext {
  /** Ansible's check mode (`-C`): report what would change, change nothing. */
  checkMode: boolean;
  /** Ansible's diff mode (`-D`): add a `diff` key where the module supports it. */
  diffMode: boolean;
  /** Aborted when the task times out or the run is canceled; modules must stop their children then. */
  signal: AbortSignal;
  /** Directory against which relative paths resolve (the controller's cwd for local runs). */
  cwd: string;
  /** Environment of the module process (the controller's own for local runs). */
  env: Readonly<Record<string, string | undefined>>;
  /** The host's merged variables (read-only). */
  hostVars: Readonly<Record<string, unknown>>;
  /** Scratch directory the module may use; removed by the caller afterwards. */
  tmpdir: string;
}

export type ArgType = "str" | "bool" | "int" | "float" | "path" | "list" | "dict" | "raw" | "jsonarg";

export interface ArgSpec {
  type?: ArgType;
  required?: boolean;
  default?: unknown;
  choices?: readonly unknown[];
  aliases?: readonly string[];
  /** Element type for `list`. */
  elements?: ArgType;
  /** Value masked as VALUE_SPECIFIED_IN_NO_LOG_PARAMETER in `invocation`. */
  noLog?: boolean;
}

export interface ModuleSpec {
  args: Readonly<Record<string, ArgSpec>>;
  mutuallyExclusive?: readonly (readonly string[])[];
  requiredOneOf?: readonly (readonly string[])[];
  requiredTogether?: readonly (readonly string[])[];
  /** [param, value, requirements, anyOf]: when param == value, the requirements must be set (all, or any). */
  requiredIf?: readonly (readonly [string, unknown, readonly string[], boolean?])[];
  supportsCheckMode: boolean;
}

/** A module implemented in TypeScript and run in-process. Same arguments and result keys as its Ansible namesake. */
export interface NativeModule {
  /** Short name, e.g. "ping"; also answers to ansible.builtin.<name> and ansible.legacy.<name>. */
  readonly name: string;
  readonly spec: ModuleSpec;
  run(params: ModuleParams, ctx: ModuleContext): Promise<ModuleResult>;
}
