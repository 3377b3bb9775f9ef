// automation() on hosts with connection local: targeting forms, host patterns and free-form arguments checked
// against the real ansible, typed results, fail-fast and error collection, forks across concurrent calls,
// inline inventories, and the closed context.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AutomationFailedError, automation, type Ftl } from "../../../src/automation/index.ts";
import type { EngineEvent } from "../../../src/events/index.ts";
import { FtlError } from "../../../src/errors.ts";
import { VOLATILE_KEYS, runAnsibleAdhoc, withoutKeys } from "../../helpers/ansible.ts";
import { runAnsible } from "../../helpers/cli.ts";

const LOCAL = "ansible_connection=local ansible_python_interpreter=/usr/bin/python3";
const INI = `[web]\nw1 ${LOCAL}\nw2 ${LOCAL}\nw3 ${LOCAL}\n[db]\ndb-1 ${LOCAL}\nw2\n[prod:children]\nweb\n`;
let dir: string;
let invPath: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "ftl2-auto-"));
  invPath = join(dir, "hosts.ini");
  writeFileSync(invPath, INI);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function open(extra: Parameters<typeof automation>[0] = {}): Promise<Ftl> {
  return automation({ inventory: invPath, cwd: dir, env: { PATH: process.env.PATH, HOME: process.env.HOME }, ...extra });
}

describe("targets", () => {
  test("group, host by name, ftl.all and ftl.target select what ansible's --list-hosts selects", async () => {
    await using ftl = await open();
    for (const pattern of ["all", "db", "prod:&db", "web:!w2", "w[1:2]"]) {
      const oracle = runAnsible([pattern, "-i", invPath, "--list-hosts"]).stdout.split("\n").slice(1).map((l) => l.trim()).filter(Boolean);
      expect({ pattern, hosts: ftl.target(pattern).hosts() }).toEqual({ pattern, hosts: oracle });
    }
    expect(ftl.web!.pattern).toBe("web");
    expect(ftl.hosts("db")).toEqual(ftl.db!.hosts());
    expect(ftl.hosts()).toEqual(ftl.all.hosts());
  }, 20_000);

  test("limit narrows every call as --limit does (the oracle's --list-hosts), but not ftl.local", async () => {
    await using ftl = await open({ limit: "w2:db-1" });
    for (const pattern of ["all", "web", "prod:&db"]) {
      const oracle = runAnsible([pattern, "-i", invPath, "--limit", "w2:db-1", "--list-hosts"]).stdout.split("\n").slice(1).map((l) => l.trim()).filter(Boolean);
      expect({ pattern, hosts: (await ftl.run(pattern, "ping")).map((r) => r.host) }).toEqual({ pattern, hosts: oracle });
    }
    expect((await ftl.local.ping()).host).toBe("localhost");
  }, 30_000);

  test("a call runs on every host of the target; results come in inventory order with typed fields", async () => {
    await using ftl = await open();
    const rs = await ftl.web!.ping();
    expect(rs.map((r) => r.host)).toEqual(["w1", "w2", "w3"]);
    for (const r of rs) {
      expect(r).toMatchObject({ module: "ping", status: "ok", ok: true, changed: false, failed: false, unreachable: false, skipped: false });
      expect(r.result.ping).toBe("pong");
      expect(r.error).toBeUndefined();
      expect(typeof r.durationMs).toBe("number");
      expect(Object.keys(r.result).some((k) => k.startsWith("_ansible_"))).toBe(false);
    }
    const one = await ftl["db-1"]!.module("ansible.builtin.ping", { data: "x" });
    expect(one.map((r) => [r.host, r.module, r.result.ping])).toEqual([["db-1", "ansible.builtin.ping", "x"]]);
  });

  test("a free-form string is read as `-a`: the result matches ansible's", async () => {
    await using ftl = await open();
    const [r] = await ftl.w1!.command("echo 'one two'  three");
    const oracle = runAnsibleAdhoc("command", "echo 'one two'  three");
    expect(withoutKeys(r!.result as Record<string, unknown>, VOLATILE_KEYS)).toEqual(withoutKeys(oracle, [...VOLATILE_KEYS, "action"]));
    const [c] = await ftl.w1!.command({ cmd: "echo via cmd" });
    expect(c!.result.stdout).toBe("via cmd");
    const [kv] = await ftl.w1!.ping("data=kv" as never);
    expect(kv!.result.ping).toBe("kv");
  });

  test("ftl.local is the controller, one result; ftl.run takes any pattern", async () => {
    await using ftl = await open();
    const r = await ftl.local.stat({ path: dir });
    expect(r.host).toBe("localhost");
    expect(r.result.stat?.isdir).toBe(true);
    const rs = await ftl.run("web:&db", "ping");
    expect(rs.map((x) => x.host)).toEqual(["w2"]);
  });

  test("a name that is neither group nor host fails the call, listing the groups; a pattern matching nothing gives [] and ansible's warning", async () => {
    const warnings: string[] = [];
    await using ftl = await open({ onWarning: (w) => warnings.push(w) });
    const err = await ftl.webservers!.ping().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FtlError);
    expect((err as FtlError).code).toBe("PATTERN_INVALID");
    expect((err as FtlError).message).toBe('ftl.webservers: no group or host is named "webservers"');
    expect((err as FtlError).hint).toContain("known groups: all, ungrouped, web, db, prod");
    expect(await ftl.run("nothere*", "ping")).toEqual([]);
    const oracle = runAnsible(["nothere*", "-i", invPath, "-m", "ping"]);
    expect(oracle.stderr).toContain("[WARNING]: No hosts matched, nothing to do");
    expect(warnings).toEqual(["Could not match supplied host pattern, ignoring: nothere*", "No hosts matched, nothing to do"]);
    expect(oracle.stderr).toContain("Could not match supplied host pattern, ignoring: nothere*");
  });

  test("`then` and symbols are not targets: awaiting and inspecting the context work", async () => {
    const ftl = await open();
    expect((ftl as unknown as { then?: unknown }).then).toBeUndefined();
    expect(await Promise.resolve(ftl)).toBe(ftl);
    expect((ftl.web as unknown as { then?: unknown }).then).toBeUndefined();
    expect(typeof Bun.inspect(ftl)).toBe("string");
    await ftl.close();
  });
});

