// The one interface every connection method meets (local now, ssh + gate next), in the shape of mitogen's
// one-file-per-method layout: connect once per host, run many modules on that connection, close.
import type { ModuleParams, ModuleResult } from "../modules/_types.ts";
import type { PreparedModule } from "../modules/_prepare.ts";
import type { Secret } from "../secret.ts";

export interface HostTarget {
  /** inventory_hostname */
  readonly name: string;
  /** The host's merged variables (inventory, group_vars, host_vars, extra vars). */
  readonly vars: Readonly<Record<string, unknown>>;
}

/** Settings from the command line / API that host variables may override (as Ansible's connection options). */
export interface ConnectionDefaults {
  connection?: string;
  remoteUser?: string;
  privateKeyFile?: string;
  /** Private key text held in memory (never written to disk), e.g. the AWX worker's ssh_key. */
  privateKeyText?: Secret;
  /** Connection password (-k, ansible_password, the worker's passwords map). */
  password?: Secret;
  becomePassword?: Secret;
  /** Extra connect attempts on transient failures. */
  connectRetries?: number;
  connectTimeoutSec: number;
  hostKeyChecking: boolean;
  sshCommonArgs?: string;
  become?: boolean;
  becomeMethod?: string;
  becomeUser?: string;
  modulePaths: readonly string[];
  collectionsPaths: readonly string[];
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
}

export interface ModuleRequest {
  module: PreparedModule;
  args: ModuleParams;
  checkMode: boolean;
  diffMode: boolean;
  verbosity: number;
  /** Aborted on task timeout or cancel; the connection must stop the module's processes. */
  signal: AbortSignal;
  /** The task timeout in seconds, when there is one: a transport may enforce it where the module runs. */
  timeoutSec?: number;
}

export interface Connection {
  readonly host: string;
  /** Runs a module; a failed module is a result. Throws UnreachableError when the transport itself dies. */
  runModule(req: ModuleRequest): Promise<ModuleResult>;
  close(): Promise<void>;
}

export interface Transport {
  /** `ansible_connection` names this transport answers to. */
  readonly names: readonly string[];
  /** Opens the connection; throws UnreachableError with a precise message when the host cannot be reached. */
  connect(target: HostTarget, defaults: ConnectionDefaults, signal: AbortSignal): Promise<Connection>;
}
