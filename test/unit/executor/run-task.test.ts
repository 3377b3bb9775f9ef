// The executor on real local hosts running real commands: sliding window, fail-fast, task timeout,
// cancellation (children killed, partial results), events, unreachable hosts.
import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventBus, type EngineEvent } from "../../../src/events/index.ts";
import { ConnectionPool, runTask } from "../../../src/executor/index.ts";
import { prepareModule } from "../../../src/modules/_prepare.ts";
import type { ConnectionDefaults, HostTarget } from "../../../src/transport/index.ts";

const defaults: ConnectionDefaults = {
  connectTimeoutSec: 10, hostKeyChecking: true, modulePaths: [], collectionsPaths: [], cwd: process.cwd(), env: process.env,
};
const local = (name: string, extra: Record<string, unknown> = {}): HostTarget => ({ name, vars: { ansible_connection: "local", ...extra } });
const prep = (name: string) => prepareModule(name, { modulePaths: [], collectionsPaths: [], cwd: process.cwd(), env: process.env });

function sleepers(marker: string): number {
  const r = spawnSync("pgrep", ["-f", marker], { encoding: "utf8" });
  return r.stdout.trim().split("\n").filter(Boolean).length;
}

describe("runTask", () => {
  test("a slow host does not hold back the others (sliding window, not batches)", async () => {
    const shell = await prep("shell");
    const dir = mkdtempSync(join(tmpdir(), "ftl2-window-"));
    const order: string[] = [];
    const started = Date.now();
    // The first host to take the lock sleeps 2 s; every other host returns at once.
    const outcome = await runTask({
      hosts: ["a", "b", "c", "d", "e"].map((h) => local(h)),
      task: { module: shell, args: { _raw_params: `mkdir ${dir}/lock 2>/dev/null && sleep 2; true` } },
      forks: 2,
      pool: new ConnectionPool(defaults),
      onResult: (r) => order.push(r.host),
    });
    expect(outcome.results).toHaveLength(5);
    // a and b start together and one of them takes the lock; that one finishes after the other four.
    expect(["a", "b"]).toContain(order[4]!);
    // Fixed batches of 2 would take 2 s for the first batch before the rest start; all five took about 2 s.
    expect(Date.now() - started).toBeLessThan(3900);
  });

  test("task timeout fails the host with ansible's message and kills the command", async () => {
    const cmd = await prep("command");
    const nap = `37.${process.pid % 1000}`;
    const outcome = await runTask({
      hosts: [local("h1")],
      task: { module: cmd, args: { _raw_params: `sleep ${nap}` }, timeoutSec: 1 },
      forks: 1,
      pool: new ConnectionPool(defaults),
    });
    const r = outcome.results[0]!;
    expect(r.status).toBe("failed");
    expect(r.result.msg).toBe("The command action failed to execute in the expected time frame (1) and was terminated");
    expect(r.durationMs).toBeLessThan(5000);
    await Bun.sleep(200);
    expect(sleepers(`sleep ${nap}`)).toBe(0);
  });

  test("cancel: nothing new starts, running commands are killed, finished results are kept", async () => {
    const shell = await prep("shell");
    const nap = `38.${process.pid % 1000}`;
    const dir = mkdtempSync(join(tmpdir(), "ftl2-cancel-"));
    const ctl = new AbortController();
    const events: EngineEvent[] = [];
    const bus = new EventBus();
    bus.on((e) => events.push(e));
    const hosts = [local("quick"), local("s1"), local("s2"), local("s3"), local("s4")];
    setTimeout(() => ctl.abort(), 700);
    const t0 = Date.now();
    const outcome = await runTask({
      hosts,
      // The first host to take the lock returns at once; the others sleep until canceled.
      task: { module: shell, args: { _raw_params: `mkdir ${dir}/lock 2>/dev/null || exec sleep ${nap}` } },
      forks: 2,
      pool: new ConnectionPool({ ...defaults, env: { ...process.env } }),
      signal: ctl.signal,
      events: bus,
    });
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(outcome.canceled).toBe(true);
    expect(outcome.results.map((r) => r.host)).toHaveLength(1);
    const started = events.filter((e) => e.type === "module_start").length;
    expect(started).toBeLessThanOrEqual(3);
    await Bun.sleep(200);
    expect(sleepers(`sleep ${nap}`)).toBe(0);
    expect(events.at(-1)?.type).toBe("run_complete");
  });

  test("fail-fast starts no new host after the first failure", async () => {
    const cmd = await prep("command");
    const outcome = await runTask({
      hosts: ["a", "b", "c", "d", "e"].map((h) => local(h)),
      task: { module: cmd, args: { _raw_params: "false" } },
      forks: 1,
      failFast: true,
      pool: new ConnectionPool(defaults),
    });
    expect(outcome.results).toHaveLength(1);
    expect(outcome.stoppedEarly).toBe(true);
    expect(outcome.stats.failures).toEqual({ a: 1 });
  });

  test("an ssh host is unreachable with a message that says why; events carry every host", async () => {
    const ping = await prep("ping");
    const events: EngineEvent[] = [];
    const bus = new EventBus();
    bus.on((e) => events.push(e));
    const outcome = await runTask({
      hosts: [local("l1"), { name: "remote1", vars: { ansible_host: "127.0.0.9" } }],
      task: { module: ping, args: {} },
      forks: 5,
      pool: new ConnectionPool(defaults),
      events: bus,
    });
    const byHost = Object.fromEntries(outcome.results.map((r) => [r.host, r]));
    expect(byHost.l1!.status).toBe("ok");
    expect(byHost.remote1!.status).toBe("unreachable");
    expect(byHost.remote1!.result).toMatchObject({ unreachable: true, changed: false });
    expect(String(byHost.remote1!.result.msg)).toStartWith("Failed to connect to the host via ssh:");
    expect(outcome.stats.dark).toEqual({ remote1: 1 });
    expect(outcome.stats.ok).toEqual({ l1: 1 });
    expect(events.map((e) => e.type).sort()).toEqual(["module_complete", "module_complete", "module_start", "module_start", "run_complete", "run_start"]);
  });

  test("a throwing event listener is detached and does not stop the run", async () => {
    const ping = await prep("ping");
    let errors = 0;
    const bus = new EventBus(() => errors++);
    bus.on(() => {
      throw new Error("listener bug");
    });
    const outcome = await runTask({ hosts: [local("a"), local("b")], task: { module: ping, args: {} }, forks: 2, pool: new ConnectionPool(defaults), events: bus });
    expect(outcome.results).toHaveLength(2);
    expect(errors).toBe(1);
  });
});
