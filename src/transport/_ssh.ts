// ansible_connection=ssh (and smart/paramiko): one ssh2 connection per host and one gate on it, started on
// the first module that needs Python and kept warm for every later task. `raw` runs on a plain exec
// channel (no Python needed, as in Ansible); `shell` is the command module with _uses_shell; `copy` with a
// controller source streams the file through the gate; everything else is the real Ansible module, shipped
// as a bundle the gate caches by hash. A gate that dies under a module (killed, crashed) fails that module
// as ansible reports a killed remote Python (MODULE FAILURE, rc 128+signal) and the next module starts a new
// gate; a connection that dies makes the host UNREACHABLE in OpenSSH's words.
import type { Client } from "ssh2";
import { constants } from "node:os";
import { TimeoutError, UnreachableError, errorMessage } from "../errors.ts";
import type { BundleSource, GateSession } from "../gate/_session.ts";
import { cleanModuleResult, parseModuleOutput } from "../modules/_ansible-local.ts";
import { buildModuleBundle } from "../modules/_bundle.ts";
import { shortBuiltinName } from "../modules/_native.ts";
import { ensureResolved } from "../modules/_prepare.ts";
import type { ModuleParams, ModuleResult } from "../modules/_types.ts";
import { openSsh } from "./ssh/_client.ts";
import { runCopyAction } from "./ssh/_copy-action.ts";
import { runFetchAction } from "./ssh/_fetch-action.ts";
import { GateStartError, startGate } from "./ssh/_gate-start.ts";
import { runRaw } from "./ssh/_raw.ts";
import { sshTargetFor, type SshTarget } from "./ssh/_target.ts";
import type { Connection, ConnectionDefaults, HostTarget, ModuleRequest, Transport } from "./_types.ts";

const SWEEP_TIMEOUT_MS = 5_000;
// A task timeout is enforced by the gate; the controller's own abort waits this long for the gate's answer.
const TIMEOUT_GRACE_MS = 3_000;
const TIMEOUT_SLACK_MS = 50;

class SshConnection implements Connection {
  readonly host: string;
  readonly #client: Client;
  readonly #t: SshTarget;
  readonly #d: ConnectionDefaults;
  #gate: Promise<GateSession> | undefined;
  #session: GateSession | undefined;
  #dead: Error | undefined;