describe("failures", () => {
  test("without fail-fast, failures are results and collect in ftl.errors / ftl.failed", async () => {
    await using ftl = await open();
    expect(ftl.failed).toBe(false);
    const rs = await ftl.web!.command("false");
    expect(rs.map((r) => [r.host, r.status, r.ok, r.failed])).toEqual([["w1", "failed", false, true], ["w2", "failed", false, true], ["w3", "failed", false, true]]);
    expect(rs[0]!.error).toBe("non-zero return code");
    expect(rs[0]!.result.rc).toBe(1);
    expect(ftl.failed).toBe(true);
    expect(ftl.errors.map((e) => e.host).sort()).toEqual(["w1", "w2", "w3"]);
  });

  test("fail-fast throws AutomationFailedError with every host's result and names the failed ones", async () => {
    await using ftl = await open({ failFast: true });
    const err = await ftl.run("w1,w2", "command", "false").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AutomationFailedError);
    const e = err as AutomationFailedError;
    expect(e.code).toBe("TASK_FAILED");
    expect(e.results.map((r) => r.host)).toEqual(["w1", "w2"]);
    expect(e.message).toBe("command on w1,w2: 2 hosts failed (w1, w2); w1 failed: non-zero return code");
    expect(e.message).toContain("non-zero return code");
    // A call's own failFast wins over the context's.
    const rs = await ftl.web!.command("false", { failFast: false });
    expect(rs.length).toBe(3);
  });

  test("fail-fast error lists the one failed host among successful ones", async () => {
    await using ftl = await automation({
      inventory: { all: { hosts: { a: { ansible_connection: "local", ansible_python_interpreter: "/usr/bin/python3" }, b: { ansible_connection: "local", ansible_python_interpreter: "/nonexistent/python" } } } },
      failFast: true, forks: 1,
    });
    const e = (await ftl.all.module("ansible.builtin.find", { paths: dir }).catch((x: unknown) => x)) as AutomationFailedError;
    expect(e).toBeInstanceOf(AutomationFailedError);
    expect(e.results.map((r) => [r.host, r.ok])).toEqual([["a", true], ["b", false]]);
    expect(e.message).toMatch(/^ansible\.builtin\.find on all: 1 host failed \(b\); b failed: /);
  });
});

