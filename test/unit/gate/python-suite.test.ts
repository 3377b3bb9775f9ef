// The gate's own unittest suite (gate/tests), run from bun so one `bun test` covers both sides.
import { expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const ROOT = join(import.meta.dir, "..", "..", "..");

test("gate/tests passes under /usr/bin/python3", () => {
  const r = spawnSync("/usr/bin/python3", ["-m", "unittest", "discover", "-s", "gate/tests", "-t", "gate"], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 120_000,
  });
  if (r.status !== 0) console.error(r.stderr);
  expect(r.status).toBe(0);
  expect(r.stderr).toMatch(/Ran \d+ tests/);
  expect(r.stderr).toMatch(/\nOK/);
}, 130_000);
