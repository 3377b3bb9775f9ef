// Host variables against ansible-core's VariableManager: precedence (all < groups by depth/priority/name <
// group_vars/ < host < host_vars/ < extra vars), magic names, the implicit localhost; plus run-time hosts.
import { beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { type Inventory, loadInventory, parseExtraVars, parseInventoryText, selectHosts } from "../../../src/inventory/index.ts";
import { FIXTURES, asJson, oracleHostVars } from "./_oracle.ts";

const CASES = join(FIXTURES, "cases");
const PLAYS = [
  { dir: "group-host-vars", sources: ["hosts"], hosts: ["h0", "h1", "h2", "h3", "localhost"], extra: ["layer=extra", '{"json_extra": [1, 2]}'] },
  { dir: "ini-nested", sources: ["hosts"], hosts: ["n1", "n2", "n3", "n4"], extra: [] },
  { dir: "host-list", sources: ["h1,h2:2222,[::1]:22,10.0.0.1,bad host,,h1"], hosts: ["h2", "::1", "10.0.0.1", "bad host"], extra: [] },
  { dir: "yaml-basic", sources: ["hosts.yml"], hosts: ["solo", "web1", "r2", "web-x", "127.0.0.1"], extra: ["@../../extra-vars.yml"] },
];
const answers: Record<string, Record<string, Record<string, unknown>>> = {};

beforeAll(async () => {
  for (const p of PLAYS) answers[p.dir] = await oracleHostVars(p.sources, p.hosts, p.extra, join(CASES, p.dir));
}, 60_000);

test.each(PLAYS)("hostVars match VariableManager for $dir", async (p) => {
  const cwd = join(CASES, p.dir);
  const inv: Inventory = await loadInventory({ sources: p.sources, cwd });
  const extra = await parseExtraVars(p.extra, cwd);
  for (const h of p.hosts) {
    if (!inv.hosts.has(h)) expect(selectHosts(inv, h).hosts).toEqual([h]);
    const ours = asJson(inv.hostVars(h, extra)) as Record<string, unknown>;
    const want = (answers[p.dir] as Record<string, Record<string, unknown>>)[h] as Record<string, unknown>;
    // The oracle also has play-level magic (playbook_dir, groups, ansible_version...); ftl2 returns inventory vars.
    const wanted = Object.fromEntries(Object.keys(ours).map((k) => [k, want[k]]));
    expect({ host: h, vars: ours }).toEqual({ host: h, vars: wanted });
    expect(Object.keys(want).filter((k) => !(k in ours)).filter((k) => !PLAY_MAGIC.has(k))).toEqual([]);
  }
});

const PLAY_MAGIC = new Set([
  "playbook_dir", "ansible_playbook_python", "ansible_config_file", "groups", "omit", "ansible_version",
  "ansible_check_mode", "ansible_diff_mode", "ansible_forks", "ansible_inventory_sources", "ansible_skip_tags",
  "ansible_run_tags", "ansible_verbosity", "ansible_facts", "ansible_search_path",
]);

// As add_dynamic_host: the new host goes straight into `all` (so it leads all's order), then reconcile puts a
// host with no other group into `ungrouped`.
test("addHost: a run-time host joins all and its groups, reconciled", () => {
  const inv = parseInventoryText("[web]\nw1\n", "ini", "hosts");
  inv.addHost("new1", { ansible_host: "10.1.1.1" }, ["dyn", "web"]);
  inv.addHost("new2");
  expect(inv.groupHosts("web")).toEqual(["w1", "new1"]);
  expect(inv.groupHosts("dyn")).toEqual(["new1"]);
  expect(inv.groups.get("all")?.children).toContain("dyn");
  expect(inv.groupHosts("ungrouped")).toEqual(["new2"]);
  expect(inv.hostVars("new1").group_names).toEqual(["dyn", "web"]);
  expect(inv.hostVars("new2").group_names).toEqual(["ungrouped"]);
  expect(selectHosts(inv, "all").hosts).toEqual(["new1", "new2", "w1"]);
});

test("parseInventoryText reads JSON in the yaml plugin's shape", () => {
  const inv = parseInventoryText('{"all": {"hosts": {"a": {"x": 1}}, "children": {"g": {"hosts": {"b": null}}}}}', "json", "inv.json");
  expect(inv.groupHosts("all")).toEqual(["a", "b"]);
  expect(inv.hostVars("a").x).toBe(1);
});

test("groupsDict gives every group's hosts", () => {
  const inv = parseInventoryText("x\n[web]\nw1\n", "ini", "hosts");
  expect(inv.groupsDict()).toEqual({ all: ["x", "w1"], ungrouped: ["x"], web: ["w1"] });
});
