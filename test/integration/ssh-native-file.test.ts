// file and copy over real OpenSSH run inside the gate (native), not as shipped Ansible modules: the host's
// bundle cache stays empty through file, copy (stat, Put, copy module, file cleanup) and an idempotent
// second copy, while a shipped module (replace) does fill it, so the check can fail.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runFtl2 } from "../helpers/cli.ts";
import { controllerHome, startSshd, type SshFixture } from "../helpers/sshd.ts";

let sshd: SshFixture;
let home: string;
let remoteHome: string;
let dir: string;
let inv: string;

const env = () => ({ HOME: home, ANSIBLE_NOCOLOR: "1" });
const bundles = (): string[] => {
  const d = join(remoteHome, ".ftl", "bundles");
  return existsSync(d) ? readdirSync(d) : [];
};
const adhoc = (module: string, args: string) => runFtl2(["host001", "-i", inv, "-m", module, "-a", args, "-o"], { env: env() });

beforeAll(async () => {
  remoteHome = mkdtempSync(join(tmpdir(), "ftl2-remote-home-"));
  dir = mkdtempSync(join(tmpdir(), "ftl2-native-file-"));
  sshd = await startSshd({ hosts: 1, config: [`SetEnv HOME=${remoteHome}`] });
  home = controllerHome(sshd);
  inv = sshd.inventory();
});

afterAll(async () => {
  await sshd?.stop();
  for (const d of [home, remoteHome, dir]) if (d) rmSync(d, { recursive: true, force: true });
});

describe("file and copy run natively in the gate over ssh", () => {
  test("the benchmark's file tasks, a copy and its idempotent rerun ship no module", async () => {
    const mkdir = await adhoc("file", `path=${dir}/new state=directory mode=0755`);
    expect(mkdir.stdout).toBe(`host001 | CHANGED => {"changed": true,"gid": 0,"group": "root","mode": "0755","owner": "root","path": "${dir}/new","size": 4096,"state": "directory","uid": 0}\n`);
    expect(statSync(join(dir, "new")).mode & 0o7777).toBe(0o755);
    const touch = await adhoc("file", `path=${dir}/new/t state=touch mode=0600 modification_time=preserve access_time=preserve`);
    expect(touch.stdout).toContain('"dest": "' + join(dir, "new", "t") + '"');
    expect(statSync(join(dir, "new", "t")).mode & 0o7777).toBe(0o600);

    const src = join(dir, "src.txt");
    writeFileSync(src, "copied\n");
    const first = await adhoc("copy", `src=${src} dest=${dir}/out/ mode=0640`);
    expect(first.stdout).toStartWith("host001 | CHANGED =>");
    expect(readFileSync(join(dir, "out", "src.txt"), "utf8")).toBe("copied\n");
    expect(statSync(join(dir, "out", "src.txt")).mode & 0o7777).toBe(0o640);
    const again = await adhoc("copy", `src=${src} dest=${dir}/out/ mode=0640`);
    expect(again.stdout).toStartWith("host001 | SUCCESS =>");
    // The copy action's private upload directory is gone again (the native file module removed it).
    expect(readdirSync(join(remoteHome, ".ansible", "tmp"))).toEqual([]);
    expect(bundles()).toEqual([]);

    // The control: replace is not native, so its bundle does reach the host's cache.
    const shipped = await adhoc("replace", `path=${dir}/out/src.txt regexp=copied replace=replaced`);
    expect(shipped.stdout).toStartWith("host001 | CHANGED =>");
    expect(bundles().length).toBeGreaterThan(0);
  });
});
