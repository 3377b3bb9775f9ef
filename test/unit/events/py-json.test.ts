// pyJsonDumps against Python's own json.dumps on the same values.
import { expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { pyJsonDumps } from "../../../src/events/index.ts";

const VALUES: unknown[] = [
  { b: 1, a: [1, 2, { z: null, y: true }], c: "x" },
  { s: "quote\" back\\ nl\n tab\t bell\u0007 del\u007f é ü 中 😀" },
  { n: [0, -1, 1.5, 0.1, 1e-5, 123456789012345680000, 1e16, 2.5e-7, -0.0001, 1e300] },
  [],
  {},
  { nested: { empty: {}, list: [] } },
];
const CONFIGS = [
  { py: "dict()", ts: {} },
  { py: "dict(sort_keys=True, indent=4, ensure_ascii=False)", ts: { sortKeys: true, indent: 4, ensureAscii: false } },
  { py: "dict(indent=0, sort_keys=True, ensure_ascii=False)", ts: { indent: 0, sortKeys: true, ensureAscii: false } },
];

test("pyJsonDumps writes what Python's json.dumps writes", () => {
  const script = `import json,sys\nvals=json.loads(sys.stdin.read())\nout=[]\nfor c in [${CONFIGS.map((c) => c.py).join(",")}]:\n  out.append([json.dumps(v, **c) for v in vals])\nprint(json.dumps(out))`;
  const r = spawnSync("/usr/bin/python3", ["-c", script], { input: JSON.stringify(VALUES), encoding: "utf8" });
  const expected = JSON.parse(r.stdout) as string[][];
  CONFIGS.forEach((c, i) => {
    VALUES.forEach((v, j) => expect(pyJsonDumps(v, c.ts)).toBe(expected[i]![j]!));
  });
});
