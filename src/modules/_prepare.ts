// Resolves the module a task names, once per task and before any host runs, so an unknown module is one
// clear error (naming where we looked) instead of a failure on every host.
import { ModuleNotFoundError } from "../errors.ts";
import { getNativeModule, shortBuiltinName } from "./_native.ts";
import { resolveModule, type ResolvedModule } from "./_resolve.ts";
import type { NativeModule } from "./_types.ts";

export interface PreparedModule {
  /** The name as the user wrote it (`ping`, `ansible.builtin.ping`, `community.general.x`). */
  readonly name: string;
  /** The name Ansible prints as the task's action and uses in callbacks. */
  readonly action: string;
  readonly native?: NativeModule;
  readonly resolved?: ResolvedModule;
  /**
   * Set when no module by this name exists: as in Ansible, every reachable host then fails with this message
   * (the action is looked up after connecting), rather than the whole command erroring out.
   */
  readonly missing?: string;
}

export interface PrepareOptions {
  modulePaths: readonly string[];
  collectionsPaths: readonly string[];
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Native modules only run where the host is local; remote hosts need the Ansible module too. */
  needAnsibleModule?: boolean;
}

export async function prepareModule(name: string, opts: PrepareOptions): Promise<PreparedModule> {
  // A module in -M/library dirs shadows the native one, as it shadows the builtin in Ansible.
  const native = opts.modulePaths.length === 0 ? getNativeModule(name) : undefined;
  if (native && !opts.needAnsibleModule) return { name, action: name, native };
  let resolved: ResolvedModule;
  try {
    resolved = await resolveModule(name, {
      modulePaths: [...opts.modulePaths],
      collectionsPaths: [...opts.collectionsPaths],
      cwd: opts.cwd,
      env: opts.env,
    });
  } catch (e) {
    if (e instanceof ModuleNotFoundError && e.notFound) return { name, action: name, missing: `The module ${name} was not found in configured module paths` };
    throw e;
  }
  const nativeAfterLookup = resolved.kind === "library" ? undefined : (native ?? getNativeModule(shortBuiltinName(resolved.fqcn)));
  return { name, action: name, native: nativeAfterLookup, resolved };
}

const resolvedCache = new WeakMap<PreparedModule, Promise<ResolvedModule>>();

/** The Ansible module behind a prepared task, resolved once: remote hosts need it even for native modules. */
export function ensureResolved(m: PreparedModule, opts: PrepareOptions): Promise<ResolvedModule> {
  if (m.resolved) return Promise.resolve(m.resolved);
  let p = resolvedCache.get(m);
  if (!p) {
    p = resolveModule(m.name, { modulePaths: [...opts.modulePaths], collectionsPaths: [...opts.collectionsPaths], cwd: opts.cwd, env: opts.env });
    resolvedCache.set(m, p);
  }
  return p;
}
