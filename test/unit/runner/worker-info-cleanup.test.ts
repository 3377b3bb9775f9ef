// `worker --worker-info` byte for byte against the real one (same HOME, so the same uuid file), read by
// yaml.safe_load; `worker cleanup` against the real one on the same trees.
import { afterAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cleanupPrivateDataDirs, parseCleanupArgv, workerInfo } from "../../../src/runner/index.ts";
import { runRunner, tempDir } from "./_oracle.ts";

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe("worker --worker-info", () => {
  test("the real one's text, uuid shared through ~/.ansible_runner_uuid (0600), read by yaml.safe_load", () => {
    const home = join(tmp.path, "home1");
    mkdirSync(home);
    const mine = workerInfo({ home });
    expect(statSync(join(home, ".ansible_runner_uuid")).mode & 0o777).toBe(0o600);
    const real = runRunner(["worker", "--worker-info"], { env: { HOME: home } });
    expect(real.stdout.toString()).toBe(mine);
    const py = spawnSync("/usr/bin/python3", ["-c", "import sys,yaml,json; print(json.dumps(yaml.safe_load(sys.stdin)))"], { input: mine });
    const info = JSON.parse(py.stdout.toString());
    expect(info.uuid).toBe(readFileSync(join(home, ".ansible_runner_uuid"), "utf8"));
    expect(info.runner_version).toBe("2.3.1");
    expect(typeof info.mem_in_bytes).toBe("number");
    expect(typeof info.cpu_count).toBe("number");
    expect(info.errors).toEqual([]);
  });

  test("a version that looks like a number stays a string for yaml.safe_load", () => {
    const home = join(tmp.path, "home2");
    mkdirSync(home);
    const text = workerInfo({ home, version: "2.4" });
    expect(text).toContain("runner_version: '2.4'");
    const py = spawnSync("/usr/bin/python3", ["-c", "import sys,yaml; print(repr(yaml.safe_load(sys.stdin)['runner_version']))"], { input: text });
    expect(py.stdout.toString().trim()).toBe("'2.4'");
  });
});

function makeDirs(root: string): void {
  const old = Date.now() / 1000 - 3 * 3600;
  for (const d of ["job-1", "job-2", "job-keep-3", "job-4"]) {
    mkdirSync(join(root, d, "artifacts/7"), { recursive: true });
    writeFileSync(join(root, d, "f"), "x");
    utimesSync(join(root, d), old, old);
  }
  mkdirSync(join(root, "job-fresh"));
  writeFileSync(join(root, "job-file"), "not a dir");
  utimesSync(join(root, "job-file"), old, old);
  mkdirSync(join(root, ".job-hidden"));
  utimesSync(join(root, ".job-hidden"), old, old);
}

describe("worker cleanup", () => {
  test("same removals and output as the real cleanup", async () => {
    const a = join(tmp.path, "ca");
    const b = join(tmp.path, "cb");
    makeDirs(a);
    makeDirs(b);
    const real = runRunner(["worker", "cleanup", `--file-pattern=${a}/job-*`, "--exclude-strings", "keep", "other"]);
    expect(real.status).toBe(0);
    const mine = await cleanupPrivateDataDirs(parseCleanupArgv([`--file-pattern=${b}/job-*`, "--exclude-strings", "keep", "other"]));
    expect(mine.output).toBe(real.stdout.toString().replaceAll(a, b));
    expect(mine.output.endsWith("(changed: True)\n")).toBe(true);
    expect(mine.changed).toBe(true);
    for (const d of ["job-1", "job-2", "job-keep-3", "job-4", "job-fresh", "job-file", ".job-hidden"]) {
      expect(existsSync(join(b, d))).toBe(existsSync(join(a, d)));
    }
    expect(existsSync(join(b, "job-keep-3"))).toBe(true);
    const again = await cleanupPrivateDataDirs({ filePattern: `${b}/job-*`, gracePeriod: 0, excludeStrings: ["keep", "fresh"] });
    const realAgain = runRunner(["worker", "cleanup", `--file-pattern=${a}/job-*`, "--grace-period=0", "--exclude-strings", "keep", "fresh"]);
    expect(again.output).toBe(realAgain.stdout.toString().replaceAll(a, b));
    expect(again.output).toBe("(changed: False)\n");
  });

  test("a pattern reaching a system dir is refused with the real message", async () => {
    const real = runRunner(["worker", "cleanup", "--file-pattern=/e*"]);
    expect(real.status).toBe(1);
    const mine = await cleanupPrivateDataDirs({ filePattern: "/e*" });
    expect(`${mine.error}\n`).toBe(real.stderr);
    expect(mine.changed).toBe(false);
  });

  test("a dir whose pid file names a live process is kept (2.3.1 would delete it: its is_alive is inverted)", async () => {
    const root = join(tmp.path, "alive");
    mkdirSync(join(root, "job-live"), { recursive: true });
    writeFileSync(join(root, "job-live/pid"), `${process.pid}\n`);
    const r = await cleanupPrivateDataDirs({ filePattern: `${root}/job-*`, gracePeriod: 0 });
    expect(r.output).toBe(`Excluding running project ${root}/job-live from cleanup\n(changed: False)\n`);
    expect(existsSync(join(root, "job-live"))).toBe(true);
  });
});
