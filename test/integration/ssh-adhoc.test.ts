// The ad-hoc CLI against real OpenSSH hosts on loopback: ping, commands and shipped Ansible modules through
// the gate, copy streaming, and every fault as a precise per-host message with ansible's exit codes.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runFtl2 } from "../helpers/cli.ts";
import { controllerHome, startSshd, type SshFixture } from "../helpers/sshd.ts";

let sshd: SshFixture;
let home: string;
let inv: string;

const env = () => ({ HOME: home, ANSIBLE_NOCOLOR: "1" });

/** Gate processes started by this fixture's sshd sessions (not other tests' gates on the same machine). */
function gateProcesses(): number {
  return sshd.processes().filter((p) => p.cmd.includes("ftl_gate_")).length;
}

beforeAll(async () => {
  sshd = await startSshd({ hosts: 3 });
  home = controllerHome(sshd);
  inv = sshd.inventory();
});

afterAll(async () => {
  await sshd?.stop();
});

describe("remote execution over ssh", () => {
  test("ping on every host; the gate is uploaded once and reused", async () => {
    const r = await runFtl2(["all", "-i", inv, "-m", "ping", "-o"], { env: env() });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split("\n").sort()).toEqual(sshd.hosts.map((h) => `${h.name} | SUCCESS => {"changed": false,"ping": "pong"}`));
  });

  test("command and shell run through the gate with ansible's output", async () => {
    const c = await runFtl2(["host001", "-i", inv, "-a", "echo hi"], { env: env() });
    expect(c.stdout).toBe("host001 | CHANGED | rc=0 >>\nhi\n");
    const s = await runFtl2(["host001", "-i", inv, "-m", "shell", "-a", "echo out; echo err >&2; exit 3"], { env: env() });
    expect(s.code).toBe(2);
    expect(s.stdout).toBe("host001 | FAILED | rc=3 >>\nouterrnon-zero return code\n");
  });

  test("a shipped module with module_utils, check mode reaching the host", async () => {
    // replace is not native in the gate: it is bundled with its module_utils and shipped.
    const dir = mkdtempSync(join(tmpdir(), "ftl2-remote-"));
    writeFileSync(`${dir}/motd`, "hello\n");
    const args = `path=${dir}/motd regexp=hello replace=world`;
    const check = await runFtl2(["host002", "-i", inv, "-m", "ansible.builtin.replace", "-a", args, "--check", "-o"], { env: env() });
    expect(check.stdout).toBe('host002 | CHANGED => {"changed": true,"msg": "1 replacements made","rc": 0}\n');
    expect(readFileSync(`${dir}/motd`, "utf8")).toBe("hello\n");
    const real = await runFtl2(["host002", "-i", inv, "-m", "replace", "-a", args, "-o"], { env: env() });
    expect(real.stdout).toBe('host002 | CHANGED => {"changed": true,"msg": "1 replacements made","rc": 0}\n');
    expect(readFileSync(`${dir}/motd`, "utf8")).toBe("world\n");
    const again = await runFtl2(["host002", "-i", inv, "-m", "replace", "-a", args, "-o"], { env: env() });
    expect(again.stdout).toBe('host002 | SUCCESS => {"changed": false,"msg": "","rc": 0}\n');
  });

  test("raw needs no python", async () => {
    const r = await runFtl2(["host001", "-i", sshd.inventory("ansible_python_interpreter=/nonexistent/python3"), "-m", "raw", "-a", "echo raw"], { env: env() });
    expect(r.code).toBe(0);
    // stdout keeps its newline and the minimal callback adds one, as ansible prints raw.
    expect(r.stdout).toBe("host001 | CHANGED | rc=0 >>\nraw\n\n");
  });

  test("a host without python fails alone with a precise message", async () => {
    const bad = join(sshd.dir, "mixed.ini");
    const [h1, h2] = sshd.hosts;
    writeFileSync(bad, `[m]\n${h1!.name} ansible_host=${h1!.address} ansible_port=${h1!.port} ansible_user=root ansible_ssh_private_key_file=${sshd.clientKey} ansible_python_interpreter=/nonexistent/python3\n${h2!.name} ansible_host=${h2!.address} ansible_port=${h2!.port} ansible_user=root ansible_ssh_private_key_file=${sshd.clientKey}\n`);
    const r = await runFtl2(["m", "-i", bad, "-m", "ping", "-o"], { env: env() });
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(`${h1!.name} | FAILED! => {"changed": false,"msg": "no Python interpreter found on ${h1!.address}`);
    expect(r.stdout).toContain(`${h2!.name} | SUCCESS => {"changed": false,"ping": "pong"}`);
  });

  test("copy streams a large file, keeps the mode, and is idempotent by checksum", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ftl2-copy-"));
    const src = join(dir, "big.bin");
    spawnSync("sh", ["-c", `head -c 67108864 /dev/urandom > ${src}`]);
    const dest = join(dir, "out", "big.bin");
    mkdirSync(join(dir, "out"));
    const first = await runFtl2(["host003", "-i", inv, "-m", "copy", "-a", `src=${src} dest=${dest} mode=0640`, "-o"], { env: env() });
    expect(first.stdout).toContain("host003 | CHANGED =>");
    const sum = (p: string) => createHash("sha1").update(readFileSync(p)).digest("hex");
    expect(sum(dest)).toBe(sum(src));
    expect((spawnSync("stat", ["-c", "%a", dest], { encoding: "utf8" }).stdout ?? "").trim()).toBe("640");
    const second = await runFtl2(["host003", "-i", inv, "-m", "copy", "-a", `src=${src} dest=${dest} mode=0640`, "-o"], { env: env() });
    expect(second.stdout).toContain("host003 | SUCCESS =>");
    expect(second.stdout).toContain(`"checksum": "${sum(src)}"`);
  });

  test("no gate process outlives the run", async () => {
    // The fixture sees the gates while they run, so the check below can fail.
    const during = runFtl2(["all", "-i", inv, "-m", "shell", "-a", "sleep 1"], { env: env() });
    let seen = 0;
    for (let i = 0; i < 50 && seen === 0; i++) {
      await Bun.sleep(50);
      seen = gateProcesses();
    }
    expect(seen).toBeGreaterThan(0);
    expect((await during).code).toBe(0);
    const deadline = Date.now() + 3000;
    while (gateProcesses() > 0 && Date.now() < deadline) await Bun.sleep(50);
    expect(gateProcesses()).toBe(0);
  });
});

