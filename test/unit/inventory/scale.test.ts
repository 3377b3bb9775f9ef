// Inventories at scale load and select correctly: 1000 hosts from one INI range line, 5000 hosts from YAML,
// patterns over 1000 hosts. How fast is measured in scripts/bench-local.ts, side by side with ansible, not here.
import { expect, test } from "bun:test";
import { parseInventoryText, selectHosts } from "../../../src/inventory/index.ts";

test("1000 hosts from one INI range line", () => {
  const text = "[web]\nweb[0001:1000].example.com ansible_user=deploy port=22\n[web:vars]\nx=1\n[prod:children]\nweb\n";
  const inv = parseInventoryText(text, "ini", "hosts");
  expect(inv.groupHosts("all").length).toBe(1000);
  expect(inv.groupHosts("web")[999]).toBe("web1000.example.com");
});

test("5000 hosts from YAML", () => {
  const lines = ["all:", "  children:"];
  for (let g = 0; g < 10; g++) {
    lines.push(`    g${g}:`, "      hosts:");
    for (let h = 0; h < 500; h++) lines.push(`        host-${g}-${h}: {ansible_host: 10.0.${g}.${h % 250}, idx: ${h}}`);
  }
  const text = lines.join("\n");
  const inv = parseInventoryText(text, "yaml", "hosts.yml");
  expect(inv.hosts.size).toBe(5000);
  expect(inv.hosts.get("host-9-499")?.vars.idx).toBe(499);
  expect(inv.groupHosts("g3")).toHaveLength(500);
});

test("selectHosts over 1000 hosts", () => {
  const inv = parseInventoryText("[web]\nweb[0001:0500]\n[db]\ndb[0001:0500]\n[eu:children]\nweb\ndb\n", "ini", "hosts");
  selectHosts(inv, "all");
  const patterns = ["all", "eu:!db", "web*:&eu", "~db0[0-9]+", "eu[10:900]", "web0001,web0002,db0500", "*"];
  const counts = patterns.map((p) => selectHosts(inv, p, { limit: ["eu"] }).hosts.length);
  // Counts from `ansible -i <same INI> PATTERN --limit eu --list-hosts`.
  expect(counts).toEqual([1000, 500, 500, 500, 891, 3, 1000]);
  expect(selectHosts(inv, "eu[10:900]").hosts.length).toBe(891);
});
