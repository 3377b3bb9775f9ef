// AWX-shaped jobs against real sshd hosts through the compiled worker: the machine credential's key as the
// `ssh_key` kwarg (used from memory, never written), AWX's executable inventory script, `passwords` answering
// the SSH and become prompts; ok, changed, failed and unreachable hosts; the events compared with the real
// ansible-runner worker's on the same job.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runRealWorker, streamLines, transmitAwxJob } from "../helpers/real-runner.ts";
import { normalizeRunnerEvents, sortRunnerEvents } from "../helpers/runner-normalize.ts";
import { startSshd, type SshFixture } from "../helpers/sshd.ts";
import { ensureUser } from "../helpers/users.ts";

const BIN = join(import.meta.dir, "..", "..", "dist", "ftl2");
const PW = "Ftl2-test-pw!";
let sshd: SshFixture;
let work: string;

function inventoryScript(dir: string, user: string): void {
  const hostvars: Record<string, Record<string, unknown>> = {};
  for (const h of sshd.hosts) {
    hostvars[h.name] = { ansible_host: h.address, ansible_port: h.port, ansible_user: user, ansible_python_interpreter: "/usr/bin/python3", remote_tower_id: 1 };
  }
  hostvars.dead = { ansible_host: "127.0.0.1", ansible_port: 1, ansible_user: user };
  const data = { all: { children: ["web"] }, web: { hosts: [...sshd.hosts.map((h) => h.name), "dead"] }, _meta: { hostvars } };
  mkdirSync(join(dir, "inventory"), { recursive: true });
  mkdirSync(join(dir, "env"), { recursive: true });
  writeFileSync(join(dir, "inventory", "hosts"), `#! /usr/bin/env python3\n# -*- coding: utf-8 -*-\nprint(${JSON.stringify(JSON.stringify(data))})\n`);
  chmodSync(join(dir, "inventory", "hosts"), 0o700);
  writeFileSync(join(dir, "env", "settings"), '{"job_timeout": 0, "suppress_ansible_output": true, "suppress_output_file": true}');
}

beforeAll(async () => {
  ensureUser("ftl2pw", { password: PW, sudo: "password" });
  sshd = await startSshd({ hosts: 3, config: ["PasswordAuthentication yes"] });
  work = mkdtempSync(join(tmpdir(), "ftl2-worker-ssh-"));
});

afterAll(async () => {
  await sshd?.stop();
  rmSync(work, { recursive: true, force: true });
});

function ftl2Worker(input: Buffer, pdd: string): { out: string; rc: number } {
  const r = spawnSync(BIN, ["worker", `--private-data-dir=${pdd}`], { input, maxBuffer: 64 << 20 });
  expect(r.stderr.toString()).toBe("");
  return { out: r.stdout.toString(), rc: r.status ?? -1 };
}

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

