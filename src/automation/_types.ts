// The scripting API's public contract: what `automation()` takes, what a call on a target gives back, and the
// shape of the context a script receives (`run(ftl)` under `ftl2 run`, `runner.automation()` in a worker job).
// Types only. The runtime lives in the sibling files; this file is what editors check scripts against.
import type { ModuleInput, ModuleResult, ShortModuleName, UnknownModuleResult } from "./_module-types.ts";
import type { EngineEvent, HostStatus } from "../events/_types.ts";
import type { Secret } from "../secret.ts";

/** An inline inventory: a path (file, directory or script), an INI text, a host list, or a YAML/JSON-shaped object. */
export type InventoryInput = string | readonly string[] | Record<string, unknown>;

/** What the context uses of an AbortSignal (named structurally, so the declarations need no DOM or Node types). */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: "abort", listener: () => void): void;
}

export interface BecomeOptions {
  /** Default "sudo". */
  method?: string;
  /** Default "root". */
  user?: string;
  /** The become password; a Secret, or the name of a secret listed in `secrets`. */
  password?: Secret | { secret: string };
}

export interface AutomationOptions {
  /** None: the implicit localhost only (connection local, as ansible). */
  inventory?: InventoryInput;
  /** Extra variables, as `-e`: they win over every inventory variable. */
  extraVars?: Record<string, unknown>;
  /** Hosts a call runs on at once, across every call of the context. Default 5, as ansible. */
  forks?: number;
  /** Check mode for every call (a call's own `check` wins). */
  check?: boolean;
  /** Diff mode for every call (a call's own `diff` wins). */
  diff?: boolean;
  /** The first failed or unreachable host of a call throws an AutomationFailedError. Default false. */
  failFast?: boolean;
  /** Run the gates as another user (true = sudo to root). */
  become?: boolean | BecomeOptions;
  /** As `--limit`: every call's hosts are also narrowed to this pattern (`ftl.local` excepted). */
  limit?: string;
  /** SSH password (ansible_password wins); a Secret, or the name of a secret listed in `secrets`. */
  password?: Secret | { secret: string };
  /** Become password for hosts where become is on (here or by ansible_become); `become.password` wins. */
  becomePassword?: Secret | { secret: string };
  /** A private key's text, used from memory and never written to disk (AWX's machine credential). */
  privateKey?: Secret;
  /** Remote user when the inventory does not name one (ansible_user wins). */
  remoteUser?: string;
  privateKeyFile?: string;
  /** Default true: unknown host keys are refused, as ansible's default. */
  hostKeyChecking?: boolean;
  connectTimeoutSec?: number;
  /** Environment variable names whose values become secrets (`ftl.secrets.NAME`); a missing one is an error. */
  secrets?: readonly string[];
  /**
   * Module-name glob -> module argument -> secret name: the secret's value is put into that argument of every
   * matching call (`{ "community.general.slack": { token: "SLACK_TOKEN" }, "uri": { url_password: "API_PW" } }`).
   */
  secretBindings?: Record<string, Record<string, string>>;
  /** A JSON state file: hosts added with addHost are kept there and join the inventory on the next run. */
  stateFile?: string;
  /** Every engine event of the context, secrets masked. A listener that throws is detached and reported once. */
  onEvent?: (event: EngineEvent) => void;
  /** Warnings (inventory, deprecated options), secrets masked. Default: dropped. */
  onWarning?: (message: string) => void;
  /** Aborts every running call and closes the context (an AbortSignal). */
  signal?: AbortSignalLike;
  /** Default true when no `signal` is given: SIGINT/SIGTERM close every gate, then the process ends as the signal says. */
  handleSignals?: boolean;
  /** Default process.cwd() / process.env: where relative paths and ANSIBLE_* settings come from. */
  cwd?: string;
  env?: Readonly<Record<string, string | undefined>>;
  /** Module search paths (ANSIBLE_LIBRARY) and collection paths, as ansible's. */
  modulePaths?: readonly string[];
  collectionsPaths?: readonly string[];
}

/** Per-call options, the last argument of every module call. */
export interface CallOptions {
  check?: boolean;
  diff?: boolean;
  /** Seconds before the module is stopped and the host reported failed; 0 = none. */
  timeoutSec?: number;
  /** Overrides the context's failFast for this call. */
  failFast?: boolean;
}

