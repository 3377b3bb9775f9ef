// A host's variables with Ansible's precedence (VariableManager.get_vars, default hash_behaviour=replace),
// low to high: `all` inventory vars, `all` group_vars/ files (inventory folders, then playbook folder), the
// host's other groups' inventory vars sorted by (depth, ansible_group_priority, name), their group_vars/ files,
// the host's inventory vars plus inventory_hostname(_short) and group_names, host_vars/ files, extra vars.
import type { Inventory, InventoryGroup, InventoryHost } from "./_model.ts";

export function sortGroups(groups: InventoryGroup[]): InventoryGroup[] {
  return [...groups].sort((a, b) => a.depth - b.depth || a.priority - b.priority || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function computeHostVars(
  inv: Inventory,
  hostName: string,
  extraVars: Record<string, unknown>,
): Record<string, unknown> {
  const host: InventoryHost | undefined = inv.getHost(hostName);
  if (!host) throw new Error(`unknown host: ${hostName}`);
  const all = inv.groups.get("all") as InventoryGroup;
  const files = inv.varFiles;
  const groups = sortGroups(
    host.groups.filter((g) => g !== "all").map((g) => inv.groups.get(g) as InventoryGroup),
  );
  const names = groups.map((g) => g.name);
  let vars: Record<string, unknown> = { ...all.vars };
  vars = { ...vars, ...files.entityVars("inventory", "group", ["all"]) };
  vars = { ...vars, ...files.entityVars("playbook", "group", ["all"]) };
  for (const g of groups) vars = { ...vars, ...g.vars };
  vars = { ...vars, ...files.entityVars("inventory", "group", names) };
  vars = { ...vars, ...files.entityVars("playbook", "group", names) };
  vars = { ...vars, ...host.vars, ...inv.magicVars(host) };
  vars = { ...vars, ...files.entityVars("inventory", "host", [host.name]) };
  vars = { ...vars, ...files.entityVars("playbook", "host", [host.name]) };
  return { ...vars, ...extraVars };
}
