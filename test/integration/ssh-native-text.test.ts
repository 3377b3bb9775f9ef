// lineinfile and blockinfile run inside the gate over real OpenSSH: a backup's name carries the pid of the
// process that made it, which is the warm gate itself for the native modules and a forked module process for
// the real module the controller ships when the gate declines (here: seuser, which the native modules leave
// to the real one; mode, owner and group they apply themselves).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { automation, type Ftl } from "../../src/automation/index.ts";
import { controllerHome, startSshd, type SshFixture } from "../helpers/sshd.ts";

let sshd: SshFixture;
let home: string;
let inv: string;

beforeAll(async () => {
  sshd = await startSshd({ hosts: 1 });
  home = controllerHome(sshd);
  inv = sshd.inventory();
});

afterAll(async () => {
  await sshd?.stop();
  rmSync(home, { recursive: true, force: true });
});

const open = (): Promise<Ftl> => automation({ inventory: inv, env: { PATH: process.env.PATH, HOME: home }, handleSignals: false });
const gatePids = () => sshd.processes().filter((p) => p.cmd.includes("ftl_gate_")).map((p) => p.pid);
/** The pid in a backup's name (backup_local: NAME.PID.YYYY-MM-DD@HH:MM:SS~); the result types do not list the key. */
const backupPid = (r: { result: object } | undefined, key: string) =>
  Number(/\.(\d+)\.\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d~$/.exec(String((r?.result as Record<string, unknown>)[key]))?.[1]);

describe("lineinfile and blockinfile over ssh", () => {
  test("run natively in the gate; a declined call still runs, as the shipped real module", async () => {
    const file = join(home, "app.conf");
    await using ftl = await open();
    const host = ftl.host001!;
    const [created] = await host.lineinfile({ path: file, regexp: "^port=", line: "port=8080", create: true });
    expect([created!.changed, created!.result.msg]).toEqual([true, "line added"]);
    const [again] = await host.lineinfile({ path: file, regexp: "^port=", line: "port=8080", create: true });
    expect([again!.changed, again!.result.msg]).toEqual([false, ""]);
    const [gate] = gatePids();
    expect(gatePids()).toEqual([gate!]);

    const [line] = await host.lineinfile({ path: file, line: "host=a", backup: true });
    expect([line!.changed, backupPid(line, "backup")]).toEqual([true, gate!]);
    const [block] = await host.blockinfile({ path: file, block: "a=1\nb=2", backup: true });
    expect([block!.changed, block!.result.msg, backupPid(block, "backup_file")]).toEqual([true, "Block inserted", gate!]);
    expect(readFileSync(file, "utf8")).toBe("port=8080\nhost=a\n# BEGIN ANSIBLE MANAGED BLOCK\na=1\nb=2\n# END ANSIBLE MANAGED BLOCK\n");

    const [moded] = await host.lineinfile({ path: file, line: "host=b", backup: true, mode: "0600" });
    expect([moded!.changed, moded!.result.msg, backupPid(moded, "backup")]).toEqual([true, "line added and ownership, perms or SE linux context changed", gate!]);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const [shipped] = await host.lineinfile({ path: file, line: "host=c", backup: true, seuser: "system_u" });
    expect([shipped!.changed, shipped!.result.msg]).toEqual([true, "line added"]);
    const modulePid = backupPid(shipped, "backup");
    expect([modulePid > 0, modulePid === gate]).toEqual([true, false]);
    expect(gatePids()).toEqual([gate!]);
  }, 60_000);
});
