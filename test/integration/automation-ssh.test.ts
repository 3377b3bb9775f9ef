// automation() against real OpenSSH hosts on loopback: targeting forms, typed results, check mode, an
// unreachable host, fail-fast, secrets over ssh, gates shut down by `await using`, and SIGTERM to a script
// process leaving no gate behind.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { AutomationFailedError, automation, type AutomationOptions, type Ftl } from "../../src/automation/index.ts";
import { controllerHome, startSshd, type SshFixture } from "../helpers/sshd.ts";
import { ensureUser } from "../helpers/users.ts";

let sshd: SshFixture;
let home: string;
let inv: string;

const gates = () => sshd.processes().filter((p) => p.cmd.includes("ftl_gate_"));

async function waitUntil(what: string, ms: number, ok: () => boolean): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(50);
  }
}

beforeAll(async () => {
  sshd = await startSshd({ hosts: 3, config: ["PasswordAuthentication yes"] });
  home = controllerHome(sshd);
  const line = (i: number) => {
    const h = sshd.hosts[i]!;
    return `${h.name} ansible_host=${h.address} ansible_port=${h.port} ansible_user=root ansible_ssh_private_key_file=${sshd.clientKey}`;
  };
  inv = join(home, "hosts.ini");
  // host004 listens nowhere (port 1 on loopback refuses at once): an unreachable host.
  writeFileSync(inv, `[web]\n${line(0)}\n${line(1)}\n[x]\n${line(2)}\nhost002\n[down]\nhost004 ansible_host=127.0.0.1 ansible_port=1 ansible_user=root\n`);
});

afterAll(async () => {
  await sshd?.stop();
  rmSync(home, { recursive: true, force: true });
});

const open = (extra: AutomationOptions = {}): Promise<Ftl> =>
  automation({ inventory: inv, env: { PATH: process.env.PATH, HOME: home }, handleSignals: false, ...extra });

describe("scripts over ssh", () => {
  test("group, host, pattern and local targets; typed results; gates closed by `await using`", async () => {
    {
      await using ftl = await open();
      const web = await ftl.web!.command("echo hi");
      expect(web.map((r) => [r.host, r.status, r.ok, r.changed, r.result.stdout, r.result.rc])).toEqual([
        ["host001", "changed", true, true, "hi", 0],
        ["host002", "changed", true, true, "hi", 0],
      ]);
      const [one] = await ftl["host003"]!.ping();
      expect(one).toMatchObject({ host: "host003", module: "ping", ok: true, failed: false, unreachable: false, result: { ping: "pong" } });
      expect((await ftl.run("web:&x:!host001", "ansible.builtin.ping")).map((r) => r.host)).toEqual(["host002"]);
      const local = await ftl.local.stat({ path: home });
      expect([local.host, local.result.stat?.isdir]).toEqual(["localhost", true]);
      // One warm gate per host, reused by every call of the context.
      expect(gates().length).toBe(3);
      await ftl.all.command("true");
      expect(gates().length).toBe(3);
    }
    await waitUntil("the gates to end", 5000, () => gates().length === 0);
  });

  test("check mode reaches the remote module", async () => {
    const file = join(home, "motd");
    await using ftl = await open({ check: true });
    const [r] = await ftl.host001!.lineinfile({ path: file, line: "hello", create: true });
    expect([r!.changed, r!.result.msg]).toEqual([true, "line added"]);
    expect(existsSync(file)).toBe(false);
  });

  test("an unreachable host is its own outcome, collected in ftl.errors; under fail-fast the error carries every result", async () => {
    await using ftl = await open();
    const rs = await ftl.run("host001:down", "ping");
    expect(rs.map((r) => [r.host, r.status, r.ok, r.unreachable])).toEqual([["host001", "ok", true, false], ["host004", "unreachable", false, true]]);
    expect(rs[1]!.error).toContain("Connection refused");
    expect(ftl.failed).toBe(true);
    expect(ftl.errors.map((e) => e.host)).toEqual(["host004"]);
    const e = (await ftl.run("host001:down", "ping", undefined, { failFast: true }).catch((x: unknown) => x)) as AutomationFailedError;
    expect(e).toBeInstanceOf(AutomationFailedError);
    expect(e.results.map((r) => [r.host, r.status])).toEqual([["host001", "ok"], ["host004", "unreachable"]]);
    expect(e.message).toStartWith("ping on host001:down: 1 host failed (host004); host004 unreachable: ");
  });

  test("a secret bound into command's arguments runs on the host and never comes back", async () => {
    const secret = "s3cr3t-over-ssh-91c2";
    const seen: unknown[] = [];
    await using ftl = await automation({
      inventory: inv, env: { PATH: process.env.PATH, HOME: home, REMOTE_TOKEN: secret }, handleSignals: false,
      secretBindings: { command: { stdin: "REMOTE_TOKEN" } }, onEvent: (e) => seen.push(e), onWarning: (w) => seen.push(w),
    });
    const rs = await ftl.web!.command("sha256sum");
    seen.push(rs);
    const want = new Bun.CryptoHasher("sha256").update(`${secret}\n`).digest("hex");
    expect(rs.map((r) => r.result.stdout)).toEqual([`${want}  -`, `${want}  -`]);
    const failed = await ftl.web!.command("cat", { failFast: true }).then(() => "no error", (e: unknown) => e);
    seen.push(failed, String(failed));
    seen.push(await ftl.web!.command("false"), ftl.errors);
    const all = JSON.stringify(seen);
    expect(all).not.toContain(secret);
    expect(all).toContain("********");
  });
});

