// Every fixture in test/fixtures/inventory/cases/ loaded by ftl2 and by the real Ansible: the
// `ansible-inventory --list` view (groups, hosts in order, merged hostvars), the load warnings, and many host
// patterns and limits answered by ansible-core's own InventoryManager (hosts AND order, warnings, errors).
import { beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { type Inventory, loadInventory, parseExtraVars, selectHosts, toInventoryListJson } from "../../src/inventory/index.ts";
import { FIXTURES, type PatternAnswer, asJson, oracleInventoryList, oraclePatterns } from "../unit/inventory/_oracle.ts";

interface Case {
  sources: string[];
  patterns: string[];
  limits?: [string, string][];
  extraVars?: string[][];
}

const CASES_DIR = join(FIXTURES, "cases");
const names = readdirSync(CASES_DIR).sort();
const cases = new Map(names.map((n) => [n, JSON.parse(readFileSync(join(CASES_DIR, n, "case.json"), "utf8")) as Case]));

interface Oracle {
  lists: unknown[];
  loadWarnings: string[];
  answers: PatternAnswer[];
}
const oracle = new Map<string, Oracle>();

function queries(c: Case): { pattern: string; limit?: string }[] {
  return [...c.patterns.map((pattern) => ({ pattern })), ...(c.limits ?? []).map(([pattern, limit]) => ({ pattern, limit }))];
}

async function askOracle(name: string): Promise<void> {
  const c = cases.get(name) as Case;
  const cwd = join(CASES_DIR, name);
  const lists = await Promise.all([[], ...(c.extraVars ?? [])].map((extra) => oracleInventoryList(c.sources, extra, cwd)));
  const p = await oraclePatterns(c.sources, queries(c), cwd);
  oracle.set(name, { lists: lists.map((l) => l.json), loadWarnings: p.load_warnings, answers: p.results });
}

beforeAll(async () => {
  // Two at a time: the machine is shared.
  const todo = [...names];
  await Promise.all([0, 1].map(async () => {
    for (let n = todo.shift(); n; n = todo.shift()) await askOracle(n);
  }));
}, 120_000);

/** Ansible's parse-failure warnings quote Python exception texts; compare those by their first line only. */
function comparableWarnings(ws: string[]): string[] {
  return ws.map((w) => (w.startsWith("\n* Failed to parse") ? w.split(":")[0] as string : w));
}

describe.each(names)("fixture %s", (name) => {
  const c = cases.get(name) as Case;
  const cwd = join(CASES_DIR, name);
  let inv: Inventory;

  test("ansible-inventory --list matches", async () => {
    inv = await loadInventory({ sources: c.sources, cwd });
    const o = oracle.get(name) as Oracle;
    expect(asJson(toInventoryListJson(inv))).toEqual(o.lists[0] as object);
    for (const [i, extra] of (c.extraVars ?? []).entries()) {
      const ev = await parseExtraVars(extra, cwd);
      expect(asJson(toInventoryListJson(inv, ev))).toEqual(o.lists[i + 1] as object);
    }
  });

  test("load warnings match", () => {
    const o = oracle.get(name) as Oracle;
    expect(comparableWarnings(inv.warnings)).toEqual(comparableWarnings(o.loadWarnings));
  });

  test("host patterns and limits match", () => {
    const o = oracle.get(name) as Oracle;
    queries(c).forEach((q, i) => {
      const want = o.answers[i] as PatternAnswer;
      let got: PatternAnswer;
      try {
        const sel = selectHosts(inv, q.pattern, { limit: q.limit === undefined ? undefined : [q.limit], cwd });
        got = { hosts: sel.hosts, warnings: sel.warnings };
      } catch (e) {
        got = { error: (e as Error).message, warnings: [] };
        want.warnings = [];
      }
      expect({ q, ...got }).toEqual({ q, ...want });
    });
  });
});
