// The inventory as Ansible's InventoryData, Group and Host hold it: groups keep their direct hosts and children
// in insertion order, hosts keep every group they belong to (ancestors included), group depth follows the
// deepest parent. Orders matter: `all`'s host order is what patterns and slices see.
import { InventoryError } from "../errors.ts";
import { isIpAddress } from "./_address.ts";
import { type VarFileLoader, noVarFiles } from "./_group-host-vars.ts";
import { computeHostVars } from "./_host-vars.ts";

export interface InventoryHost {
  name: string;
  vars: Record<string, unknown>;
  /** Every group the host belongs to, ancestors included, as Ansible's Host.groups. */
  groups: string[];
  implicit?: boolean;
}

export interface InventoryGroup {
  name: string;
  vars: Record<string, unknown>;
  hosts: string[];
  children: string[];
  parents: string[];
  depth: number;
  priority: number;
}

const INVALID_GROUP_WARNING = "Invalid characters were found in group names but not replaced, use -vvvv to see details";

export const LOCALHOST_NAMES: readonly string[] = ["127.0.0.1", "localhost", "::1"];

export class Inventory {
  readonly hosts = new Map<string, InventoryHost>();
  readonly groups = new Map<string, InventoryGroup>();
  /** Warnings Ansible would print while loading, word for word (without the `[WARNING]: ` prefix). */
  readonly warnings: string[] = [];
  /** The sources as Ansible keeps them (absolute paths, or comma lists), for host_vars/group_vars lookup. */
  readonly sources: string[] = [];
  /** Interpreter given to the implicit localhost (Ansible uses its own controller Python). */
  localPython = "/usr/bin/python3";
  /** The implicit localhost, once a pattern has named it; never part of `hosts` or of `all`. */
  implicitLocalhost: InventoryHost | undefined;
  /** host_vars/ and group_vars/ lookups; set by loadInventory. */
  varFiles: VarFileLoader = noVarFiles;
  /** The source being parsed; new hosts record it as inventory_file. */
  currentSource: string | null = null;

  /** The first localhost-like host of the inventory; a pattern naming another localhost alias gets it. */
  private localhostName: string | undefined;
  private readonly hostGroupSets = new Map<string, Set<string>>();
  private readonly groupHostSets = new Map<string, Set<string>>();
  private hostsCache = new Map<string, string[]>();

  constructor() {
    this.addGroup("all");
    this.addGroup("ungrouped");
    this.addChild("all", "ungrouped");
  }

  addGroup(name: string): string {
    if (!name) throw new InventoryError("INVENTORY_PARSE", `Invalid empty/false group name provided: ${name}`);
    if (!this.groups.has(name)) {
      // Ansible keeps such names (TRANSFORM_INVALID_GROUP_CHARS=never) but says so, once.
      if (/^\p{Nd}|[^\p{L}\p{N}_]/u.test(name) && !this.warnings.includes(INVALID_GROUP_WARNING)) {
        this.warnings.push(INVALID_GROUP_WARNING);
      }
      this.groups.set(name, { name, vars: {}, hosts: [], children: [], parents: [], depth: 0, priority: 1 });
      this.groupHostSets.set(name, new Set());
    }
    return name;
  }

  /** InventoryData.add_host: creates the host once (port only then), and puts it in `group`. */
  declareHost(name: string, group?: string, port?: number): string {
    if (!name) throw new InventoryError("INVENTORY_PARSE", `Invalid empty host name provided: ${name}`);
    if (group !== undefined && !this.groups.has(group)) {
      throw new InventoryError("INVENTORY_PARSE", `Could not find group ${group} in inventory`);
    }
    if (!this.hosts.has(name)) {
      const host: InventoryHost = { name, vars: {}, groups: [] };
      if (port) host.vars.ansible_port = port;
      this.hosts.set(name, host);
      this.hostGroupSets.set(name, new Set());
      const src = this.currentSource;
      this.setVariable(name, "inventory_file", src);
      // Ansible's basedir() gives the text "None" for a source that is not a path (a host list).
      this.setVariable(name, "inventory_dir", src ? (this.varFiles.sourceDir(src) ?? "None") : null);
      if (LOCALHOST_NAMES.includes(name)) {
        if (this.localhostName === undefined) this.localhostName = name;
        else this.warnings.push(`A duplicate localhost-like entry was found (${name}). First found localhost was ${this.localhostName}`);
      }
    }
    if (group !== undefined) this.addHostToGroup(group, name);
    return name;
  }

  /** Run-time host (Ansible's add_host): joins `all` when new, takes vars and groups, then inventory rules. */
  addHost(name: string, vars: Record<string, unknown> = {}, groups: string[] = []): void {
    if (!this.hosts.has(name)) this.declareHost(name, "all");
    const host = this.hosts.get(name) as InventoryHost;
    host.vars = { ...host.vars, ...vars };
    for (const g of groups) {
      this.addGroup(g);
      this.addHostToGroup(g, name);
    }
    this.reconcile();
  }

