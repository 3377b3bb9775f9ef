// The fast YAML path (Bun's parser) must give exactly what the exact path (YAML 1.1, PyYAML types) gives, and
// must step aside for anything whose meaning differs between the two.
import { expect, test } from "bun:test";
import { fastYaml } from "../../../src/inventory/_yaml-fast.ts";
import { parseYaml, yamlValue } from "../../../src/inventory/_yaml-load.ts";

const SAFE = [
  "all:\n  hosts:\n    h1: {ansible_host: 10.0.0.1, port: 22}\n    h2:\n  vars:\n    name: web server\n    list: [1, 2.5, true, null]\n",
  "a: 'quoted text'\nb: \"x\\ty\"\nc: |\n  two\n  lines\nd: >\n  folded\n  text\n",
  "x: &anchor {k: v}\nz: *anchor\n",
  "---\nweb:\n  hosts:\n    web-01.example.com:\n",
  "a: -1.5\nb: +3\nc: 0x1F\nd: ~\ne: True\n",
];
const RISKY = ["a: yes", "a: off", "a: 010", "a: 1_000", "a: 1e3", "a: 0o17", "a: 12:30", "a: !unsafe x", "<<: *x", "123: h", "a: .inf", "? k\n: v", "---\na: 1\n---\nb: 2"];

test("fast and exact paths agree on safe documents", () => {
  for (const doc of SAFE) {
    const fast = fastYaml(doc);
    expect(fast).toBeDefined();
    expect(fast?.value).toEqual(yamlValue(parseYaml(doc, "t.yml").doc));
  }
});

test("risky documents take the exact path", () => {
  for (const doc of RISKY) expect(fastYaml(doc)).toBeUndefined();
});