describe("the context", () => {
  test("forks bound every call of the context together", async () => {
    let running = 0;
    let peak = 0;
    const onEvent = (ev: EngineEvent) => {
      if (ev.type === "module_start") peak = Math.max(peak, ++running);
      if (ev.type === "module_complete") running--;
    };
    await using ftl = await open({ forks: 2, onEvent });
    await Promise.all([ftl.web!.command("sleep 0.2"), ftl.db!.command("sleep 0.2")]);
    expect(peak).toBe(2);
  });

  test("check mode reaches the module; a call's own check wins", async () => {
    const file = join(dir, "touched");
    await using ftl = await open({ check: true });
    const [r] = await ftl.w1!.file({ path: file, state: "touch" });
    expect(r!.changed).toBe(true);
    expect(await Bun.file(file).exists()).toBe(false);
    await ftl.w1!.file({ path: file, state: "touch" }, { check: false });
    expect(await Bun.file(file).exists()).toBe(true);
  });

  test("close is idempotent and later calls throw a clear error", async () => {
    const ftl = await open();
    await ftl.close();
    await ftl.close();
    const e = (await ftl.web!.ping().catch((x: unknown) => x)) as FtlError;
    expect(e.message).toBe("ping on web: the automation context is closed");
    expect(e.hint).toContain("await using");
  });

  test("inline inventories: host list, INI text, YAML text, object; none = the implicit localhost", async () => {
    const forms: [unknown, string[]][] = [
      [["h1 ansible_connection=local", "h2 ansible_connection=local"], ["h1", "h2"]],
      ["[g]\nh1\nh2\n", ["h1", "h2"]],
      ["all:\n  hosts:\n    y1:\n    y2:\n", ["y1", "y2"]],
      [{ g: { hosts: { o1: {}, o2: {} } } }, ["o1", "o2"]],
      ["a1,a2,", ["a1", "a2"]],
    ];
    for (const [inventory, hosts] of forms) {
      await using ftl = await automation({ inventory: inventory as never });
      expect(ftl.all.hosts()).toEqual(hosts);
    }
    await using none = await automation();
    expect(none.all.hosts()).toEqual([]);
    expect((await none.local.ping()).result.ping).toBe("pong");
  });

  test("extra vars win over inventory vars and are ftl.vars", async () => {
    await using ftl = await open({ extraVars: { ansible_python_interpreter: "/nonexistent/python" } });
    expect(ftl.vars).toEqual({ ansible_python_interpreter: "/nonexistent/python" });
    const [r] = await ftl.w1!.module("ansible.builtin.find", { paths: dir });
    expect(r!.failed).toBe(true);
    expect(r!.error).toContain("/nonexistent/python");
  });

  test("one SIGINT/SIGTERM handler pair serves every open context and goes with the last one", async () => {
    const before = [process.listenerCount("SIGINT"), process.listenerCount("SIGTERM")];
    const a = await open();
    const b = await open();
    const c = await open({ signal: new AbortController().signal });
    expect([process.listenerCount("SIGINT"), process.listenerCount("SIGTERM")]).toEqual(before.map((n) => n + 1));
    await a.close();
    expect(process.listenerCount("SIGTERM")).toBe(before[1]! + 1);
    await b.close();
    await c.close();
    expect([process.listenerCount("SIGINT"), process.listenerCount("SIGTERM")]).toEqual(before);
  });

  test("the signal option aborts running calls and closes the context", async () => {
    const ctl = new AbortController();
    const ftl = await open({ signal: ctl.signal });
    const running = ftl.w1!.command("sleep 5").catch((e: unknown) => e);
    await Bun.sleep(200);
    ctl.abort();
    const e = (await running) as FtlError;
    expect(e.code).toBe("CANCELED");
    expect(e.message).toBe("command on w1 was canceled: aborted by the signal option");
    expect(((await ftl.w1!.ping().catch((x: unknown) => x)) as Error).message).toBe("ping on w1: the automation context is closed");
  });
});
