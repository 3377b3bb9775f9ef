// Load and selection speed: 1000 hosts from one INI range line and 5000 hosts from YAML load well under
// 100 ms; patterns over 1000 hosts take a few ms (no quadratic scans).
import { expect, test } from "bun:test";
import { parseInventoryText, selectHosts } from "../../../src/inventory/index.ts";

function timed<T>(fn: () => T): { value: T; ms: number } {
  const t0 = performance.now();
  const value = fn();
  return { value, ms: performance.now() - t0 };
}

test("1000 hosts from one INI range line load in well under 100 ms", () => {
  const text = "[web]\nweb[0001:1000].example.com ansible_user=deploy port=22\n[web:vars]\nx=1\n[prod:children]\nweb\n";
  parseInventoryText(text, "ini", "warmup");
  const { value: inv, ms } = timed(() => parseInventoryText(text, "ini", "hosts"));
  expect(inv.groupHosts("all").length).toBe(1000);
  expect(inv.groupHosts("web")[999]).toBe("web1000.example.com");
  expect(ms).toBeLessThan(100);
});

test("5000 hosts from YAML load in well under 100 ms", () => {
  const lines = ["all:", "  children:"];
  for (let g = 0; g < 10; g++) {
    lines.push(`    g${g}:`, "      hosts:");
    for (let h = 0; h < 500; h++) lines.push(`        host-${g}-${h}: {ansible_host: 10.0.${g}.${h % 250}, idx: ${h}}`);
  }
  const text = lines.join("\n");
  parseInventoryText(text, "yaml", "warmup");
  const { value: inv, ms } = timed(() => parseInventoryText(text, "yaml", "hosts.yml"));
  expect(inv.hosts.size).toBe(5000);
  expect(inv.hosts.get("host-9-499")?.vars.idx).toBe(499);
  expect(ms).toBeLessThan(100);
});

test("selectHosts over 1000 hosts takes a few ms", () => {
  const inv = parseInventoryText("[web]\nweb[0001:0500]\n[db]\ndb[0001:0500]\n[eu:children]\nweb\ndb\n", "ini", "hosts");
  selectHosts(inv, "all");
  const patterns = ["all", "eu:!db", "web*:&eu", "~db0[0-9]+", "eu[10:900]", "web0001,web0002,db0500", "*"];
  for (const p of patterns) {
    const { value, ms } = timed(() => selectHosts(inv, p, { limit: ["eu"] }));
    expect(value.hosts.length).toBeGreaterThan(0);
    expect(ms).toBeLessThan(15);
  }
  expect(selectHosts(inv, "eu[10:900]").hosts.length).toBe(891);
});
