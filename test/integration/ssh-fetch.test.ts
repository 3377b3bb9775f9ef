// fetch over ssh against real sshd hosts and the real `ansible -m fetch` (sftp, as ansible's default smart
// transfer uses it): the same output and the same files (path, mode, content) for each case, become, every
// error path, and a 64 MiB file streamed back without holding it in memory.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync, chmodSync, chownSync, openSync, writeSync, closeSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hostBlocks, runAnsible, runFtl2 } from "../helpers/cli.ts";
import { controllerHome, startSshd, type SshFixture } from "../helpers/sshd.ts";
import { ensureUser } from "../helpers/users.ts";
import { fileTree } from "../helpers/file-tree.ts";

let sshd: SshFixture;
let home: string;
let remote: string;

beforeAll(async () => {
  ensureUser("ftl2sudo", { sudo: "nopasswd" });
  sshd = await startSshd({ hosts: 2 });
  home = controllerHome(sshd);
  // The "remote" files: the hosts are this machine.
  remote = mkdtempSync(join(tmpdir(), "ftl2-fetch-remote-"));
  chmodSync(remote, 0o755);
  writeFileSync(join(remote, "a.txt"), "remote text\n", { mode: 0o640 });
  chmodSync(join(remote, "a.txt"), 0o640);
  writeFileSync(join(remote, "secret"), "root only\n");
  chmodSync(join(remote, "secret"), 0o600);
  mkdirSync(join(remote, "adir"));
  mkdirSync(join(remote, "private"), { mode: 0o700 });
  writeFileSync(join(remote, "mine.txt"), "ftl2sudo's\n");
  chownSync(join(remote, "mine.txt"), Number(idOf("ftl2sudo")), Number(idOf("ftl2sudo")));
});

afterAll(async () => {
  await sshd?.stop();
  if (remote) rmSync(remote, { recursive: true, force: true });
});

function idOf(user: string): string {
  return readFileSync("/etc/passwd", "utf8").split("\n").find((l) => l.startsWith(`${user}:`))!.split(":")[2]!;
}

function inv(user: string): string {
  const p = join(sshd.dir, `fetch-${user}-${Math.random().toString(36).slice(2)}.ini`);
  writeFileSync(p, sshd.hosts.map((h) => `${h.name} ansible_host=${h.address} ansible_port=${h.port} ansible_user=${user} ansible_ssh_private_key_file=${sshd.clientKey}\n`).join(""));
  return p;
}

/** Runs `-m fetch -a ARGS` (DEST standing for a fresh local dir) with ansible and ftl2; output and files side by side. */
async function both(user: string, args: string, opts: { flags?: string[]; pattern?: string; setup?: (dest: string) => void } = {}) {
  const i = inv(user);
  const argv = (dest: string) => [opts.pattern ?? "host001", "-i", i, "-m", "fetch", "-a", args.replaceAll("DEST", dest), ...(opts.flags ?? [])];
  const da = mkdtempSync(join(tmpdir(), "ftl2-fetch-a-"));
  const db = mkdtempSync(join(tmpdir(), "ftl2-fetch-b-"));
  opts.setup?.(da);
  opts.setup?.(db);
  const theirs = runAnsible(argv(da), { cwd: da, env: { HOME: home, ANSIBLE_HOST_KEY_CHECKING: "False" } });
  const ours = await runFtl2(argv(db), { cwd: db, env: { HOME: home, ANSIBLE_NOCOLOR: "1" } });
  return {
    theirs: { code: theirs.code, blocks: hostBlocks(theirs.stdout.replaceAll(da, "DEST")), files: fileTree(da) },
    ours: { code: ours.code, blocks: hostBlocks(ours.stdout.replaceAll(db, "DEST")), files: fileTree(db) },
    stderr: ours.stderr,
    dirs: [da, db] as const,
  };
}

