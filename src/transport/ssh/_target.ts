// Where and how to reach a host over SSH, from its variables over the command-line defaults, with
// Ansible's names and precedence (host vars win over -u/--private-key/-T, as in ansible's connection options).
import { homedir, userInfo } from "node:os";
import { toBool } from "../../modules/_argspec.ts";
import { Secret } from "../../secret.ts";
import type { ConnectionDefaults, HostTarget } from "../_types.ts";
import { defaultKnownHostsFiles } from "./_known-hosts.ts";

export interface SshTarget {
  inventoryName: string;
  host: string;
  port: number;
  user: string;
  privateKeyFile?: string;
  /** Key text held in memory only (the AWX worker's ssh_key). */
  privateKey?: Secret;
  password?: Secret;
  agent?: string;
  connectTimeoutSec: number;
  hostKeyChecking: boolean;
  knownHostsFiles: string[];
  /** Extra connect attempts on transient failures (refused, timed out, reset). */
  retries: number;
  keepaliveSec: number;
  python?: string;
  become: boolean;
  becomeMethod: string;
  becomeUser: string;
  becomePassword?: Secret;
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : typeof v === "number" ? String(v) : undefined;
}

function first(vars: Readonly<Record<string, unknown>>, ...names: string[]): unknown {
  for (const n of names) if (vars[n] !== undefined && vars[n] !== null) return vars[n];
  return undefined;
}

function secret(v: unknown, name: string): Secret | undefined {
  if (v instanceof Secret) return v;
  const s = str(v);
  return s === undefined ? undefined : new Secret(s, name);
}

export function sshTargetFor(t: HostTarget, d: ConnectionDefaults): SshTarget {
  const v = t.vars;
  const home = d.env.HOME ?? homedir();
  const hkc = first(v, "ansible_host_key_checking", "ansible_ssh_host_key_checking");
  return {
    inventoryName: t.name,
    host: str(first(v, "ansible_host", "ansible_ssh_host")) ?? t.name,
    port: Number(first(v, "ansible_port", "ansible_ssh_port") ?? 22),
    user: str(first(v, "ansible_user", "ansible_ssh_user")) ?? d.remoteUser ?? userInfo().username,
    privateKeyFile: str(first(v, "ansible_ssh_private_key_file", "ansible_private_key_file")) ?? d.privateKeyFile,
    privateKey: d.privateKeyText,
    password: secret(first(v, "ansible_password", "ansible_ssh_pass", "ansible_ssh_password"), "ansible_password") ?? d.password,
    agent: d.env.SSH_AUTH_SOCK,
    connectTimeoutSec: Number(first(v, "ansible_ssh_timeout", "ansible_timeout") ?? d.connectTimeoutSec),
    hostKeyChecking: hkc === undefined ? d.hostKeyChecking : (toBool(hkc) ?? true),
    knownHostsFiles: defaultKnownHostsFiles(home),
    retries: Number(first(v, "ansible_ssh_retries") ?? d.connectRetries ?? 2),
    keepaliveSec: 15,
    python: str(v.ansible_python_interpreter),
    become: toBool(first(v, "ansible_become") ?? d.become ?? false) ?? false,
    becomeMethod: str(first(v, "ansible_become_method")) ?? d.becomeMethod ?? "sudo",
    becomeUser: str(first(v, "ansible_become_user")) ?? d.becomeUser ?? "root",
    becomePassword: secret(first(v, "ansible_become_password", "ansible_become_pass"), "become_password") ?? d.becomePassword,
  };
}

/** `user@host:port` as messages name a target. */
export function describeTarget(t: SshTarget): string {
  return `${t.user}@${t.host}${t.port === 22 ? "" : `:${t.port}`}`;
}
