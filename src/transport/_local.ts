// ansible_connection=local: modules run on the controller. Native modules run in-process; any other module
// runs as the real Ansible module in a python3 subprocess (never blocking the event loop).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runNativeModule } from "../modules/_run-native.ts";
import { runAnsibleModuleLocally } from "../modules/_ansible-local.ts";
import { discoverPython } from "../modules/_python.ts";
import type { ModuleContext, ModuleResult } from "../modules/_types.ts";
import type { Connection, ConnectionDefaults, HostTarget, ModuleRequest, Transport } from "./_types.ts";

class LocalConnection implements Connection {
  readonly host: string;
  readonly #target: HostTarget;
  readonly #defaults: ConnectionDefaults;

  constructor(target: HostTarget, defaults: ConnectionDefaults) {
    this.host = target.name;
    this.#target = target;
    this.#defaults = defaults;
  }

  async runModule(req: ModuleRequest): Promise<ModuleResult> {
    const scratch = await mkdtemp(join(tmpdir(), "ftl2-"));
    const ctx: ModuleContext = {
      checkMode: req.checkMode,
      diffMode: req.diffMode,
      signal: req.signal,
      cwd: this.#defaults.cwd,
      env: this.#defaults.env,
      hostVars: this.#target.vars,
      tmpdir: scratch,
    };
    try {
      if (req.module.native) return await runNativeModule(req.module.native, req.args, ctx);
      if (!req.module.resolved) throw new Error(`module ${req.module.name} was neither native nor resolved`);
      const python = await discoverPython(this.#target.vars, this.#defaults.env);
      return await runAnsibleModuleLocally(req.module.resolved, req.args, ctx, python);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }

  async close(): Promise<void> {}
}

export const localTransport: Transport = {
  names: ["local"],
  async connect(target, defaults) {
    return new LocalConnection(target, defaults);
  },
};
