// What `ansible-inventory --list` prints: every group reachable from `all` with its direct hosts and children
// (empty keys dropped), and `_meta.hostvars` with each host's merged variables minus Ansible's internal names.
import type { Inventory } from "./_model.ts";

const INTERNAL_VARS = new Set([
  "ansible_diff_mode", "ansible_config_file", "ansible_facts", "ansible_forks", "ansible_inventory_sources",
  "ansible_limit", "ansible_playbook_python", "ansible_run_tags", "ansible_skip_tags", "ansible_verbosity",
  "ansible_version", "inventory_dir", "inventory_file", "inventory_hostname", "inventory_hostname_short",
  "groups", "group_names", "omit", "playbook_dir",
]);

export function toInventoryListJson(inv: Inventory, extraVars: Record<string, unknown> = {}): Record<string, unknown> {
  const results: Record<string, unknown> = {};
  const seen = new Set<string>();
  const formatGroup = (name: string): void => {
    const group = inv.groups.get(name);
    if (!group) return;
    const entry: Record<string, unknown> = {};
    results[name] = entry;
    if (name !== "all" && group.hosts.length) entry.hosts = [...group.hosts];
    if (group.children.length) entry.children = [...group.children];
    for (const child of group.children) {
      if (seen.has(child)) continue;
      formatGroup(child);
      seen.add(child);
    }
    if (Object.keys(entry).length === 0) delete results[name];
  };
  formatGroup("all");
  const hostvars: Record<string, unknown> = {};
  for (const host of inv.groupHosts("all")) {
    const vars = inv.hostVars(host, extraVars);
    for (const k of INTERNAL_VARS) delete vars[k];
    if (Object.keys(vars).length) hostvars[host] = vars;
  }
  results._meta = { hostvars };
  return results;
}
