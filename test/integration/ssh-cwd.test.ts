// Where a module runs on the host, side by side with the real `ansible` against real sshd hosts: ansible's
// modules run in the directory the ssh login left them in (the user's home), and so do the gate's, native
// (`command`, `shell`) and shipped alike.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hostBlocks, runAnsible, runFtl2 } from "../helpers/cli.ts";
import { controllerHome, startSshd, type SshFixture } from "../helpers/sshd.ts";

let sshd: SshFixture;
let home: string;
let lib: string;

beforeAll(async () => {
  sshd = await startSshd({ hosts: 2 });
  home = controllerHome(sshd);
  lib = mkdtempSync(join(tmpdir(), "ftl2-cwd-lib-"));
  writeFileSync(
    join(lib, "whereami.py"),
    "#!/usr/bin/python3\nimport os\nfrom ansible.module_utils.basic import AnsibleModule\nAnsibleModule(argument_spec={}).exit_json(cwd=os.getcwd())\n",
  );
});

afterAll(async () => {
  await sshd?.stop();
  for (const dir of [home, lib]) if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the directory a module runs in, as ansible's", () => {
  const cases: [string, string[]][] = [
    ["command (native in the gate)", ["-a", "pwd"]],
    ["shell (native in the gate)", ["-m", "shell", "-a", "pwd"]],
    ["a shipped module", ["-M", "LIB", "-m", "whereami"]],
  ];
  for (const [title, args] of cases) {
    test(title, async () => {
      const argv = (inv: string) => ["all", "-i", inv, ...args.map((a) => a.replace("LIB", lib))];
      const ours = await runFtl2(argv(sshd.inventory()), { env: { HOME: home, ANSIBLE_NOCOLOR: "1" } });
      const theirs = runAnsible(argv(sshd.inventory()), { env: { HOME: home, ANSIBLE_HOST_KEY_CHECKING: "False" } });
      expect(theirs.code).toBe(0);
      expect(theirs.stdout).toContain("/root");
      expect(ours.code).toBe(0);
      expect(hostBlocks(ours.stdout)).toEqual(hostBlocks(theirs.stdout));
    }, 60_000);
  }
});