/** One host's outcome of one call. */
export interface HostResult<R = UnknownModuleResult> {
  host: string;
  /** The module as called (short name or FQCN). */
  module: string;
  status: HostStatus;
  /** Neither failed nor unreachable (changed and skipped count as ok). */
  ok: boolean;
  changed: boolean;
  failed: boolean;
  unreachable: boolean;
  skipped: boolean;
  /** The module's result, secrets masked. */
  result: R;
  /** Why the host failed or was unreachable (the result's msg), secrets masked. */
  error?: string;
  durationMs: number;
}

/** A call's results, one per host in inventory order. */
export type HostResults<R = UnknownModuleResult> = HostResult<R>[];

export type ModuleCall<M extends string, Out> = (args?: ModuleInput<M>, options?: CallOptions) => Promise<Out>;

/** Every module with generated types as a method, plus `module(name, args)` for any other (collections, FQCN). */
export type ModuleMethods<Single extends boolean> = {
  [M in ShortModuleName]: ModuleCall<M, Single extends true ? HostResult<ModuleResult<M>> : HostResults<ModuleResult<M>>>;
} & {
  module<M extends string>(
    name: M,
    args?: ModuleInput<M>,
    options?: CallOptions,
  ): Promise<Single extends true ? HostResult<ModuleResult<M>> : HostResults<ModuleResult<M>>>;
};

/** `ftl.all`, `ftl.webservers`, `ftl["db-1"]`: a group or host name, resolved to hosts when a call runs. */
export type Target = ModuleMethods<false> & {
  /** The pattern this target stands for. */
  readonly pattern: string;
  /** The hosts it selects now (inventory order). */
  hosts(): string[];
};

/** `ftl.local`: the controller itself (connection local); a call gives one result. */
export type LocalTarget = ModuleMethods<true>;

export interface HostSpec {
  name: string;
  groups?: readonly string[];
  vars?: Record<string, unknown>;
}

/** The methods and fields of the context itself; any other property is a Target. */
export interface AutomationContext extends AsyncDisposable {
  readonly local: LocalTarget;
  readonly all: Target;
  /** `ftl.run("web:&prod:!web-3", "copy", {...})`: any host pattern ansible accepts. */
  run<M extends string>(pattern: string, module: M, args?: ModuleInput<M>, options?: CallOptions): Promise<HostResults<ModuleResult<M>>>;
  /** The target for a pattern (same as `ftl[pattern]`, for patterns that are not identifiers). */
  target(pattern: string): Target;
  /** Every failed or unreachable host result of every call so far, in completion order. */
  readonly errors: readonly HostResult[];
  /** True once any call had a failed or unreachable host. */
  readonly failed: boolean;
  /** Extra variables the context was given (`-e` under `ftl2 run`). */
  readonly vars: Readonly<Record<string, unknown>>;
  /** The secrets named in `secrets`, by name. */
  readonly secrets: Readonly<Record<string, Secret>>;
  /** Adds a host (or updates one) now, and in the state file when there is one. */
  addHost(host: HostSpec): Promise<void>;
  removeHost(name: string): Promise<void>;
  /** Hosts a pattern selects now. */
  hosts(pattern?: string): string[];
  /** Closes every gate; later calls throw. Also what `await using` does. */
  close(): Promise<void>;
}

/** What `automation()` resolves to: the context, with every other property a Target. */
export type Ftl = AutomationContext & { readonly [name: string]: Target };

/** What a worker script job's `run(inventoryPath, extravars, runner)` gets as `runner`. */
export interface ScriptRunner {
  /** A context whose every module event also goes into the job's ansible-runner stream; inventory and extra vars default to the job's. */
  automation(options?: AutomationOptions): Promise<Ftl>;
  /** Adds a custom event to the stream (`event` defaults to "verbose"; counter, uuid and times are filled in). */
  emitEvent(event: Record<string, unknown>): void;
}

/** A script for `ftl2 run`: `export default async function (ftl) {...}` or `export async function run(ftl) {...}`; a number returned is the exit code. */
export type RunScript = (ftl: Ftl) => Promise<number | void> | number | void;

/** A worker script (FTL2_SCRIPT, /opt/ftl2/main.ts): the number returned is the job's rc. */
export type WorkerScript = (inventoryPath: string, extravars: Record<string, unknown>, runner: ScriptRunner) => Promise<number | void> | number | void;