  constructor(host: string, client: Client, t: SshTarget, d: ConnectionDefaults) {
    this.host = host;
    this.#client = client;
    this.#t = t;
    this.#d = d;
    // ssh2 emits "close" before it closes the channels, so a gate request failed by a lost connection
    // always finds #dead set.
    client.on("close", () => (this.#dead ??= lostConnection(t)));
    client.on("error", (e) => (this.#dead ??= lostConnection(t, e)));
  }

  gate(signal: AbortSignal): Promise<GateSession> {
    if (this.#dead) return Promise.reject(this.#dead);
    // A gate that died, or was retired after an aborted module, is replaced on the next request.
    if (this.#session && !this.#session.usable) {
      this.#gate = undefined;
      this.#session = undefined;
    }
    if (!this.#gate) {
      const g = startGate(this.#client, this.#t, signal);
      this.#gate = g;
      g.then((s) => (this.#gate === g ? (this.#session = s) : undefined)).catch(() => undefined);
      // A gate that failed to start is retried by the next module (a become password may differ per task).
      g.catch(() => (this.#gate === g ? (this.#gate = undefined) : undefined));
    }
    return this.#gate;
  }

  async runModule(req: ModuleRequest): Promise<ModuleResult> {
    if (this.#dead) throw this.#dead;
    const short = shortBuiltinName(req.module.name);
    let gate: GateSession | undefined;
    try {
      if (short === "raw") return await runRaw(this.#client, this.#t, req.args, req.signal);
      gate = await this.gate(req.signal);
      if (short === "copy") return await runCopyAction(gate, this, req, this.#d);
      if (short === "fetch") return await runFetchAction(gate, this, req, this.#d, this.#t);
      if (short === "shell") {
        const args: ModuleParams = { ...req.args, _uses_shell: true };
        return await this.runOnGate(gate, { ...req, module: { name: "ansible.legacy.command", action: req.module.action } }, args);
      }
      return await this.runOnGate(gate, req, req.args);
    } catch (e) {
      if (e instanceof GateStartError) return { failed: true, msg: e.hint ? `${e.message}; ${e.hint}` : e.message };
      if (this.#dead) throw this.#dead;
      const died = gate && gateDeath(gate);
      if (died) {
        await this.#sweep(gate!);
        return { failed: true, module_stdout: "", module_stderr: `${died.message}\n`, msg: "MODULE FAILURE\nSee stdout/stderr for the exact error", rc: died.rc };
      }
      throw e;
    }
  }

  /**
   * One module through the gate, shaped as the ansible controller reports it. A builtin the gate lists in its
   * Hello `native_modules` runs inside the gate; the real module is resolved and bundled only when the gate
   * declines (ModuleNotFound) or the module is not native there.
   */
  async runOnGate(gate: GateSession, req: ModuleRequest, args: ModuleParams): Promise<ModuleResult> {
    const natives = gate.info?.native_modules ?? ["ping"]; // a gate from before the list ran ping only
    let native = isBuiltinName(req.module.name) && natives.includes(shortBuiltinName(req.module.name));
    // A library module (-M) may shadow a builtin: then the real lookup decides.
    const resolved = native && this.#d.modulePaths.length === 0 ? undefined : await ensureResolved(req.module, this.#d);
    if (resolved && resolved.kind !== "ansible-builtin") native = false;
    const bundle = async (): Promise<BundleSource> => {
      const b = await buildModuleBundle(resolved ?? (await ensureResolved(req.module, this.#d)));
      return { sha256: b.sha256, pythonModule: b.pythonModule, load: async () => b.bytes };
    };
    const timeout = req.timeoutSec && req.timeoutSec > 0 ? { timeout: req.timeoutSec } : {};
    const reply = await gate.runModule(
      { name: resolved?.fqcn ?? req.module.name, args: { ...args, _ansible_verbosity: req.verbosity }, check_mode: req.checkMode, diff_mode: req.diffMode, ...timeout },
      bundle,
      timeoutAware(req),
      { native },
    );
    // The gate enforces the task timeout too (it kills the module and stays warm); whichever of its answer and
    // the executor's own timer comes first, the host's result is the task timeout's, in ansible's words.
    if (reply.timed_out && req.timeoutSec && req.timeoutSec > 0) throw new TimeoutError(`the module ran past the task timeout (${req.timeoutSec} s)`);
    // With junk around the JSON the gate still sends the raw stdout: ansible's own filter then decides,
    // which keeps its "junk after the JSON data" warning.
    const data = reply.timed_out || (reply.result && reply.stdout === undefined) ? reply.result : parseModuleOutput(reply.stdout ?? "", reply.stderr ?? "", reply.rc);
    return cleanModuleResult(data as ModuleResult);
  }

  /**
   * Kills what a dead gate's modules left running. Each module leads its own process group, and only the
   * module itself gets PR_SET_PDEATHSIG, so its children (a command's `sleep`) would outlive a SIGKILLed
   * gate; they all still carry the gate's session id, which no new process can take while they live.
   */
  async #sweep(gate: GateSession): Promise<void> {
    const pid = gate.info?.pid;
    if (!Number.isInteger(pid) || this.#dead) return;
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), SWEEP_TIMEOUT_MS);
    await runRaw(this.#client, this.#t, { _raw_params: `pkill -KILL -s ${pid} 2>/dev/null; true` }, ctl.signal).catch(() => undefined);
    clearTimeout(timer);
  }

  async close(): Promise<void> {
    const g = this.#gate;
    this.#gate = undefined;
    this.#session = undefined;
    if (g) await g.then((s) => s.shutdown(3)).catch(() => {});
    this.#client.end();
  }
}

/**
 * The signal for a gate request that carries the task timeout. The gate kills the module itself at that
 * timeout and answers, which keeps it warm; aborting the request instead would retire the gate. So an abort
 * that comes at the timeout is passed on only after a grace (the gate's answer normally arrives first), while
 * a cancel before it is passed on at once.
 */
function timeoutAware(req: ModuleRequest): AbortSignal {
  if (!req.timeoutSec) return req.signal;
  const started = performance.now();
  const ctl = new AbortController();
  const pass = () => ctl.abort(req.signal.reason);
  req.signal.addEventListener("abort", () => {
    if (performance.now() - started < req.timeoutSec! * 1000 - TIMEOUT_SLACK_MS) pass();
    else setTimeout(pass, TIMEOUT_GRACE_MS).unref?.();
  }, { once: true });
  if (req.signal.aborted) pass();
  return ctl.signal;
}

/** A short name or ansible.builtin./ansible.legacy.: a name the gate's native modules may answer to. */
function isBuiltinName(name: string): boolean {
  return !name.includes(".") || name.startsWith("ansible.builtin.") || name.startsWith("ansible.legacy.");
}

/** A connection lost after it was up, in OpenSSH's words (ssh(1) names the host; we add the port). */
function lostConnection(t: SshTarget, e?: Error): UnreachableError {
  const where = `${t.host} port ${t.port}`;
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  let what = `Connection to ${where} closed by remote host.`;
  if (code === "ECONNRESET") what = `Read from remote host ${where}: Connection reset by peer`;
  else if (e) what = `Connection to ${where} lost: ${e.message}`;
  return new UnreachableError(`Failed to connect to the host via ssh: ${what}`);
}

/** When the gate's own process ended (the SSH connection still up): what to tell and the shell's rc for it. */
function gateDeath(gate: GateSession): { message: string; rc: number } | undefined {
  const why = gate.endedWith;
  if (why === undefined || !gate.closed) return undefined;
  const pid = gate.info?.pid !== undefined ? ` (pid ${gate.info.pid})` : "";
  const sig = /^signal (SIG[A-Z0-9]+)$/.exec(why)?.[1];
  if (sig) {
    const n = (constants.signals as Record<string, number>)[sig] ?? 0;
    return { message: `the ${gate.label}${pid} was killed by ${sig} while the module ran`, rc: 128 + n };
  }
  const status = /^exit status (\d+)$/.exec(why)?.[1];
  if (status) return { message: `the ${gate.label}${pid} exited with status ${status} while the module ran`, rc: Number(status) };
  // The gate's last words on stderr (a crash): the status is not known, as for ansible's rc -1.
  if (why) return { message: `the ${gate.label}${pid} stopped while the module ran: ${why}`, rc: -1 };
  // No exit status: the session was torn down around the gate (the host going away), not by the gate.
  return undefined;
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
