// `ftl2 run SCRIPT` with the compiled binary alone, in an empty directory (nothing installed, `import ... from
// "ftl2"` served by the binary): output against the real ansible-playbook for the equivalent play, -e, --check,
// sshd hosts with -i, exit codes, and script errors reported at the script's file:line.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SYSTEM_PYTHON } from "../helpers/ansible.ts";
import { startSshd, type SshFixture } from "../helpers/sshd.ts";

const BIN = join(import.meta.dir, "..", "..", "dist", "ftl2");
const LOCAL = `ansible_connection=local ansible_python_interpreter=${SYSTEM_PYTHON}`;
const ENV = { PATH: process.env.PATH, HOME: process.env.HOME, ANSIBLE_NOCOLOR: "1", ANSIBLE_HOST_KEY_CHECKING: "False", ANSIBLE_CONFIG: "" };
let dir: string;
let sshd: SshFixture;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "ftl2-run-"));
  sshd = await startSshd({ hosts: 2 });
});
afterAll(async () => {
  await sshd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return name;
}

function ftl2(args: string[]): { stdout: string; stderr: string; code: number } {
  const r = spawnSync(BIN, args, { cwd: dir, env: ENV, encoding: "utf8" });
  return { stdout: r.stdout, stderr: r.stderr, code: r.status ?? -1 };
}

/** Sorts host lines inside each task block (hosts finish in any order) and blanks the command's times. */
function normalize(out: string): string {
  const blocks = out.replace(/"(delta|start|end)": "[^"]*"/g, '"$1": "X"').split("\n\n");
  return blocks.map((b) => {
    const [head, ...rest] = b.split("\n");
    return [head, ...rest.sort()].join("\n");
  }).join("\n\n");
}

describe("ftl2 run, localhost and local inventories", () => {
  test("the directory holds nothing but the scripts", () => {
    file("probe.ts", "export const run = () => 0;\n");
    expect(readdirSync(dir)).toEqual(["probe.ts"]);
    expect(ftl2(["run", "probe.ts"])).toEqual({ stdout: "", stderr: "", code: 0 });
  });

  test("a .ts script prints as ansible-playbook prints the same tasks; failed host -> 2", () => {
    file("inv", `h1 ${LOCAL}\nh2 ${LOCAL}\n`);
    file("play.ts", [
      'import { automation } from "ftl2";',
      "export async function run(ftl: any): Promise<void> {",
      "  if (typeof automation !== 'function') throw new Error('no automation');",
      "  await ftl.all.ping();",
      '  await ftl.all.command({ cmd: "echo hi" });',
      '  await ftl.h1.command({ cmd: "/bin/false" });',
      "}",
    ].join("\n"));
    file("play.yml", "- hosts: all\n  gather_facts: false\n  tasks:\n    - ping:\n    - command: echo hi\n    - command: /bin/false\n      when: inventory_hostname == 'h1'\n");
    const ours = ftl2(["run", "play.ts", "-i", "inv"]);
    const real = spawnSync("ansible-playbook", ["-i", "inv", "play.yml"], { cwd: dir, env: ENV, encoding: "utf8" });
    expect(real.status).toBe(2);
    expect(ours.code).toBe(2);
    expect(ours.stderr).toBe("");
    // ansible-playbook has a play banner and skips h2 in the third task (a `when`); a script call simply names h1.
    const expected = real.stdout.replace(/\nPLAY \[all\] \*+\n/, "").replace(/\nskipping: \[h2\]/, "").replace(/skipped=1/, "skipped=0");
    expect(normalize(ours.stdout)).toBe(normalize(expected));
  });

  test("-v shows each result, as ansible-playbook -v", () => {
    file("v.ts", "export async function run(ftl: any) {\n  await ftl.local.ping();\n}\n");
    file("v.yml", "- hosts: localhost\n  gather_facts: false\n  tasks:\n    - ping:\n");
    const ours = ftl2(["run", "-v", "v.ts"]);
    const real = spawnSync("ansible-playbook", ["-v", "v.yml"], { cwd: dir, env: { ...ENV, ANSIBLE_PYTHON_INTERPRETER: SYSTEM_PYTHON }, encoding: "utf8" });
    expect(ours.stdout).toContain('ok: [localhost] => {"changed": false, "ping": "pong"}\n');
    expect(real.stdout).toContain('ok: [localhost] => {"changed": false, "ping": "pong"}\n');
    expect(ours.code).toBe(0);
  });

  test("a .js default export gets -e vars in ftl.vars; --check reaches the modules; its number is the exit code", () => {
    file("vars.js", [
      "export default async function (ftl) {",
      '  const r = await ftl.local.file({ path: ftl.vars.target, state: "touch" });',
      "  return ftl.vars.n + (r.changed ? 10 : 0) + (r.result.state === 'file' ? 0 : 100);",
      "}",
    ].join("\n"));
    const target = join(dir, "touched");
    const r = ftl2(["run", "vars.js", "-e", JSON.stringify({ target, n: 3 }), "--check"]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("changed: [localhost]");
    // The check-mode touch predicts a change and makes none.
    expect(readdirSync(dir)).not.toContain("touched");
    expect(r.code).toBe(113);
  });

  test("concurrent calls (Promise.all) of one module read as one task; another module gets its own banner; -l narrows", () => {
    file("inv4", `[web]\nw1 ${LOCAL}\nw2 ${LOCAL}\nw3 ${LOCAL}\n`);
    file("par.ts", [
      "export async function run(ftl: any): Promise<void> {",
      '  await Promise.all(["w1", "w2", "w3"].map((h) => ftl[h].stat({ path: "/etc" })));',
      '  await Promise.all([ftl.w1.ping(), ftl.w2.command("true")]);',
      "  await ftl.web.ping();",
      "}",
    ].join("\n"));
    const r = ftl2(["run", "par.ts", "-i", "inv4"]);
    expect(r.code).toBe(0);
    const banners = r.stdout.split("\n").filter((l) => l.startsWith("TASK ["));
    expect(banners.map((b) => b.replace(/ \*+$/, ""))).toEqual(
      expect.arrayContaining(["TASK [stat]", "TASK [ping]", "TASK [command]"]),
    );
    // stat: one banner and three results under it; no banner without a result after it.
    const blocks = r.stdout.trim().split("\n\n").filter((b) => b.startsWith("TASK ["));
    expect(blocks[0]!.split("\n").slice(1).sort()).toEqual(["ok: [w1]", "ok: [w2]", "ok: [w3]"]);
    for (const b of blocks) expect(b.split("\n").length).toBeGreaterThan(1);
    expect(blocks.filter((b) => b.startsWith("TASK [stat]"))).toHaveLength(1);
    const limited = ftl2(["run", "par.ts", "-i", "inv4", "-l", "w2"]);
    expect(limited.stdout).toContain("w2                         : ok=3");
    expect(limited.stdout).not.toContain("[w1]");
  });

  test("--secret values never reach stdout or stderr: results at -vvv, failures, warnings and a thrown error are masked", () => {
    const value = "s3cr3t-Value-42";
    file("sec.ts", [
      "export async function run(ftl: any) {",
      "  const v = ftl.secrets.TOKEN.reveal();",
      "  await ftl.local.command({ cmd: `echo ${v}` });",
      "  await ftl.local.command({ cmd: `sh -c 'echo ${v} >&2; exit 3'` });",
      "  await ftl.run(`nosuch-${v}`, \"ping\");",
      "  throw new Error(`gave up on ${v}`);",
      "}",
    ].join("\n"));
    const r = spawnSync(BIN, ["run", "sec.ts", "--secret", "TOKEN", "-vvv"], { cwd: dir, env: { ...ENV, TOKEN: value }, encoding: "utf8" });
    expect(r.status).toBe(1);
    const all = r.stdout + r.stderr;
    expect(all).not.toContain(value);
    expect(r.stdout).toContain('"stdout": "********"');
    expect(r.stdout).toContain('"stderr": "********"');
    expect(r.stderr).toContain("gave up on ********");
    const missing = spawnSync(BIN, ["run", "sec.ts", "--secret", "TOKEN"], { cwd: dir, env: ENV, encoding: "utf8" });
    expect(missing.status).toBe(5);
    expect(missing.stderr).toContain("secrets names TOKEN, which is not set in the environment");
  });

  test("a returned number wins over failed hosts", () => {
    file("zero.ts", 'export async function run(ftl: any) {\n  await ftl.local.command({ cmd: "/bin/false" });\n  return 0;\n}\n');
    const r = ftl2(["run", "zero.ts"]);
    expect(r.stdout).toContain("fatal: [localhost]: FAILED! =>");
    expect(r.stdout).toContain("failed=1");
    expect(r.code).toBe(0);
  });
});

describe("ftl2 run on sshd hosts", () => {
  test("-i with ssh hosts runs every call on each; a dead host makes it 4 (unreachable), as ansible-playbook", () => {
    file("ssh-inv", readFileSync(sshd.inventory(`ansible_python_interpreter=${SYSTEM_PYTHON}`), "utf8") + `\n[down]\ngone ansible_host=127.0.0.9 ansible_port=1 ansible_connection=ssh\n`);
    file("ssh.ts", 'export async function run(ftl: any) {\n  const r = await ftl.run("all:!down", "command", { cmd: "hostname" });\n  if (r.length !== 2) return 9;\n  await ftl.down.ping();\n}\n');
    const r = ftl2(["run", "ssh.ts", "-i", "ssh-inv"]);
    for (const h of sshd.hosts) expect(r.stdout).toContain(`changed: [${h.name}]`);
    expect(r.stdout).toMatch(/fatal: \[gone\]: UNREACHABLE! => \{"changed": false, "msg": "Failed to connect to the host via ssh: .*", "unreachable": true\}/);
    expect(r.stdout).toMatch(/\ngone +: ok=0 +changed=0 +unreachable=1 /);
    expect(r.code).toBe(4);
  });
});

describe("ftl2 run errors", () => {
  test("a syntax error: ERROR! file:line:col, exit 1", () => {
    file("syntax.ts", "export async function run() {\n  return 1 +;\n}\n");
    expect(ftl2(["run", "syntax.ts"])).toEqual({ stdout: "", stderr: `ERROR! ${join(dir, "syntax.ts")}:2:13: Unexpected ;\n`, code: 1 });
  });

  test("a runtime error after calls: the recap of what ran, ERROR! at the script's throwing line, exit 1", () => {
    file("boom.js", "export async function run(ftl) {\n  await ftl.local.ping();\n  null.x;\n}\n");
    const r = ftl2(["run", "boom.js"]);
    expect(r.stderr).toMatch(new RegExp(`^ERROR! ${join(dir, "boom.js")}:3:\\d+: TypeError: null is not an object .*\\n$`));
    expect(r.stdout).toContain("ok: [localhost]");
    expect(r.stdout).toContain("PLAY RECAP");
    expect(r.code).toBe(1);
  });

  test("a missing script and a script without run/default are named", () => {
    expect(ftl2(["run", "nope.ts"])).toEqual({ stdout: "", stderr: `ERROR! the script nope.ts does not exist (looked for ${join(dir, "nope.ts")})\n`, code: 1 });
    file("lib.ts", "export const x = 1;\n");
    const r = ftl2(["run", "lib.ts"]);
    expect(r.stderr).toStartWith(`ERROR! ${join(dir, "lib.ts")}: the script exports no run function and no default function: it exports x (number)`);
    expect(r.code).toBe(1);
  });

  test("a returned value that is not an exit code is an error", () => {
    file("str.ts", 'export const run = () => "3";\n');
    expect(ftl2(["run", "str.ts"])).toEqual({
      stdout: "", stderr: `ERROR! ${join(dir, "str.ts")}: run() returned string, not an exit code (a whole number 0-255) or nothing\n`, code: 1,
    });
  });

  test("usage errors exit 2 with argparse's wording; bad -e exits 4 as ansible's parser errors", () => {
    expect(ftl2(["run"])).toEqual({ stdout: "", stderr: "usage: ftl2 run [options] script\nftl2 run: error: the following arguments are required: script\n", code: 2 });
    expect(ftl2(["run", "a.ts", "-m", "ping"]).stderr).toEndWith("ftl2 run: error: unrecognized arguments: -m\n");
    file("ok.ts", "export const run = () => {};\n");
    const bad = ftl2(["run", "ok.ts", "-e", "/abs.yml"]);
    expect(bad.stderr).toBe("ERROR! Please prepend extra_vars filename '/abs.yml' with '@' (hint: write -e @/abs.yml)\n");
    expect(bad.code).toBe(4);
  });

  test("-h prints the run usage", () => {
    const r = ftl2(["run", "-h"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toStartWith("usage: ftl2 run [options] script\n");
    expect(r.stdout).toContain("--secret NAME");
  });
});

test("more than one -i is refused (one inventory source per context), exit 5 as ansible's option errors", () => {
  file("one.ts", "export const run = () => {};\n");
  const r = ftl2(["run", "one.ts", "-i", "a,", "-i", "b,"]);
  expect(r.stderr).toBe("ERROR! ftl2 run takes one inventory source, got 2: a,, b, (hint: put the sources in one directory and pass -i DIR)\n");
  expect(r.code).toBe(5);
});

test("SIGINT during a call: the call is stopped, contexts closed, exit 99 with ansible's message (in-process)", async () => {
  const { runFtl2 } = await import("../helpers/cli.ts");
  file("slow.ts", 'export async function run(ftl: any) {\n  await ftl.local.command({ cmd: "sleep 20" });\n  return 0;\n}\n');
  const t0 = Date.now();
  const r = await runFtl2(["run", "slow.ts"], { cwd: dir, env: { ANSIBLE_NOCOLOR: "1" }, signal: { name: "SIGINT", afterMs: 400 } });
  expect(Date.now() - t0).toBeLessThan(10_000);
  expect(r.stderr).toEndWith("\n[ERROR]: User interrupted execution\n");
  expect(r.code).toBe(99);
});
