// A few cross-checks against the real `ansible PATTERN -i INV --list-hosts` CLI (output "  hosts (N):" then
// 4-space-indented names): the same hosts in the same order, and the same pattern warnings.
import { expect, test } from "bun:test";
import { join } from "node:path";
import { loadInventory, selectHosts } from "../../src/inventory/index.ts";
import { FIXTURES, oracleListHosts } from "../unit/inventory/_oracle.ts";

const CASES = join(FIXTURES, "cases");
const CHECKS: { dir: string; sources: string[]; pattern: string; limit?: string }[] = [
  { dir: "ini-basic", sources: ["hosts"], pattern: "prod:!web,nomatch" },
  { dir: "ini-basic", sources: ["hosts"], pattern: "web[1:3]", limit: "@limit.txt" },
  { dir: "patterns", sources: ["hosts"], pattern: "eu:&app:!db" },
  { dir: "patterns", sources: ["hosts"], pattern: "~(web|app)1$,lone" },
  { dir: "multi-source", sources: ["a.ini", "b.yaml"], pattern: "all" },
  { dir: "yaml-basic", sources: ["hosts.yml"], pattern: "web2[0]:db" },
];

test.each(CHECKS)("ansible $pattern --list-hosts ($dir)", async (c) => {
  const cwd = join(CASES, c.dir);
  const want = await oracleListHosts(c.sources, c.pattern, c.limit, cwd);
  const inv = await loadInventory({ sources: c.sources, cwd });
  const got = selectHosts(inv, c.pattern, { limit: c.limit === undefined ? undefined : [c.limit], cwd });
  expect(want.rc).toBe(0);
  expect(got.hosts).toEqual(want.hosts);
  expect(got.warnings).toEqual(want.warnings.filter((w) => w.startsWith("Could not match")));
}, 20_000);