test("SIGTERM to a script's process closes every gate, then the process ends by that signal", async () => {
  const dir = mkdtempSync(join(home, "script-"));
  const script = join(dir, "long.ts");
  const api = resolve(import.meta.dir, "../../src/automation/index.ts");
  writeFileSync(script, [
    `import { automation } from ${JSON.stringify(api)};`,
    `import { appendFileSync } from "node:fs";`,
    // The run's end event is what shows the handler at work: without it the process would just die.
    `const onEvent = (e) => { if (e.type === "run_complete") appendFileSync(${JSON.stringify(join(dir, "seen"))}, JSON.stringify({ canceled: e.canceled })); };`,
    `await using ftl = await automation({ inventory: ${JSON.stringify(inv)}, env: { PATH: process.env.PATH, HOME: ${JSON.stringify(home)} }, onEvent });`,
    `await ftl.web.command("sleep 60");`,
    `process.exit(7);`,
  ].join("\n"));
  const child = spawn(process.execPath, [script], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<{ code: number | null; signal: string | null }>((r) => child.on("exit", (code, signal) => r({ code, signal })));
  const sleeping = () => sshd.processes().filter((p) => p.cmd === "sleep 60").length;
  await waitUntil(`both hosts to run sleep 60 (stderr: ${stderr})`, 15_000, () => sleeping() === 2);
  expect(gates().length).toBe(2);
  child.kill("SIGTERM");
  expect(await exited).toEqual({ code: null, signal: "SIGTERM" });
  await waitUntil("the gates and their modules to end", 5000, () => gates().length === 0 && sleeping() === 0);
  expect(stderr).toBe("");
  expect(readFileSync(join(dir, "seen"), "utf8")).toBe('{"canceled":true}');
}, 30_000);

describe("passwords from secrets", () => {
  test("password and becomePassword ({ secret }) log in and sudo as a password-only user; the value appears nowhere", async () => {
    const PW = "Ftl2-auto-pw!";
    ensureUser("ftl2pw", { password: PW, sudo: "password" });
    const h = sshd.hosts[0]!;
    const seen: unknown[] = [];
    await using ftl = await automation({
      inventory: { all: { hosts: { pwhost: { ansible_host: h.address, ansible_port: h.port, ansible_user: "ftl2pw", ansible_python_interpreter: "/usr/bin/python3" } } } },
      env: { PATH: process.env.PATH, HOME: home, SSH_PW: PW }, handleSignals: false,
      password: { secret: "SSH_PW" }, becomePassword: { secret: "SSH_PW" }, become: true,
      onEvent: (e) => seen.push(e), onWarning: (w) => seen.push(w),
    });
    const [r] = await ftl.all.command("sh -c 'id -un; echo $SSH_PW; echo Ftl2-auto-pw!'");
    seen.push(r);
    expect(r!.ok).toBe(true);
    expect(String(r!.result.stdout).split("\n")).toEqual(["root", "", "********"]);
    expect(JSON.stringify(seen)).not.toContain(PW);
    const wrong = await automation({
      inventory: `pwhost ansible_host=${h.address} ansible_port=${h.port} ansible_user=ftl2pw`,
      env: { PATH: process.env.PATH, HOME: home, SSH_PW: "not-it" }, handleSignals: false, password: { secret: "SSH_PW" },
    });
    try {
      const [u] = await wrong.all.ping();
      expect(u!.unreachable).toBe(true);
      expect(u!.error).toContain("ftl2pw");
      expect(u!.error).not.toContain("not-it");
    } finally {
      await wrong.close();
    }
  }, 30_000);
});