describe("fetch over ssh, side by side with ansible", () => {
  // Flat cases name one host: two hosts writing one flat dest race in ansible as in ftl2.
  const cases: [string, string, string, string[]?][] = [
    ["a new file keeps the remote mode, one dir per host", "root", "src=REMOTE/a.txt dest=DEST"],
    ["flat with a trailing slash", "root", "src=REMOTE/a.txt dest=DEST/flat/ flat=yes"],
    ["missing file", "root", "src=REMOTE/nope dest=DEST"],
    ["missing file, fail_on_missing=no", "root", "src=REMOTE/nope dest=DEST fail_on_missing=no"],
    ["a directory", "root", "src=REMOTE/adir dest=DEST"],
    ["a directory, fail_on_missing=no", "root", "src=REMOTE/adir dest=DEST fail_on_missing=no"],
    ["an unreadable file", "ftl2sudo", "src=REMOTE/secret dest=DEST"],
    ["an unreadable file, fail_on_missing=no", "ftl2sudo", "src=REMOTE/secret dest=DEST fail_on_missing=no"],
    ["stat refused (a private parent directory)", "ftl2sudo", "src=REMOTE/private/x dest=DEST"],
    ["~ is the login user's home", "ftl2sudo", "src=~/.profile dest=DEST"],
    ["~user names another home", "root", "src=~ftl2sudo/.profile dest=DEST/ flat=yes"],
    ["become reads what only root may read", "ftl2sudo", "src=REMOTE/secret dest=DEST", ["-b"]],
    ["become: ~ is the become user's home", "ftl2sudo", "src=~/.profile dest=DEST", ["-b"]],
    ["become: a directory, fail_on_missing=no", "ftl2sudo", "src=REMOTE/adir dest=DEST fail_on_missing=no", ["-b"]],
    ["become: missing file", "ftl2sudo", "src=REMOTE/nope dest=DEST", ["-b"]],
    ["check mode", "root", "src=REMOTE/a.txt dest=DEST", ["--check"]],
    ["flat onto an existing directory", "root", "src=REMOTE/a.txt dest=DEST flat=yes"],
  ];
  for (const [name, user, args, flags] of cases) {
    test(name, async () => {
      const r = await both(user, args.replaceAll("REMOTE", remote), { flags, pattern: args.includes("flat=") ? "host001" : "all" });
      expect(r.ours).toEqual(r.theirs);
    }, 60_000);
  }

  // /proc/self/io counts the reader's own reads: the stat module and the transfer see different bytes.
  test("checksum mismatch, and validate_checksum=no", async () => {
    const hex = (x: { code: number; blocks: string[]; files: string[] }) => ({
      code: x.code,
      blocks: x.blocks.map((b) => b.replace(/"[0-9a-f]{32,40}"/g, '"HEX"')),
      files: x.files.map((f) => f.replace(/ \d+ [^]*$/, "")),
    });
    for (const args of ["src=/proc/self/io dest=DEST", "src=/proc/self/io dest=DEST validate_checksum=no"]) {
      const r = await both("root", args);
      expect(hex(r.ours)).toEqual(hex(r.theirs));
      expect(r.ours.blocks[0]).toContain(args.includes("=no") ? "CHANGED" : '"msg": "checksum mismatch"');
    }
  }, 60_000);

  test("the same file again is unchanged; a changed one is replaced in place", async () => {
    const dest = mkdtempSync(join(tmpdir(), "ftl2-fetch-again-"));
    const i = inv("root");
    const argv = ["host001", "-i", i, "-m", "fetch", "-a", `src=${remote}/a.txt dest=${dest}`, "-o"];
    const first = await runFtl2(argv, { env: { HOME: home } });
    expect(first.stdout).toStartWith("host001 | CHANGED");
    const again = await runFtl2(argv, { env: { HOME: home } });
    expect(again.stdout).toStartWith(`host001 | SUCCESS => {"changed": false,"checksum": "${sha1("remote text\n")}","dest": "${dest}/host001${remote}/a.txt","file": "${remote}/a.txt"`);
    const local = `${dest}/host001${remote}/a.txt`;
    writeFileSync(local, "edited locally\n");
    chmodSync(local, 0o600);
    const third = await runFtl2(argv, { env: { HOME: home } });
    expect(third.stdout).toStartWith("host001 | CHANGED");
    expect(readFileSync(local, "utf8")).toBe("remote text\n");
    expect(statSync(local).mode & 0o777).toBe(0o600);
    expect(readdirSync(`${dest}/host001${remote}`)).toEqual(["a.txt"]);
  }, 60_000);
});

function sha1(s: string | Buffer): string {
  return createHash("sha1").update(s).digest("hex");
}

describe("large files", () => {
  test("64 MiB come back intact, streamed (live memory grows by far less than the file)", async () => {
    const big = join(remote, "big.bin");
    const fd = openSync(big, "w");
    const h = createHash("sha1");
    for (let i = 0; i < 64; i++) {
      const mb = randomBytes(1 << 20);
      h.update(mb);
      writeSync(fd, mb);
    }
    closeSync(fd);
    const want = h.digest("hex");
    const dest = mkdtempSync(join(tmpdir(), "ftl2-fetch-big-"));
    // Warm up (modules loaded, stat bundle built) so that only the transfer is measured.
    await runFtl2(["host001", "-i", inv("root"), "-m", "fetch", "-a", `src=${remote}/a.txt dest=${dest}/warm`], { env: { HOME: home } });
    rmSync(join(dest, "warm"), { recursive: true });
    Bun.gc(true);
    const base = process.memoryUsage().rss;
    let peak = base;
    // Bun collects lazily (a 64 MiB transfer leaves ~150 MiB of dead chunk strings before the GC runs): collect
    // while sampling, so the peak is what the transfer keeps alive.
    const timer = setInterval(() => {
      Bun.gc(true);
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    const r = await runFtl2(["host001", "-i", inv("root"), "-m", "fetch", "-a", `src=${big} dest=${dest}/ flat=yes`, "-o"], { env: { HOME: home } });
    clearInterval(timer);
    rmSync(big);
    expect(r.stdout).toStartWith(`host001 | CHANGED => {"changed": true,"checksum": "${want}"`);
    const got = createHash("sha1");
    for await (const c of createReadStream(join(dest, "big.bin"))) got.update(c as Buffer);
    expect(got.digest("hex")).toBe(want);
    expect(readdirSync(dest)).toEqual(["big.bin"]);
    const grownMiB = (peak - base) / (1 << 20);
        expect(grownMiB).toBeLessThan(48);
    rmSync(dest, { recursive: true, force: true });
  }, 120_000);
});