describe("connection faults are precise UNREACHABLE messages (rc 4)", () => {
  test("changed host key", async () => {
    const h = sshd.hosts[0]!;
    const other = spawnSync("sh", ["-c", `ssh-keygen -q -t ed25519 -N '' -f ${sshd.dir}/other && cat ${sshd.dir}/other.pub`], { encoding: "utf8" }).stdout.trim();
    const badHome = mkdtempSync(join(tmpdir(), "ftl2-home-"));
    mkdirSync(join(badHome, ".ssh"));
    writeFileSync(join(badHome, ".ssh", "known_hosts"), `[${h.address}]:${h.port} ${other.split(" ").slice(0, 2).join(" ")}\n`);
    const r = await runFtl2([h.name, "-i", inv, "-m", "ping", "-o"], { env: { HOME: badHome } });
    expect(r.code).toBe(4);
    expect(r.stdout).toContain(`${h.name} | UNREACHABLE!: Failed to connect to the host via ssh: `);
    expect(r.stdout).toContain("REMOTE HOST IDENTIFICATION HAS CHANGED");
  });

  test("unknown host, then ANSIBLE_HOST_KEY_CHECKING=False", async () => {
    const h = sshd.hosts[0]!;
    const emptyHome = mkdtempSync(join(tmpdir(), "ftl2-home-"));
    const r = await runFtl2([h.name, "-i", inv, "-m", "ping", "-o"], { env: { HOME: emptyHome } });
    expect(r.code).toBe(4);
    expect(r.stdout).toContain(`${h.name} | UNREACHABLE!: Failed to connect to the host via ssh: `);
    const off = await runFtl2([h.name, "-i", inv, "-m", "ping", "-o"], { env: { HOME: emptyHome, ANSIBLE_HOST_KEY_CHECKING: "False" } });
    expect(off.code).toBe(0);
  });

  test("refused port and auth failure", async () => {
    const h = sshd.hosts[0]!;
    const f = join(sshd.dir, "faults.ini");
    const wrongKey = join(sshd.dir, "wrong_key");
    spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", wrongKey]);
    writeFileSync(f, `refused ansible_host=127.0.0.1 ansible_port=1 ansible_user=root ansible_ssh_retries=0\nauth ansible_host=${h.address} ansible_port=${h.port} ansible_user=root ansible_ssh_private_key_file=${wrongKey}\n`);
    const r = await runFtl2(["all", "-i", f, "-m", "ping", "-o"], { env: { ...env(), ANSIBLE_HOST_KEY_CHECKING: "False" } });
    expect(r.code).toBe(4);
    expect(r.stdout).toContain("refused | UNREACHABLE!: Failed to connect to the host via ssh: ssh: connect to host 127.0.0.1 port 1: Connection refused");
    expect(r.stdout).toContain(`auth | UNREACHABLE!: Failed to connect to the host via ssh: root@${h.address}: Permission denied`);
  });
});
