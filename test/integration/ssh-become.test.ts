// Become over ssh against real sshd and real sudo/su: root from a sudo user, another user from root (the gate
// copy in a private temp dir), sudo passwords (missing, wrong, right), su without and with a password (on a
// pty kept raw so the gate's frames and the pyz upload pass unchanged), and SSH password logins.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash, randomBytes } from "node:crypto";
import { readdirSync, readFileSync, mkdtempSync, rmSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runFtl2 } from "../helpers/cli.ts";
import { controllerHome, startSshd, type SshFixture } from "../helpers/sshd.ts";
import { ensureUser, haveSudo } from "../helpers/users.ts";
import { isSuPrompt } from "../../src/transport/ssh/_bootstrap.ts";

let sshd: SshFixture;
let home: string;
const PW = "Ftl2-test-pw!";

beforeAll(async () => {
  if (!haveSudo()) throw new Error("sudo is not installed: scripts/setup.sh installs it");
  ensureUser("ftl2sudo", { sudo: "nopasswd" });
  ensureUser("ftl2pw", { password: PW, sudo: "password" });
  // Logs in for the su tests; only they use it, so its gate cache may be emptied to force an upload.
  ensureUser("ftl2su");
  sshd = await startSshd({ hosts: 1, config: ["PasswordAuthentication yes"] });
  home = controllerHome(sshd);
});

afterAll(async () => {
  await sshd?.stop();
});

function inv(user: string, extra = ""): string {
  const h = sshd.hosts[0]!;
  const p = join(sshd.dir, `become-${user}-${Math.random().toString(36).slice(2)}.ini`);
  writeFileSync(p, `h ansible_host=${h.address} ansible_port=${h.port} ansible_user=${user} ansible_ssh_private_key_file=${sshd.clientKey} ${extra}\n`);
  return p;
}

async function whoami(i: string, ...flags: string[]) {
  const r = await runFtl2(["h", "-i", i, "-a", "whoami", ...flags], { env: { HOME: home } });
  return { ...r, who: r.stdout.split("\n")[1] };
}

function pwFile(text: string): string {
  const p = join(sshd.dir, `pw-${Math.random().toString(36).slice(2)}`);
  writeFileSync(p, text + "\n", { mode: 0o600 });
  return p;
}