  /** Forgets a run-time host (the scripting API's removeHost): out of every group, then out of the inventory. */
  removeHost(name: string): boolean {
    if (!this.hosts.has(name)) return false;
    for (const g of this.groups.values()) {
      const i = g.hosts.indexOf(name);
      if (i < 0) continue;
      g.hosts.splice(i, 1);
      this.groupHostSets.get(g.name)?.delete(name);
    }
    this.hosts.delete(name);
    this.hostGroupSets.delete(name);
    if (this.localhostName === name) this.localhostName = undefined;
    this.hostsCache.clear();
    return true;
  }

  getHost(name: string): InventoryHost | undefined {
    return this.hosts.get(name) ?? (this.implicitLocalhost?.name === name ? this.implicitLocalhost : undefined);
  }

  /** InventoryData.get_host: a named localhost that is not in the inventory becomes the implicit one. */
  resolveHost(name: string): InventoryHost | undefined {
    const host = this.hosts.get(name);
    if (host || !LOCALHOST_NAMES.includes(name)) return host;
    const known = this.localhostName === undefined ? undefined : this.hosts.get(this.localhostName);
    if (known) return known;
    this.implicitLocalhost ??= {
      name,
      vars: { ansible_python_interpreter: this.localPython, ansible_connection: "local" },
      groups: [],
      implicit: true,
    };
    return this.implicitLocalhost;
  }

  /** Group vars first: a host named like a group gives its variables to the group, as in Ansible. */
  setVariable(entity: string, key: string, value: unknown): void {
    const group = this.groups.get(entity);
    if (group) {
      if (key === "ansible_group_priority") group.priority = toInt(value);
      else group.vars[key] = value;
      return;
    }
    const host = this.hosts.get(entity);
    if (!host) throw new InventoryError("INVENTORY_PARSE", `Could not identify group or host named ${entity}`);
    host.vars[key] = value;
  }

  /** InventoryData.add_child: `child` is a group, else a host. */
  addChild(group: string, child: string): boolean {
    if (!this.groups.has(group)) throw new InventoryError("INVENTORY_PARSE", `${group} is not a known group`);
    if (this.groups.has(child)) return this.addChildGroup(group, child);
    if (this.hosts.has(child)) return this.addHostToGroup(group, child);
    throw new InventoryError("INVENTORY_PARSE", `${child} is not a known host nor group`);
  }

  private addChildGroup(parentName: string, childName: string): boolean {
    const parent = this.groups.get(parentName) as InventoryGroup;
    const child = this.groups.get(childName) as InventoryGroup;
    if (parent === child) throw new InventoryError("INVENTORY_PARSE", "can't add group to itself");
    if (parent.children.includes(childName)) return false;
    const parentAncestors = this.ancestors(parentName);
    if (parentAncestors.has(childName)) {
      throw new InventoryError(
        "INVENTORY_PARSE",
        `Adding group '${childName}' as child to '${parentName}' creates a recursive dependency loop.`,
      );
    }
    const childAncestors = this.ancestors(childName);
    parentAncestors.add(parentName);
    for (const a of childAncestors) parentAncestors.delete(a);
    parent.children.push(childName);
    child.depth = Math.max(parent.depth + 1, child.depth);
    this.checkChildrenDepth(child);
    if (!child.parents.includes(parentName)) {
      child.parents.push(parentName);
      for (const h of this.groupHosts(childName, true)) {
        for (const a of parentAncestors) this.linkHostGroup(h, a);
      }
    }
    this.hostsCache.clear();
    return true;
  }

  private checkChildrenDepth(group: InventoryGroup): void {
    let depth = group.depth;
    const start = depth;
    const seen = new Set<string>();
    let todo = new Set(group.children);
    while (todo.size) {
      for (const g of todo) seen.add(g);
      depth += 1;
      const next = new Set<string>();
      for (const name of todo) {
        const g = this.groups.get(name) as InventoryGroup;
        if (g.depth < depth) {
          g.depth = depth;
          for (const c of g.children) next.add(c);
        }
      }
      todo = next;
      if (depth - start > seen.size) {
        throw new InventoryError("INVENTORY_PARSE", `The group named '${group.name}' has a recursive dependency loop.`);
      }
    }
  }

  private addHostToGroup(groupName: string, hostName: string): boolean {
    const members = this.groupHostSets.get(groupName) as Set<string>;
    if (members.has(hostName)) return false;
    members.add(hostName);
    (this.groups.get(groupName) as InventoryGroup).hosts.push(hostName);
    for (const a of this.ancestors(groupName)) this.linkHostGroup(hostName, a);
    this.linkHostGroup(hostName, groupName);
    this.hostsCache.clear();
    return true;
  }

  private linkHostGroup(hostName: string, groupName: string): void {
    const set = this.hostGroupSets.get(hostName) as Set<string>;
    if (set.has(groupName)) return;
    set.add(groupName);
    (this.hosts.get(hostName) as InventoryHost).groups.push(groupName);
  }

