// Local test users for become and password tests (tests run as root): created once, idempotent, with a
// sudoers drop-in that either needs no password or needs the user's password.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";

export interface TestUserOptions {
  password?: string;
  sudo?: "nopasswd" | "password";
}

function run(cmd: string, args: string[], input?: string): void {
  const r = spawnSync(cmd, args, { input, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr}`);
}

export function ensureUser(name: string, opts: TestUserOptions = {}): void {
  if (spawnSync("id", [name]).status !== 0) run("useradd", ["-m", "-s", "/bin/sh", name]);
  // A user without a password is "locked" and sshd (UsePAM no) refuses even key logins; '*' means no
  // password login but an unlocked account.
  if (opts.password) run("chpasswd", [], `${name}:${opts.password}\n`);
  else run("usermod", ["-p", "*", name]);
  if (opts.sudo) {
    const rule = opts.sudo === "nopasswd" ? `${name} ALL=(ALL) NOPASSWD: ALL` : `${name} ALL=(ALL) ALL`;
    writeFileSync(`/etc/sudoers.d/ftl2-test-${name}`, `Defaults:${name} !requiretty\n${rule}\n`, { mode: 0o440 });
  }
}

export function haveSudo(): boolean {
  return spawnSync("sudo", ["-V"]).status === 0;
}
