// The library API's own behaviour (the comparison with ansible_runner.run is test/integration/runner-api.test.ts):
// bad options thrown before anything runs, the Runner's life cycle, the callbacks and their failures, cancel,
// display/quiet, and what is (not) written into the private data dir.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FtlError } from "../../../src/errors.ts";
import { Secret } from "../../../src/secret.ts";
import { initRunner, run, runAsync, RunnerJobError, type RunnerOptions, type RunnerStatus } from "../../../src/runner/index.ts";

const LOCAL = "ansible_connection=local ansible_python_interpreter=/usr/bin/python3";
let work: string;
let n = 0;

function pdd(): string {
  const dir = join(work, `p${++n}`);
  mkdirSync(dir);
  return dir;
}

function opts(extra: Partial<RunnerOptions> = {}): RunnerOptions {
  return { privateDataDir: pdd(), module: "ping", quiet: true, ...extra };
}

function expectInputError(fn: () => unknown, message: RegExp): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(RunnerJobError);
  expect((err as FtlError).code).toBe("RUNNER_INPUT");
  expect((err as Error).message).toMatch(message);
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "ftl2-runner-api-unit-"));
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("bad options are thrown before the job starts", () => {
  test("an unknown option, from initRunner, runAsync and run", async () => {
    const bad = { ...opts(), hostPatern: "all" } as RunnerOptions;
    expectInputError(() => initRunner(bad), /^unknown runner option 'hostPatern'$/);
    expectInputError(() => runAsync(bad), /unknown runner option 'hostPatern'/);
    await expect(run(bad)).rejects.toThrow(/unknown runner option 'hostPatern'/);
  });

  test("a playbook, a role", () => {
    expectInputError(() => initRunner(opts({ module: undefined, playbook: "site.yml" })), /playbook jobs run an ftl2 script, and there is none/);
    expectInputError(() => initRunner(opts({ role: "web" })), /role jobs are not supported/);
  });

  test("no module", () => {
    expectInputError(() => initRunner(opts({ module: undefined })), /names no module/);
  });

  test("a missing inventory path, absolute or relative to the private data dir", () => {
    expectInputError(() => initRunner(opts({ inventory: "/nonexistent/hosts" })), /^inventory \/nonexistent\/hosts does not exist/);
    const o = opts({ inventory: "inv/hosts" });
    expectInputError(() => initRunner(o), new RegExp(`inventory inv/hosts does not exist \\(relative paths are read from the private data dir ${o.privateDataDir}\\)`));
  });

  test("a private data dir that does not exist is not created", () => {
    const dir = join(work, "missing");
    expectInputError(() => initRunner({ privateDataDir: dir, module: "ping", inventory: "h1\nh2\n" }), /^private data dir .*missing does not exist$/);
    expect(existsSync(dir)).toBe(false);
  });

  test("malformed inventories", () => {
    expectInputError(() => initRunner(opts({ inventory: ["h1", "two\nlines"] })), /inventory host list entry 1 must be a non-empty one-line string/);
    expectInputError(() => initRunner(opts({ inventory: ["h1", ""] })), /entry 1/);
    expectInputError(() => initRunner(opts({ inventory: 42 as unknown as string })), /inventory must be a path, an INI text, a host list or an object, not number/);
  });

  test("callbacks that are not functions, a bad poll interval, options that are not an object", () => {
    expectInputError(() => initRunner(opts({ eventHandler: "x" as unknown as () => boolean })), /runner option 'eventHandler' must be a function, not string/);
    expectInputError(() => initRunner(opts({ cancelPollMs: 0 })), /'cancelPollMs' must be a positive number/);
    expectInputError(() => initRunner(null as unknown as RunnerOptions), /runner options must be an object, not null/);
  });
});