  private removeHostFromGroup(groupName: string, hostName: string): void {
    const members = this.groupHostSets.get(groupName) as Set<string>;
    if (!members.delete(hostName)) return;
    const group = this.groups.get(groupName) as InventoryGroup;
    group.hosts.splice(group.hosts.indexOf(hostName), 1);
    this.unlinkHostGroup(hostName, groupName);
    this.hostsCache.clear();
  }

  /** Host.remove_group: also drops ancestors no other group of the host still leads to (except `all`). */
  private unlinkHostGroup(hostName: string, groupName: string): void {
    const host = this.hosts.get(hostName) as InventoryHost;
    const set = this.hostGroupSets.get(hostName) as Set<string>;
    if (!set.delete(groupName)) return;
    host.groups.splice(host.groups.indexOf(groupName), 1);
    for (const old of this.ancestors(groupName)) {
      if (old === "all") continue;
      if (!host.groups.some((g) => this.ancestors(g).has(old))) this.unlinkHostGroup(hostName, old);
    }
  }

  ancestors(groupName: string): Set<string> {
    const seen = new Set<string>();
    let todo = [...(this.groups.get(groupName)?.parents ?? [])];
    while (todo.length) {
      const next: string[] = [];
      for (const g of todo) {
        if (seen.has(g)) continue;
        seen.add(g);
        next.push(...(this.groups.get(g)?.parents ?? []));
      }
      todo = next;
    }
    return seen;
  }

  /**
   * Hosts of a group and its descendants, in Ansible's order: the group's own hosts, then level by level
   * through the children. (Ansible walks each level as a Python set; this walks it in insertion order.)
   */
  groupHosts(groupName: string, includeImplicit = false): string[] {
    const cached = includeImplicit ? undefined : this.hostsCache.get(groupName);
    if (cached) return cached;
    const group = this.groups.get(groupName);
    if (!group) return [];
    const ordered: string[] = [groupName, ...group.children];
    const seen = new Set<string>();
    let todo = [...new Set(group.children)];
    while (todo.length) {
      for (const g of todo) seen.add(g);
      const next: string[] = [];
      for (const g of todo) {
        for (const kid of this.groups.get(g)?.children ?? []) {
          if (!seen.has(kid)) {
            ordered.push(kid);
            if (!next.includes(kid)) next.push(kid);
          }
        }
      }
      todo = next;
    }
    const out: string[] = [];
    const got = new Set<string>();
    for (const g of ordered) {
      for (const h of this.groups.get(g)?.hosts ?? []) {
        if (got.has(h)) continue;
        got.add(h);
        if (groupName === "all" && this.hosts.get(h)?.implicit && !includeImplicit) continue;
        out.push(h);
      }
    }
    if (!includeImplicit) this.hostsCache.set(groupName, out);
    return out;
  }

  /** InventoryData.reconcile_inventory: top groups under `all`, hosts without a group in `ungrouped`. */
  reconcile(): string[] {
    const warnings: string[] = [];
    for (const name of this.groups.keys()) {
      if (name !== "all" && this.ancestors(name).size === 0) this.addChild("all", name);
    }
    for (const host of this.hosts.values()) {
      const mine = host.groups;
      if (mine.includes("ungrouped")) {
        if (mine.some((g) => g !== "all" && g !== "ungrouped")) this.removeHostFromGroup("ungrouped", host.name);
      } else if (!host.implicit) {
        if (mine.length === 0 || (mine.length === 1 && mine[0] === "all")) this.addChild("ungrouped", host.name);
      }
    }
    for (const name of this.hosts.keys()) {
      if (this.groups.has(name)) warnings.push(`Found both group and host with same name: ${name}`);
    }
    this.hostsCache.clear();
    return warnings;
  }

  /** Group name -> host names, the `groups` magic variable. */
  groupsDict(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const name of this.groups.keys()) out[name] = this.groupHosts(name);
    return out;
  }

  /** Variables of a host with Ansible's precedence (see _host-vars.ts), plus the magic names. */
  hostVars(host: string, extraVars: Record<string, unknown> = {}): Record<string, unknown> {
    return computeHostVars(this, host, extraVars);
  }

  /** Host.get_magic_vars. */
  magicVars(host: InventoryHost): Record<string, unknown> {
    return {
      inventory_hostname: host.name,
      inventory_hostname_short: isIpAddress(host.name) ? host.name : (host.name.split(".")[0] ?? ""),
      group_names: host.groups.filter((g) => g !== "all").sort(),
    };
  }
}

function toInt(value: unknown): number {
  const n = typeof value === "number" ? Math.trunc(value) : Number.parseInt(String(value).trim(), 10);
  if (!Number.isFinite(n)) throw new InventoryError("INVENTORY_PARSE", `invalid literal for int() with base 10: '${String(value)}'`);
  return n;
}
