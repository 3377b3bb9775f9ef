// Shipped modules that fail through their own error handling (an excepthook that calls fail_json, a
// module returning without exit_json, an uncaught exception) against real sshd hosts, side by side with
// the real `ansible`: the gate runs each module as AnsiballZ does, so the reports are ansible's.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hostBlocks, runAnsible, runFtl2 } from "../helpers/cli.ts";
import { controllerHome, startSshd, type SshFixture } from "../helpers/sshd.ts";

let sshd: SshFixture;
let home: string;
let work: string;
let lib: string;

beforeAll(async () => {
  sshd = await startSshd({ hosts: 2 });
  home = controllerHome(sshd);
  work = mkdtempSync(join(tmpdir(), "ftl2-failures-"));
  writeFileSync(join(work, "plain"), "a file, not a directory\n");
  mkdirSync(join(work, "adir"));
  lib = mkdtempSync(join(tmpdir(), "ftl2-failures-lib-"));
  const mod = (name: string, body: string) =>
    writeFileSync(join(lib, `${name}.py`), `#!/usr/bin/python3\nfrom ansible.module_utils.basic import AnsibleModule\n${body}`);
  mod("noexit", "AnsibleModule(argument_spec={})\n");
  mod("hookexit", "import sys\nm = AnsibleModule(argument_spec={})\nsys.excepthook = lambda t, v, tb: m.fail_json(msg='hooked: %s' % v)\nraise ValueError('bad value')\n");
  mod("crash", "AnsibleModule(argument_spec={})\nraise RuntimeError('kaput')\n");
});

afterAll(async () => {
  await sshd?.stop();
  for (const dir of [home, work, lib]) if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The same ad-hoc command through ftl2 and through ansible (no tty, so stderr stays apart as in the gate). */
async function both(module: string, args: string) {
  const argv = (inv: string) => ["all", "-i", inv, "-M", lib, "-m", module, "-a", args];
  const ours = await runFtl2(argv(sshd.inventory()), { env: { HOME: home, ANSIBLE_NOCOLOR: "1" } });
  const theirs = runAnsible(argv(sshd.inventory("ansible_ssh_use_tty=False")), { env: { HOME: home, ANSIBLE_HOST_KEY_CHECKING: "False" } });
  return { ours, theirs };
}

describe("module failures over ssh, side by side with ansible", () => {
  const cases: [string, string, string, string][] = [
    ["file: a file in the middle of the path", "file", "path=WORK/plain/sub state=directory", "There was an issue creating"],
    ["file: touch in a missing directory", "file", "path=WORK/missing/x state=touch", "Error, could not touch target"],
    ["file: a hard link without its source", "file", "path=WORK/link src=WORK/missing state=hard", "src does not exist"],
    ["lineinfile: the path is a directory", "lineinfile", "path=WORK/adir line=x", "is a directory"],
    ["a module whose excepthook calls fail_json", "hookexit", "", "hooked: bad value"],
    ["a module that never calls exit_json", "noexit", "", "New-style module did not handle its own exit"],
  ];
  for (const [title, module, args, message] of cases) {
    test(title, async () => {
      const { ours, theirs } = await both(module, args.replaceAll("WORK", work));
      expect(theirs.stdout).toContain(message);
      expect(ours.code).toBe(theirs.code);
      expect(hostBlocks(ours.stdout)).toEqual(hostBlocks(theirs.stdout));
      expect(ours.stderr).toBe("");
    }, 60_000);
  }

  test("an uncaught exception: MODULE FAILURE with the traceback, as ansible", async () => {
    const { ours, theirs } = await both("crash", "");
    expect(ours.code).toBe(theirs.code);
    // The traceback's file paths differ (bundle directory vs AnsiballZ's temp zip); its last line does not.
    const summary = (out: string) =>
      hostBlocks(out).map((b) => [/^\S+ \| .*$/m.exec(b)?.[0], /"msg": "(.*)"/.exec(b)?.[1], /RuntimeError: kaput\\n"/.test(b)]);
    expect(summary(ours.stdout)).toEqual(summary(theirs.stdout));
    expect(summary(ours.stdout).at(-1)).toEqual(["host002 | FAILED! => {", "MODULE FAILURE\\nSee stdout/stderr for the exact error", true]);
  }, 60_000);
});