describe("become", () => {
  test("a sudo user becomes root with sudo -n", async () => {
    expect((await whoami(inv("ftl2sudo"))).who).toBe("ftl2sudo");
    const r = await whoami(inv("ftl2sudo"), "-b");
    expect(r.code).toBe(0);
    expect(r.who).toBe("root");
  });

  test("root becomes another user; the gate copy in /tmp is removed afterwards", async () => {
    const before = readdirSync("/tmp").filter((n) => n.startsWith("ftl2-gate.")).length;
    const r = await whoami(inv("root"), "-b", "--become-user", "ftl2sudo");
    expect(r.who).toBe("ftl2sudo");
    const m = await runFtl2(["h", "-i", inv("root"), "-b", "--become-user", "ftl2sudo", "-m", "ansible.builtin.stat", "-a", "path=/etc/hostname", "-o"], { env: { HOME: home } });
    expect(m.stdout).toContain('"exists": true');
    await Bun.sleep(300);
    expect(readdirSync("/tmp").filter((n) => n.startsWith("ftl2-gate.")).length).toBe(before);
  });

  test("su from root", async () => {
    const r = await whoami(inv("root"), "-b", "--become-method", "su", "--become-user", "ftl2sudo");
    expect(r.code).toBe(0);
    expect(r.who).toBe("ftl2sudo");
  });

  test("sudo that needs a password: missing, wrong, right", async () => {
    const missing = await whoami(inv("ftl2pw"), "-b");
    expect(missing.code).toBe(2);
    expect(missing.stdout).toContain("Missing sudo password");
    const wrong = await whoami(inv("ftl2pw"), "-b", "--become-password-file", pwFile("not-it"));
    expect(wrong.code).toBe(2);
    expect(wrong.stdout).toContain("Incorrect sudo password");
    const right = await whoami(inv("ftl2pw"), "-b", "--become-password-file", pwFile(PW));
    expect(right.code).toBe(0);
    expect(right.who).toBe("root");
    expect(right.stdout + right.stderr).not.toContain(PW);
  });

  test("su with a password: right, wrong (reported as soon as su says so), missing", async () => {
    const su = ["-b", "--become-method", "su", "--become-user", "ftl2pw"];
    const right = await whoami(inv("ftl2su"), ...su, "--become-password-file", pwFile(PW));
    expect(right.code).toBe(0);
    expect(right.who).toBe("ftl2pw");
    expect(right.stdout + right.stderr).not.toContain(PW);
    const t0 = Date.now();
    const wrong = await whoami(inv("ftl2su"), ...su, "--become-password-file", pwFile("not-it"));
    expect(wrong.code).toBe(2);
    expect(wrong.stdout).toContain("Incorrect su password");
    // su itself waits out PAM's fail delay (about 2 s here) before it says "Authentication failure".
    expect(Date.now() - t0).toBeLessThan(10_000);
    const missing = await whoami(inv("ftl2su"), ...su);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toContain("Missing su password");
  }, 60_000);

  test("su's pty passes the pyz upload and the gate's frames unchanged, both ways", async () => {
    rmSync("/home/ftl2su/.ftl", { recursive: true, force: true });
    const dir = mkdtempSync(join(tmpdir(), "ftl2-su-"));
    chmodSync(dir, 0o777);
    const bytes = randomBytes(3 << 20);
    writeFileSync(join(dir, "in.bin"), bytes, { mode: 0o644 });
    const su = ["-b", "--become-method", "su", "--become-user", "ftl2pw", "--become-password-file", pwFile(PW)];
    const copy = await runFtl2(["h", "-i", inv("ftl2su"), "-m", "copy", "-a", `src=${join(dir, "in.bin")} dest=${join(dir, "copied.bin")}`, "-o", ...su], { env: { HOME: home } });
    expect(copy.stdout).toContain('"owner": "ftl2pw"');
    expect(readFileSync(join(dir, "copied.bin")).equals(bytes)).toBe(true);
    const fetched = await runFtl2(["h", "-i", inv("ftl2su"), "-m", "fetch", "-a", `src=${join(dir, "copied.bin")} dest=${dir}/back.bin flat=yes`, "-o", ...su], { env: { HOME: home } });
    expect(fetched.stdout).toStartWith(`h | CHANGED => {"changed": true,"checksum": "${createHash("sha1").update(bytes).digest("hex")}"`);
    expect(readFileSync(join(dir, "back.bin")).equals(bytes)).toBe(true);
    const gate = readdirSync("/home/ftl2su/.ftl");
    expect(gate).toHaveLength(1);
    const sum = createHash("sha256").update(readFileSync(join("/home/ftl2su/.ftl", gate[0]!))).digest("hex");
    expect(gate[0]).toBe(`ftl_gate_${sum}.pyz`);
    rmSync(dir, { recursive: true, force: true });
    // The pty's hangup ends what the run left behind: no gate outlives it.
    await Bun.sleep(300);
    expect(sshd.processes().filter((p) => p.cmd.includes("ftl_gate")).map((p) => p.cmd)).toEqual([]);
  }, 60_000);

  test("su prompts as ansible's su plugin recognises them", () => {
    for (const p of ["Password: ", "Password:", "ftl2pw's Password: ", "Passwort: ", "密码：", "Mot de passe : "]) expect(isSuPrompt(p)).toBe(true);
    for (const p of ["", "su: Authentication failure", "FTL2_READY /usr/bin/python3", "Enter password"]) expect(isSuPrompt(p)).toBe(false);
  });

  test("an unsupported become method is a precise failure", async () => {
    const r = await whoami(inv("root"), "-b", "--become-method", "pbrun");
    expect(r.code).toBe(2);
    expect(r.stdout).toContain("become method 'pbrun' is not supported");
  });
});

describe("password logins", () => {
  test("ansible_password from a connection password file; a wrong one is an auth failure", async () => {
    const h = sshd.hosts[0]!;
    const p = join(sshd.dir, "pwlogin.ini");
    writeFileSync(p, `h ansible_host=${h.address} ansible_port=${h.port} ansible_user=ftl2pw\n`);
    const ok = await runFtl2(["h", "-i", p, "-a", "whoami", "--connection-password-file", pwFile(PW)], { env: { HOME: home } });
    expect(ok.code).toBe(0);
    expect(ok.stdout.split("\n")[1]).toBe("ftl2pw");
    const bad = await runFtl2(["h", "-i", p, "-a", "whoami", "--connection-password-file", pwFile("nope")], { env: { HOME: home } });
    expect(bad.code).toBe(4);
    expect(bad.stdout).toContain(`ftl2pw@${h.address}: Permission denied`);
    expect(bad.stdout).not.toContain("nope");
  });

  test("-k without a terminal is a clear error", async () => {
    const r = await runFtl2(["h", "-i", inv("root"), "-m", "ping", "-k"], { env: { HOME: home } });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain("cannot ask for a password: there is no terminal");
  });
});
