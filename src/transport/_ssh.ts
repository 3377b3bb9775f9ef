// ansible_connection=ssh (and smart/paramiko): one ssh2 connection per host and one gate on it, started on
// the first module that needs Python and kept warm for every later task. `raw` runs on a plain exec
// channel (no Python needed, as in Ansible); `shell` is the command module with _uses_shell; `copy` with a
// controller source streams the file through the gate; everything else is the real Ansible module, shipped
// as a bundle the gate caches by hash.
import type { Client } from "ssh2";
import { UnreachableError, errorMessage } from "../errors.ts";
import type { GateSession } from "../gate/_session.ts";
import { cleanModuleResult, parseModuleOutput } from "../modules/_ansible-local.ts";
import { buildModuleBundle } from "../modules/_bundle.ts";
import { shortBuiltinName } from "../modules/_native.ts";
import { ensureResolved } from "../modules/_prepare.ts";
import type { ModuleParams, ModuleResult } from "../modules/_types.ts";
import { openSsh } from "./ssh/_client.ts";
import { runCopyAction } from "./ssh/_copy-action.ts";
import { GateStartError, startGate } from "./ssh/_gate-start.ts";
import { runRaw } from "./ssh/_raw.ts";
import { sshTargetFor, type SshTarget } from "./ssh/_target.ts";
import type { Connection, ConnectionDefaults, HostTarget, ModuleRequest, Transport } from "./_types.ts";

class SshConnection implements Connection {
  readonly host: string;
  readonly #client: Client;
  readonly #t: SshTarget;
  readonly #d: ConnectionDefaults;
  #gate: Promise<GateSession> | undefined;
  #dead: Error | undefined;

  constructor(host: string, client: Client, t: SshTarget, d: ConnectionDefaults) {
    this.host = host;
    this.#client = client;
    this.#t = t;
    this.#d = d;
    client.on("close", () => (this.#dead ??= new UnreachableError(`Failed to connect to the host via ssh: the connection to ${t.host} port ${t.port} closed`)));
    client.on("error", (e) => (this.#dead ??= new UnreachableError(`Failed to connect to the host via ssh: ${e.message}`)));
  }

  gate(signal: AbortSignal): Promise<GateSession> {
    if (this.#dead) return Promise.reject(this.#dead);
    if (!this.#gate) {
      this.#gate = startGate(this.#client, this.#t, signal);
      // A gate that failed to start is retried by the next module (a become password may differ per task).
      this.#gate.catch(() => (this.#gate = undefined));
    }
    return this.#gate;
  }

  async runModule(req: ModuleRequest): Promise<ModuleResult> {
    if (this.#dead) throw this.#dead;
    const short = shortBuiltinName(req.module.name);
    try {
      if (short === "raw") return await runRaw(this.#client, this.#t, req.args, req.signal);
      const gate = await this.gate(req.signal);
      if (short === "copy") return await runCopyAction(gate, this, req, this.#d);
      if (short === "shell") {
        const args: ModuleParams = { ...req.args, _uses_shell: true };
        return await this.runOnGate(gate, { ...req, module: { name: "ansible.legacy.command", action: req.module.action } }, args);
      }
      return await this.runOnGate(gate, req, req.args);
    } catch (e) {
      if (e instanceof GateStartError) return { failed: true, msg: e.hint ? `${e.message}; ${e.hint}` : e.message };
      if (this.#dead) throw this.#dead;
      throw e;
    }
  }

  /** One module through the gate, shaped as the ansible controller reports it. */
  async runOnGate(gate: GateSession, req: ModuleRequest, args: ModuleParams): Promise<ModuleResult> {
    const short = shortBuiltinName(req.module.name);
    const native = short === "ping";
    const resolved = native ? undefined : await ensureResolved(req.module, this.#d);
    const bundle = resolved ? await buildModuleBundle(resolved) : undefined;
    const reply = await gate.runModule(
      { name: resolved?.fqcn ?? req.module.name, args: { ...args, _ansible_verbosity: req.verbosity }, check_mode: req.checkMode, diff_mode: req.diffMode },
      bundle && { sha256: bundle.sha256, pythonModule: bundle.pythonModule, load: async () => bundle.bytes },
      req.signal,
    );
    const data = reply.result ?? parseModuleOutput(reply.stdout ?? "", reply.stderr ?? "", reply.rc);
    return cleanModuleResult(data as ModuleResult);
  }

  async close(): Promise<void> {
    const g = this.#gate;
    this.#gate = undefined;
    if (g) await g.then((s) => s.shutdown(3)).catch(() => {});
    this.#client.end();
  }
}

export const sshTransport: Transport = {
  names: ["ssh", "smart", "paramiko", "paramiko_ssh", "openssh"],
  async connect(target: HostTarget, defaults: ConnectionDefaults, signal: AbortSignal) {
    const t = sshTargetFor(target, defaults);
    try {
      const client = await openSsh(t, signal);
      return new SshConnection(target.name, client, t, defaults);
    } catch (e) {
      if (e instanceof UnreachableError) throw e;
      throw new UnreachableError(`Failed to connect to the host via ssh: ${errorMessage(e)}`, { cause: e });
    }
  },
};

export type { SshConnection };
