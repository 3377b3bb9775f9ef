// The automation context: one connection pool (warm gates reused by every call), one event bus, one fork
// limiter shared by concurrent calls, prepared modules cached by name, and the failures of every call so far.
// `_proxy.ts` wraps it so that any other property is a Target.
import { ArgsError, CanceledError, FtlError, OptionError, PatternError } from "../errors.ts";
import { EventBus } from "../events/index.ts";
import { ConnectionPool, ForkLimiter, runTask, type HostResult as ExecutorResult } from "../executor/index.ts";
import { LOCALHOST_NAMES, selectHosts, type Inventory } from "../inventory/index.ts";
import { normalizeCmdArg, parseModuleArgs, prepareModule, type ModuleParams, type PreparedModule } from "../modules/index.ts";
import type { Secret } from "../secret.ts";
import type { ConnectionDefaults } from "../transport/index.ts";
import type { Masker } from "./_mask.ts";
import { checkCallOptions } from "./_options.ts";
import { AutomationFailedError, toHostResult } from "./_results.ts";
import { revealArgs, type SecretBinder } from "./_secrets.ts";
import type { StateFile } from "./_state.ts";
import type { AutomationOptions, HostResult, HostSpec } from "./_types.ts";

export interface ContextSetup {
  options: AutomationOptions;
  inventory: Inventory;
  extraVars: Record<string, unknown>;
  defaults: ConnectionDefaults;
  forks: number;
  secrets: Record<string, Secret>;
  binder: SecretBinder;
  masker: Masker;
  state?: StateFile;
  /** Masked already. */
  warn: (message: string) => void;
}