describe("AWX ad-hoc jobs over ssh", () => {
  test("ssh_key from memory: changed, failed and unreachable hosts; events equal the real worker's", () => {
    const src = join(work, "src-key");
    inventoryScript(src, "root");
    // One host fails: the command compares the address the session came in on (SSH_CONNECTION) with its own.
    writeFileSync(join(src, "env", "cmdline"), "--forks=5 all");
    const pdd = join(work, "job-key");
    const first = sshd.hosts[0]!;
    const kwargs = {
      ident: 21, inventory: join(pdd, "inventory", "hosts"), module: "shell",
      module_args: `echo $SSH_CONNECTION | cut -d' ' -f3 | grep -vqxF ${first.address}`,
      envvars: { ANSIBLE_FORCE_COLOR: "True", AD_HOC_COMMAND_ID: "21", ANSIBLE_HOST_KEY_CHECKING: "False" },
      ssh_key: sshd.clientKeyText, suppress_env_files: true,
    };
    const stream = transmitAwxJob(src, pdd, kwargs);
    const ours = ftl2Worker(stream, pdd);
    const ourLines = streamLines(ours.out);
    const ourEvents = ourLines.filter((l) => "event" in l);
    // The key travelled in the stream, but nothing the worker wrote holds it: not its output, not a file.
    const keyBody = sshd.clientKeyText.split("\n")[1] as string;
    expect(ours.out).not.toContain(keyBody);
    for (const f of filesUnder(pdd)) expect(readFileSync(f, "latin1")).not.toContain(keyBody);

    const real = runRealWorker(stream, pdd);
    const realEvents = streamLines(real.stdout).filter((l) => "event" in l);
    expect(ours.rc).toBe(real.rc);
    expect(ours.rc).toBe(4);
    expect(ourLines[ourLines.length - 1]?.status).toBe("failed");
    const byHost = (evs: Record<string, unknown>[]) =>
      Object.fromEntries(evs.filter((e) => String(e.event).startsWith("runner_on_") && e.event !== "runner_on_start").map((e) => [(e.event_data as { host: string }).host, e.event]));
    expect(byHost(ourEvents)).toEqual(byHost(realEvents));
    expect(byHost(ourEvents)).toEqual({ [first.name]: "runner_on_failed", [sshd.hosts[1]!.name]: "runner_on_ok", [sshd.hosts[2]!.name]: "runner_on_ok", dead: "runner_on_unreachable" });
    const a = sortRunnerEvents(normalizeRunnerEvents(ourEvents));
    // Noise of the real worker's OpenSSH plumbing, not of the job: ssh-agent's "Identity added" for the key,
    // and the ssh plugin's scp fallback warnings (this sshd has no sftp subsystem) with their warning events.
    const noise = (e: Record<string, unknown>) =>
      e.event === "warning" || String(e.stdout).includes("transfer mechanism failed") || String(e.stdout).startsWith("Identity added:");
    const b = sortRunnerEvents(normalizeRunnerEvents(realEvents).filter((e) => !noise(e)));
    expect(a.length).toBe(b.length);
    for (let i = 0; i < b.length; i++) {
      if (b[i]?.event === "runner_on_unreachable") {
        // ssh's wording comes from the ssh binary; ftl2 has none. Same event, same host, its own words.
        expect(a[i]?.event).toBe("runner_on_unreachable");
        continue;
      }
      expect(a[i]).toEqual(b[i] as Record<string, unknown>);
    }
  }, 120_000);

  test("passwords answer the SSH and become prompts (-u ftl2pw --ask-pass --become --ask-become-pass)", () => {
    const src = join(work, "src-pw");
    inventoryScript(src, "ftl2pw");
    writeFileSync(join(src, "env", "cmdline"), `-u ftl2pw --ask-pass --become --ask-become-pass web:!dead`);
    const pdd = join(work, "job-pw");
    const kwargs = {
      ident: 22, inventory: join(pdd, "inventory", "hosts"), module: "command", module_args: "whoami",
      envvars: { AD_HOC_COMMAND_ID: "22", ANSIBLE_HOST_KEY_CHECKING: "False" },
      // AWX's expect_passwords patterns for these prompts.
      passwords: { "SSH password:\\s*?$": PW, "BECOME password.*:\\s*?$": PW },
      suppress_env_files: true,
    };
    const run = ftl2Worker(transmitAwxJob(src, pdd, kwargs), pdd);
    expect(run.out).not.toContain(PW);
    const events = streamLines(run.out).filter((l) => l.event === "runner_on_ok");
    expect(events.length).toBe(sshd.hosts.length);
    for (const e of events) expect((e.event_data as { res: { stdout: string } }).res.stdout).toBe("root");
    expect(run.rc).toBe(0);
    expect(statSync(join(pdd, "artifacts", "22", "status")).isFile()).toBe(true);
  }, 120_000);

  test("a password prompt with no matching pattern fails the job with ansible's words", () => {
    const src = join(work, "src-nopw");
    inventoryScript(src, "ftl2pw");
    writeFileSync(join(src, "env", "cmdline"), `--ask-pass web:!dead`);
    const pdd = join(work, "job-nopw");
    const kwargs = { ident: 23, inventory: join(pdd, "inventory", "hosts"), module: "ping", envvars: { ANSIBLE_HOST_KEY_CHECKING: "False" }, suppress_env_files: true };
    const run = ftl2Worker(transmitAwxJob(src, pdd, kwargs), pdd);
    const lines = streamLines(run.out);
    expect(lines[lines.length - 1]?.status).toBe("failed");
    const verbose = lines.filter((l) => l.event === "verbose").map((l) => String(l.stdout)).join("\n");
    expect(verbose).toContain("cannot ask for a password");
  }, 60_000);
});
