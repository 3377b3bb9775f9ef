// What a script holds: the context's own members, and every other property a Target (`ftl.webservers`,
// `ftl["db-1"]`) whose every property is a module call (`ftl.webservers.dnf({...})`). `then` and symbols are
// never targets or modules, so `await ftl`, `console.log(ftl)` and test matchers see plain objects.
import { FtlError } from "../errors.ts";
import type { ContextCore } from "./_context.ts";
import type { AutomationContext, Ftl, HostResult, LocalTarget, Target } from "./_types.ts";

// Names that inspection, promises and serialisers probe for; a property by these names is neither a target
// nor a module.
const NOT_NAMES = new Set(["then", "catch", "finally", "toJSON", "asymmetricMatch", "$$typeof", "nodeType", "inspect", "prototype"]);

type Call = (module: string, args?: unknown, options?: unknown) => Promise<unknown>;

function moduleProxy<T extends object>(base: T, call: Call): T {
  return new Proxy(base, {
    get(target, prop, receiver) {
      if (typeof prop === "symbol" || prop in target) return Reflect.get(target, prop, receiver);
      if (NOT_NAMES.has(prop)) return undefined;
      return (args?: unknown, options?: unknown) => call(prop, args, options);
    },
  });
}

function makeTarget(core: ContextCore, pattern: string, named: boolean): Target {
  const call: Call = (module, args, options) => {
    // A misspelt group is an error at the call, not an empty result: the name came from code, not a pattern.
    if (named) {
      try {
        core.checkName(pattern);
      } catch (e) {
        return Promise.reject(e);
      }
    }
    return core.call(pattern, module, args, options);
  };
  const base = { pattern, hosts: () => core.select(pattern, true), module: call };
  return moduleProxy(base, call) as unknown as Target;
}

function makeLocal(core: ContextCore): LocalTarget {
  const call: Call = async (module, args, options) => {
    const [r] = await core.call("localhost", module, args, options, true);
    if (!r) throw new FtlError("INTERNAL", `${module} on localhost gave no result`);
    return r;
  };
  return moduleProxy({ module: call }, call) as unknown as LocalTarget;
}

export function createFtl(core: ContextCore): Ftl {
  const targets = new Map<string, Target>();
  const targetFor = (pattern: string, named: boolean): Target => {
    const key = `${named ? "n" : "p"}:${pattern}`;
    let t = targets.get(key);
    if (!t) {
      t = makeTarget(core, pattern, named);
      targets.set(key, t);
    }
    return t;
  };
  const context: AutomationContext = {
    local: makeLocal(core),
    all: targetFor("all", false),
    run: ((pattern: string, module: string, args?: unknown, options?: unknown) =>
      core.call(pattern, module, args, options)) as AutomationContext["run"],
    target: (pattern: string) => targetFor(pattern, true),
    get errors(): readonly HostResult[] {
      return [...core.errors];
    },
    get failed(): boolean {
      return core.failed;
    },
    vars: core.vars,
    secrets: core.secrets,
    addHost: (host) => core.addHost(host),
    removeHost: (name) => core.removeHost(name),
    hosts: (pattern = "all") => core.select(pattern, true),
    close: () => core.close(),
    [Symbol.asyncDispose]: () => core.close(),
  };
  return new Proxy(context, {
    get(target, prop, receiver) {
      if (typeof prop === "symbol" || prop in target) return Reflect.get(target, prop, receiver);
      if (NOT_NAMES.has(prop)) return undefined;
      return targetFor(prop, true);
    },
  }) as Ftl;
}