describe("a Runner's life", () => {
  test("initRunner prepares, run() starts once, callbacks come in ansible-runner's order", async () => {
    const calls: string[] = [];
    const events: unknown[] = [];
    const r = initRunner(opts({
      ident: "job1",
      statusHandler: (s, cfg) => calls.push(`status:${s.status}:${cfg.ident}`),
      eventHandler: (e) => void events.push(e.event),
      artifactsHandler: (dir) => calls.push(`artifacts:${readFileSync(join(dir, "status"), "utf8")}`),
      finishedCallback: (runner) => calls.push(`finished:${runner.status}`),
    }));
    expect([r.status, r.rc, r.canceled, r.timedOut, r.errored]).toEqual(["unstarted", null, false, false, false]);
    expect(r.config.command).toEqual(["ansible", "-m", "ping", "localhost"]);
    expect(r.artifactDir).toBe(join(r.config.privateDataDir, "artifacts", "job1"));
    const done = r.run();
    expect(r.run()).toBe(done);
    expect(await done).toBe(r);
    expect(calls).toEqual(["status:starting:job1", "status:running:job1", "status:successful:job1", "artifacts:successful", "finished:successful"]);
    // An eventHandler returning nothing keeps the files (only an explicit false drops one).
    expect(r.events.map((e) => e.event)).toEqual(events as string[]);
    expect(events).toEqual(["verbose", "playbook_on_start", "runner_on_start", "runner_on_ok", "playbook_on_stats"]);
    expect(r.stats?.ok).toEqual({ localhost: 1 });
    expect(r.hostEvents("localhost").map((e) => e.event)).toEqual(["runner_on_start", "runner_on_ok"]);
    expect(r.hostEvents("nobody")).toEqual([]);
    expect(r.stderr).toBe("");
    expect(readFileSync(join(r.artifactDir, "rc"), "utf8")).toBe("0");
  });

  test("the default pattern is all when an inventory is given; relative paths and one-line INI text", async () => {
    const dir = pdd();
    writeFileSync(join(dir, "hosts"), `h1 ${LOCAL}\n`);
    const byPath = await run({ privateDataDir: dir, module: "ping", inventory: "hosts" });
    expect(byPath.config.command).toEqual(["ansible", "-i", join(dir, "hosts"), "-m", "ping", "all"]);
    expect(byPath.stats?.ok).toEqual({ h1: 1 });
    const oneLine = await run(opts({ inventory: `h2 ${LOCAL}` }));
    expect(readFileSync(join(oneLine.config.privateDataDir, "inventory", "hosts"), "utf8")).toBe(`h2 ${LOCAL}`);
    expect(oneLine.stats?.ok).toEqual({ h2: 1 });
  });

  test("runAsync hands back a running Runner; cancel() stops a sleep", async () => {
    const t0 = Date.now();
    const { runner, done } = runAsync(opts({ module: "shell", moduleArgs: "sleep 30" }));
    expect(runner.status).toBe("running");
    setTimeout(() => runner.cancel(), 200);
    await done;
    expect([runner.status, runner.rc, runner.canceled, runner.timedOut]).toEqual(["canceled", 254, true, false]);
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(readFileSync(join(runner.artifactDir, "status"), "utf8")).toBe("canceled");
    expect(runner.stats).toBeNull();
  });

  test("cancel() before run() ends the job as soon as it starts", async () => {
    const r = initRunner(opts({ module: "shell", moduleArgs: "sleep 30" }));
    r.cancel();
    const t0 = Date.now();
    await r.run();
    expect([r.status, r.rc]).toEqual(["canceled", 254]);
    expect(Date.now() - t0).toBeLessThan(3000);
  });

  test("settings idle_timeout ends a silent job with timeout", async () => {
    const r = await run(opts({ module: "shell", moduleArgs: "sleep 30", settings: { idle_timeout: 1 } }));
    expect([r.status, r.rc, r.timedOut, r.canceled]).toEqual(["timeout", 254, true, false]);
  });
});

describe("callback failures", () => {
  const cases: [string, Partial<RunnerOptions>][] = [
    ["eventHandler", { eventHandler: () => { throw new Error("boom"); } }],
    ["cancelCallback", { cancelCallback: () => { throw new Error("boom"); }, module: "shell", moduleArgs: "sleep 30" }],
    ["statusHandler", { statusHandler: (s) => { if (s.status === "running") throw new Error("boom"); }, module: "shell", moduleArgs: "sleep 30" }],
  ];
  for (const [name, extra] of cases) {
    test(`${name} throwing stops the job with status error`, async () => {
      const seen: RunnerStatus[] = [];
      const r = await run(opts({ ...extra, finishedCallback: (x) => seen.push(x.status) }));
      expect([r.status, r.rc, r.errored]).toEqual(["error", null, true]);
      expect(r.explanation).toBe(`${name} failed: boom`);
      expect(readFileSync(join(r.artifactDir, "status"), "utf8")).toBe("error");
      expect(readFileSync(join(r.artifactDir, "rc"), "utf8")).toBe("None");
      expect(seen).toEqual(["error"]);
    });
  }

  test("finishedCallback and artifactsHandler throwing reject run() after the final status", async () => {
    const a = initRunner(opts({ finishedCallback: () => { throw new Error("late"); } }));
    await expect(a.run()).rejects.toThrow("late");
    const b = initRunner(opts({ artifactsHandler: () => { throw new Error("later"); } }));
    await expect(b.run()).rejects.toThrow("later");
    expect([a.status, b.status]).toEqual(["successful", "successful"]);
  });
});

describe("output and files", () => {
  test("display gets the stdout file's text unless quiet", async () => {
    let shown = "";
    const r = await run({ ...opts(), quiet: false, display: (t) => (shown += t) });
    expect(shown).toBe(r.stdout.replaceAll("\r\n", "\n"));
    expect(shown).toContain("localhost | SUCCESS => {");
    let quiet = "";
    await run({ ...opts(), quiet: true, display: (t) => (quiet += t) });
    expect(quiet).toBe("");
  });

  test("suppressEnvFiles keeps extravars on the command line; secrets never reach the disk", async () => {
    const r = await run(opts({ suppressEnvFiles: true, extravars: { a: 1 }, cmdline: "-f 3" }));
    expect(existsSync(join(r.config.privateDataDir, "env"))).toBe(false);
    expect(r.config.command).toEqual(["ansible", "-f", "3", "-e", '{"a":1}', "-m", "ping", "localhost"]);
    const s = await run(opts({ passwords: { "SSH password": "hunter2" }, sshKey: "-----BEGIN KEY-----", envvars: { A: "1" } }));
    expect(readdirSync(join(s.config.privateDataDir, "env"))).toEqual(["envvars"]);
    expect(s.config.sshKey).toBeInstanceOf(Secret);
    expect(s.status).toBe("successful");
  });

  test("suppress_output_file: no stdout to read", async () => {
    const r = await run(opts({ settings: { suppress_output_file: true } }));
    expect(r.status).toBe("successful");
    expect(() => r.stdout).toThrow(/^stdout missing: .* was not written/);
    expect(() => r.stderr).toThrow(/^stderr missing/);
  });
});
