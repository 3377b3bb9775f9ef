// One ad-hoc job, front-door neutral: the CLI, the AWX worker and the library API all run it. The steps and
// their order follow ansible's AdHocCLI.run: inventory, host list (warnings or the no-hosts error), list
// hosts, argument checks, module resolution, then the task over pooled connections.
import { existsSync } from "node:fs";
import { ArgsError, FtlError, OptionError } from "../errors.ts";
import type { EventBus } from "../events/index.ts";
import { ConnectionPool, runTask, type HostResult, type TaskOutcome } from "../executor/index.ts";
import { loadInventory, parseExtraVars, selectHosts, type Inventory } from "../inventory/index.ts";
import { parseModuleArgs, prepareModule, type ModuleParams, type PreparedModule } from "../modules/index.ts";
import type { ConnectionDefaults, HostTarget, Transport } from "../transport/index.ts";
import type { Secret } from "../secret.ts";
import type { AdhocOptions } from "./_options.ts";

const LOCALHOST_NAMES = ["127.0.0.1", "localhost", "::1"];
const REQUIRE_ARGS = ["command", "win_command", "shell", "win_shell", "raw", "script"];

export interface AdhocIO {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  signal?: AbortSignal;
  events?: EventBus;
  /** Receives each warning text once, in ansible's wording (without the `[WARNING]: ` prefix). */
  warn: (msg: string) => void;
  transports?: readonly Transport[];
  /** Passwords the front door collected (-k/-K prompts, password files, the worker's passwords map). */
  secrets?: { password?: Secret; becomePassword?: Secret; privateKey?: Secret };
}

export interface AdhocPlan {
  inventory: Inventory;
  hostNames: string[];
  extraVars: Record<string, unknown>;
}

function requiresArgs(module: string): boolean {
  return REQUIRE_ARGS.some((m) => module === m || module === `ansible.builtin.${m}` || module === `ansible.legacy.${m}`);
}

/** Loads the inventory and selects the hosts; what `--list-hosts` prints. */
export async function planAdhoc(opts: AdhocOptions, io: AdhocIO): Promise<AdhocPlan> {
  const extraVars = await parseExtraVars(opts.extraVars, io.cwd);
  // The default source (/etc/ansible/hosts) may be absent; a source the user named must exist.
  const sources = opts.inventoryExplicit ? opts.inventory : opts.inventory.filter((s) => existsSync(s));
  if (!opts.inventoryExplicit && sources.length === 0) io.warn("No inventory was parsed, only implicit localhost is available");
  const inventory = await loadInventory({ sources, cwd: io.cwd, env: io.env, strict: true });
  const realHosts = [...inventory.hosts.values()].filter((h) => !h.implicit).length;
  let noHosts = false;
  if (realHosts === 0) {
    if (!LOCALHOST_NAMES.includes(opts.pattern)) {
      io.warn("provided hosts list is empty, only localhost is available. Note that the implicit localhost does not match 'all'");
    }
    noHosts = true;
  }
  const sel = selectHosts(inventory, opts.pattern, { limit: opts.limit ? [opts.limit] : undefined, cwd: io.cwd });
  for (const w of sel.warnings) io.warn(w);
  if (sel.hosts.length === 0 && !noHosts) {
    if (opts.limit) {
      throw new FtlError("PATTERN_INVALID", "Specified inventory, host pattern and/or --limit leaves us with no hosts to target.");
    }
    io.warn("No hosts matched, nothing to do");
  }
  return { inventory, hostNames: sel.hosts, extraVars };
}

export interface PreparedAdhoc extends AdhocPlan {
  module: PreparedModule;
  args: ModuleParams;
  hosts: HostTarget[];
  defaults: ConnectionDefaults;
}

/** Checks the module and its arguments (before any host runs) and builds each host's target. */
export async function prepareAdhoc(opts: AdhocOptions, plan: AdhocPlan, io: AdhocIO): Promise<PreparedAdhoc> {
  if (requiresArgs(opts.moduleName) && !opts.moduleArgs) {
    let err = `No argument passed to ${opts.moduleName} module`;
    if (opts.pattern.endsWith(".yml")) err += " (did you mean to run ansible-playbook?)";
    throw new OptionError("OPTION_INVALID", err);
  }
  if (opts.backgroundSeconds > 0) {
    throw new OptionError("OPTION_INVALID", "async tasks (-B/--background) are not supported by ftl2", {
      hint: "run the module in the foreground; use --task-timeout to bound it",
    });
  }
  let args: ModuleParams;
  try {
    args = parseModuleArgs(opts.moduleName, opts.moduleArgs);
  } catch (e) {
    if (e instanceof FtlError) throw e;
    throw new ArgsError("MODULE_ARGS_INVALID", `bad module arguments (-a): ${String(e)}`);
  }
  const defaults: ConnectionDefaults = {
    connection: opts.connection,
    remoteUser: opts.remoteUser,
    privateKeyFile: opts.privateKeyFile,
    privateKeyText: io.secrets?.privateKey,
    password: io.secrets?.password,
    becomePassword: io.secrets?.becomePassword,
    connectTimeoutSec: opts.connectTimeout,
    hostKeyChecking: opts.hostKeyChecking,
    sshCommonArgs: opts.sshCommonArgs,
    become: opts.become,
    becomeMethod: opts.becomeMethod,
    becomeUser: opts.becomeUser,
    modulePaths: opts.modulePaths,
    collectionsPaths: opts.collectionsPaths,
    cwd: io.cwd,
    env: io.env,
  };
  const hosts = plan.hostNames.map((name) => ({ name, vars: plan.inventory.hostVars(name, plan.extraVars) }));
  const module = await prepareModule(opts.moduleName, {
    modulePaths: opts.modulePaths,
    collectionsPaths: opts.collectionsPaths,
    cwd: io.cwd,
    env: io.env,
  });
  return { ...plan, module, args, hosts, defaults };
}

export interface RunAdhocHooks {
  onStart?: (host: string) => void;
  onResult?: (r: HostResult) => void;
}

export async function runAdhoc(opts: AdhocOptions, prepared: PreparedAdhoc, io: AdhocIO, hooks: RunAdhocHooks = {}): Promise<TaskOutcome> {
  const pool = new ConnectionPool(prepared.defaults, io.transports);
  // An ad-hoc run has one task: a host's connection (and its gate) is closed as soon as its result is in, so the
  // closes spread over the run instead of all waiting for the last host (a tail of ~100 ms at 100 hosts), and a
  // finished host's sshd session and gate are gone while the others still run. The run still waits for every close.
  const closing: Promise<void>[] = [];
  const onResult = (r: HostResult) => {
    hooks.onResult?.(r);
    closing.push(pool.discard(r.host));
  };
  try {
    return await runTask({
      hosts: prepared.hosts,
      task: {
        module: prepared.module, args: prepared.args, checkMode: opts.checkMode, diffMode: opts.diffMode,
        verbosity: opts.verbosity, timeoutSec: opts.taskTimeout,
      },
      forks: opts.forks,
      pool,
      failFast: opts.failFast,
      signal: io.signal,
      events: io.events,
      pattern: opts.pattern,
      onStart: hooks.onStart,
      onResult,
    });
  } finally {
    await Promise.all(closing);
    await pool.closeAll();
  }
}
