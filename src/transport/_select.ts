// Picks the transport for a host from `ansible_connection` (then -c, then Ansible's default "smart" = ssh).
import { UnreachableError } from "../errors.ts";
import { localTransport } from "./_local.ts";
import { sshTransport } from "./_ssh.ts";
import type { ConnectionDefaults, HostTarget, Transport } from "./_types.ts";

const BUILTIN: readonly Transport[] = [localTransport, sshTransport];

export function connectionName(target: HostTarget, defaults: ConnectionDefaults): string {
  const v = target.vars.ansible_connection;
  if (typeof v === "string" && v !== "") return v;
  return defaults.connection ?? "smart";
}

export function selectTransport(
  target: HostTarget,
  defaults: ConnectionDefaults,
  transports: readonly Transport[] = BUILTIN,
): Transport {
  const name = connectionName(target, defaults);
  const t = transports.find((x) => x.names.includes(name));
  if (!t) {
    throw new UnreachableError(`the connection plugin '${name}' was not found`, {
      hint: `ftl2 supports ansible_connection ${transports.flatMap((x) => x.names).join(", ")}`,
    });
  }
  return t;
}
