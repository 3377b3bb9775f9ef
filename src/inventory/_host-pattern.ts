// One host entry of an inventory file (`web[01:10]:2222`, `[::1]:22`) -> host names and an optional port,
// as BaseInventoryPlugin._expand_hostpattern does.
import { parseAddress } from "./_address.ts";
import { expandHostRange, hasRange } from "./_ranges.ts";

export interface ExpandedHosts {
  hosts: string[];
  port?: number;
}

export function expandHostPattern(pattern: string): ExpandedHosts {
  let name = pattern;
  let port: number | undefined;
  try {
    const a = parseAddress(pattern, true);
    name = a.host;
    port = a.port;
  } catch {
    // Not an address: the text is taken as it is.
  }
  const hosts = hasRange(name) ? expandHostRange(name) : [name];
  return port === undefined ? { hosts } : { hosts, port };
}
