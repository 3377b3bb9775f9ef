// A comma-separated host list given as a source (`-i 'web1,web2:2222,'`), as the host_list plugin reads it:
// only when the text is not an existing path and holds a comma; hosts go to `ungrouped`, no ranges.
import { parseAddress } from "./_address.ts";
import type { Inventory } from "./_model.ts";

export function isHostList(source: string, pathExists: boolean): boolean {
  return !pathExists && source.includes(",");
}

export function parseHostList(inv: Inventory, source: string): void {
  for (const part of source.split(",")) {
    const h = part.trim();
    if (!h) continue;
    let host = h;
    let port: number | undefined;
    try {
      const a = parseAddress(h, false);
      host = a.host;
      port = a.port;
    } catch {
      // Ansible keeps the text unchanged when it is not an address.
    }
    if (!inv.hosts.has(host)) inv.declareHost(host, "ungrouped", port);
  }
}