// Pattern syntax: a name with any of these is a host pattern, not a group or host name.
const PATTERN_CHARS = /[:,&!*?[~]/;

export class ContextCore {
  readonly inventory: Inventory;
  readonly vars: Readonly<Record<string, unknown>>;
  readonly secrets: Readonly<Record<string, Secret>>;
  readonly errors: HostResult[] = [];
  failed = false;
  readonly #s: ContextSetup;
  readonly #pool: ConnectionPool;
  readonly #bus: EventBus;
  readonly #limiter: ForkLimiter;
  readonly #abort = new AbortController();
  readonly #prepared = new Map<string, Promise<PreparedModule>>();
  readonly #onClose: (() => void)[] = [];
  #closed: Promise<void> | undefined;
  #bySignal = false;

  constructor(setup: ContextSetup) {
    this.#s = setup;
    this.inventory = setup.inventory;
    this.vars = Object.freeze({ ...setup.extraVars });
    this.secrets = Object.freeze({ ...setup.secrets });
    this.#pool = new ConnectionPool(setup.defaults);
    this.#limiter = new ForkLimiter(setup.forks);
    this.#bus = new EventBus((e) => setup.warn(setup.masker.text(`onEvent threw and was detached: ${e instanceof Error ? e.message : String(e)}`)));
    const onEvent = setup.options.onEvent;
    if (onEvent) this.#bus.on((ev) => onEvent(setup.masker.deep(ev)));
  }

  /** Runs `close` when the context closes (signal handlers, an outside AbortSignal). */
  onClose(fn: () => void): void {
    this.#onClose.push(fn);
  }

  get closed(): boolean {
    return this.#closed !== undefined;
  }

  /** Closes the context because of SIGINT/SIGTERM: running calls never settle, the process ends by the signal. */
  closeBySignal(): Promise<void> {
    this.#bySignal = true;
    return this.close("interrupted by a signal");
  }

  close(reason = "the automation context was closed"): Promise<void> {
    this.#closed ??= (async () => {
      this.#abort.abort(new CanceledError(reason));
      for (const fn of this.#onClose.splice(0)) fn();
      await this.#pool.closeAll();
    })();
    return this.#closed;
  }

  /** The hosts a pattern selects now, inventory order; selection warnings go to onWarning. */
  select(pattern: string, quiet = false, local = false): string[] {
    const limit = local || this.#s.options.limit === undefined ? undefined : [this.#s.options.limit];
    const sel = selectHosts(this.inventory, pattern, { cwd: this.#s.defaults.cwd, limit });
    if (quiet) return sel.hosts;
    for (const w of sel.warnings) this.#s.warn(this.#s.masker.text(w));
    if (sel.hosts.length === 0) {
      const real = [...this.inventory.hosts.values()].some((h) => !h.implicit);
      this.#s.warn(real ? "No hosts matched, nothing to do"
        : "provided hosts list is empty, only localhost is available. Note that the implicit localhost does not match 'all'");
    }
    return sel.hosts;
  }

  /** `ftl.<name>`: a group or host name must exist; a name with pattern syntax is a pattern. */
  checkName(name: string): void {
    if (PATTERN_CHARS.test(name) || this.inventory.groups.has(name) || this.inventory.hosts.has(name) || LOCALHOST_NAMES.includes(name)) return;
    const groups = [...this.inventory.groups.keys()];
    throw new PatternError("PATTERN_INVALID", `ftl.${name}: no group or host is named ${JSON.stringify(name)}`, {
      hint: `known groups: ${groups.join(", ")}; use ftl.run(pattern, module, args) for host patterns`,
    });
  }

  /** `local`: ftl.local's call, which --limit does not narrow (the controller is not an inventory host). */
  async call(pattern: string, module: string, input: unknown, options: unknown, local = false): Promise<HostResult[]> {
    const masker = this.#s.masker;
    try {
      if (this.closed) {
        throw new FtlError("CANCELED", `${module} on ${pattern}: the automation context is closed`, {
          hint: "make every call before close(), inside the `await using` block",
        });
      }
      if (typeof module !== "string" || module === "") throw new OptionError("OPTION_INVALID", `module name must be a non-empty string, got ${typeof module}`);
      const opts = checkCallOptions(module, options);
      const hostNames = this.select(pattern, false, local);
      if (hostNames.length === 0) return [];
      const args = this.#args(module, input);
      const prepared = await this.#prepare(module);
      const hosts = hostNames.map((name) => ({ name, vars: this.inventory.hostVars(name, this.#s.extraVars) }));
      const byHost = new Map<string, HostResult>();
      const o = this.#s.options;
      const failFast = opts.failFast ?? o.failFast ?? false;
      const outcome = await runTask({
        hosts,
        task: { module: prepared, args, checkMode: opts.check ?? o.check ?? false, diffMode: opts.diff ?? o.diff ?? false, timeoutSec: opts.timeoutSec },
        forks: this.#limiter.limit,
        limiter: this.#limiter,
        pool: this.#pool,
        failFast,
        signal: this.#abort.signal,
        events: this.#bus,
        pattern,
        onResult: (r: ExecutorResult) => {
          const hr = toHostResult(r, module, masker);
          byHost.set(r.host, hr);
          if (!hr.ok) {
            this.errors.push(hr);
            this.failed = true;
          }
        },
      });
      const results = hostNames.flatMap((h) => byHost.get(h) ?? []);
      if (outcome.canceled) {
        // The process is about to end by the signal (_signals.ts): a rejection now would let the script's
        // top level fail (exit 1) before the gates are shut and the signal is raised again.
        if (this.#bySignal) await new Promise<never>(() => {});
        throw new CanceledError(`${module} on ${pattern} was canceled: ${reasonOf(this.#abort.signal)}`);
      }
      if (failFast && results.some((r) => !r.ok)) throw new AutomationFailedError(module, pattern, results);
      return results;
    } catch (e) {
      throw masker.error(e);
    }
  }

  /** Module arguments as ansible would pass them: free-form text as `-a`, bindings filled in, Secrets revealed. */
  #args(module: string, input: unknown): ModuleParams {
    let args: Record<string, unknown>;
    if (input === undefined || input === null) args = {};
    else if (typeof input === "string") args = parseModuleArgs(module, input);
    else if (typeof input === "object" && !Array.isArray(input)) args = { ...(input as Record<string, unknown>) };
    else throw new ArgsError("MODULE_ARGS_INVALID", `${module}: arguments must be an object or a free-form string, got ${Array.isArray(input) ? "an array" : typeof input}`);
    const bound = this.#s.binder.bind(module, args);
    return normalizeCmdArg(module, revealArgs(bound, this.#s.masker) as ModuleParams);
  }

  #prepare(module: string): Promise<PreparedModule> {
    let p = this.#prepared.get(module);
    if (!p) {
      const d = this.#s.defaults;
      p = prepareModule(module, { modulePaths: d.modulePaths, collectionsPaths: d.collectionsPaths, cwd: d.cwd, env: d.env });
      // A failure (a broken module file) is not kept: the next call looks again.
      p.catch(() => this.#prepared.delete(module));
      this.#prepared.set(module, p);
    }
    return p;
  }

  async addHost(spec: HostSpec): Promise<void> {
    if (this.closed) throw new FtlError("CANCELED", `addHost(${spec?.name}): the automation context is closed`);
    const host = checkHostSpec(spec);
    this.inventory.addHost(host.name, host.vars, host.groups);
    // New variables (ansible_host, ansible_user) mean a new connection.
    await this.#pool.discard(host.name);
    await this.#s.state?.put(host);
  }

  async removeHost(name: string): Promise<void> {
    if (typeof name !== "string" || name === "") throw new OptionError("OPTION_INVALID", "removeHost(name): name must be a non-empty string");
    if (this.closed) throw new FtlError("CANCELED", `removeHost(${name}): the automation context is closed`);
    this.inventory.removeHost(name);
    await this.#pool.discard(name);
    await this.#s.state?.remove(name);
  }
}

function reasonOf(signal: AbortSignal): string {
  const r: unknown = signal.reason;
  return r instanceof Error ? r.message : String(r ?? "aborted");
}

function checkHostSpec(spec: unknown): Required<HostSpec> & { groups: string[] } {
  const s = spec as Partial<HostSpec> | null;
  if (s === null || typeof s !== "object" || typeof s.name !== "string" || s.name === "" || /[\s,]/.test(s.name)) {
    throw new OptionError("OPTION_INVALID", "addHost(host): host.name must be a non-empty string without spaces or commas");
  }
  for (const k of Object.keys(s)) {
    if (!["name", "groups", "vars"].includes(k)) throw new OptionError("OPTION_INVALID", `addHost(${s.name}): unknown field ${JSON.stringify(k)} (known: name, groups, vars)`);
  }
  const groups = s.groups ?? [];
  if (!Array.isArray(groups) || !groups.every((g) => typeof g === "string" && g !== "")) {
    throw new OptionError("OPTION_INVALID", `addHost(${s.name}): groups must be an array of group names`);
  }
  const vars = s.vars ?? {};
  if (vars === null || typeof vars !== "object" || Array.isArray(vars)) throw new OptionError("OPTION_INVALID", `addHost(${s.name}): vars must be an object`);
  return { name: s.name, groups: [...groups], vars: { ...vars } };
}
