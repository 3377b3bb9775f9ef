// The compiled binary, copied alone into an empty directory and run with a minimal environment (no Bun,
// no Node, no repo on PATH): the ad-hoc CLI works, and bad input gets one clear line and a non-zero exit.
import { beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const BUILT = join(import.meta.dir, "..", "..", "dist", "ftl2");
let dir = "";
let bin = "";

function run(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(bin, args, {
    cwd: dir,
    encoding: "utf8",
    env: { PATH: "/usr/bin:/bin", HOME: dir, ANSIBLE_NOCOLOR: "1", ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: run npm run build first`);
  dir = mkdtempSync(join(tmpdir(), "ftl2-e2e-"));
  bin = join(dir, "ftl2");
  copyFileSync(BUILT, bin);
  chmodSync(bin, 0o755);
});

describe("the binary alone", () => {
  test("--version prints the version and the embedded gate's hash", () => {
    const r = run(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ftl2 \d+\.\d+\.\d+\n  gate sha256 = [0-9a-f]{64}\n/);
  });

  test("ping and setup on the implicit localhost, no inventory", () => {
    const r = run(["localhost", "-m", "ping"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('localhost | SUCCESS => {\n    "changed": false,\n    "ping": "pong"\n}\n');
    expect(r.stderr).toBe("[WARNING]: No inventory was parsed, only implicit localhost is available\n");
    const s = run(["-m", "setup", "localhost", "-a", "filter=ansible_system"]);
    expect(s.code).toBe(0);
    expect(s.stdout).toContain('"ansible_system": "Linux"');
  });

  test("a real Ansible module through the fallback", () => {
    const r = run(["localhost", "-m", "ansible.builtin.lineinfile", "-a", `path=${dir}/motd line=hi create=yes`, "-o"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toStartWith('localhost | CHANGED => {"backup": "","changed": true,"msg": "line added"}');
  });

  test("an inventory with failed and unreachable hosts gives ansible's exit codes", () => {
    writeFileSync(join(dir, "inv.ini"), "[l]\na ansible_connection=local\nb ansible_connection=local\n[r]\nremote ansible_host=127.0.0.9\n");
    expect(run(["l", "-i", "inv.ini", "-a", "false"]).code).toBe(2);
    expect(run(["all", "-i", "inv.ini", "-a", "false"]).code).toBe(4);
    expect(run(["l", "-i", "inv.ini", "-a", "true"]).code).toBe(0);
  });

  test("stdout and stderr are left blocking for the next program on the same descriptors", () => {
    const check = "import fcntl,os; print(sum(1 for fd in (1, 2) if fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_NONBLOCK))";
    const shared = spawnSync("sh", ["-c", `{ '${bin}' l -i inv.ini -m ping; /usr/bin/python3 -c '${check}'; } 2>&1 | tail -1`], { cwd: dir, encoding: "utf8" });
    expect(shared.stdout.trim()).toBe("0");
  });

  test("--json writes one JSON object per host and a stats line", () => {
    const r = run(["l", "-i", "inv.ini", "-m", "ping", "--json"]);
    const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.event === "host_result").map((l) => l.host).sort()).toEqual(["a", "b"]);
    expect(lines.at(-1)).toMatchObject({ event: "stats", rc: 0 });
  });

  test("SIGINT mid-run: partial results, 'User interrupted execution', rc 99", async () => {
    writeFileSync(join(dir, "slow.ini"), "[s]\n" + Array.from({ length: 6 }, (_, i) => `s${i} ansible_connection=local`).join("\n") + "\n");
    const child = Bun.spawn([bin, "s", "-i", "slow.ini", "-m", "shell", "-a", "sleep 39.5", "-f", "2"], { cwd: dir, stdout: "pipe", stderr: "pipe", env: { PATH: "/usr/bin:/bin", HOME: dir } });
    await Bun.sleep(800);
    child.kill("SIGINT");
    const code = await child.exited;
    expect(code).toBe(99);
    expect(await new Response(child.stderr).text()).toContain("[ERROR]: User interrupted execution");
    await Bun.sleep(100);
    expect(spawnSync("pgrep", ["-f", "sleep 39.5"]).status).toBe(1);
  });
});

describe("the working directory is data, not configuration", () => {
  // Bun's compiled binaries load ./.env into the environment and ./bunfig.toml (whose preload runs code) unless
  // built not to, and resolve a module left external from the cwd up: ansible reads none of these, and a directory
  // the user happens to be in must not change a run or run code in it.
  test("a .env there does not reach the environment; a bunfig.toml or node_modules there runs nothing", () => {
    const cwd = mkdtempSync(join(dir, "cwd-"));
    writeFileSync(join(cwd, ".env"), "FTL2_DOTENV_PROBE=loaded\n");
    const marker = join(cwd, "preloaded");
    const ran = (what: string) => `require("node:fs").writeFileSync(${JSON.stringify(marker)}, ${JSON.stringify(what)});\n`;
    writeFileSync(join(cwd, "preload.ts"), ran("bunfig preload"));
    writeFileSync(join(cwd, "bunfig.toml"), 'preload = ["./preload.ts"]\n');
    // ssh2 asks for the optional native addon cpu-features in a try/catch.
    mkdirSync(join(cwd, "node_modules", "cpu-features"), { recursive: true });
    writeFileSync(join(cwd, "node_modules", "cpu-features", "index.js"), ran("node_modules/cpu-features") + "module.exports = () => ({});\n");
    const r = spawnSync(bin, ["localhost", "-m", "shell", "-a", 'echo "probe=${FTL2_DOTENV_PROBE:-unset}"'], {
      cwd, encoding: "utf8", env: { PATH: "/usr/bin:/bin", HOME: dir, ANSIBLE_NOCOLOR: "1" },
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("probe=unset");
    expect(existsSync(marker) ? readFileSync(marker, "utf8") : "nothing ran").toBe("nothing ran");
  });
});

describe("bad input: one clear line, non-zero exit", () => {
  const cases: [string, string[], number, RegExp, (() => void)?][] = [
    ["missing inventory path", ["all", "-i", "nope.ini", "-m", "ping"], 1, /^ERROR! .*nope\.ini/],
    ["unparseable INI", ["all", "-i", "bad.ini", "-m", "ping"], 1, /^ERROR! .*bad\.ini:2/, () => writeFileSync(join(dir, "bad.ini"), "[ok]\n[broken\n")],
    ["failing inventory script", ["all", "-i", "inv.sh", "-m", "ping"], 1, /^ERROR! .*inv\.sh/, () => {
      writeFileSync(join(dir, "inv.sh"), "#!/bin/sh\necho boom >&2\nexit 3\n");
      chmodSync(join(dir, "inv.sh"), 0o755);
    }],
    ["bad -a quoting", ["localhost", "-a", 'echo "hi'], 4, /^ERROR! .*unbalanced/],
    ["bad -e syntax", ["localhost", "-m", "ping", "-e", "{bad"], 4, /^ERROR! /],
    ["invalid pattern", ["~(", "-i", "inv.ini", "-m", "ping"], 1, /^ERROR! Invalid host list pattern: ~\(/],
    ["command without -a", ["localhost", "-m", "command"], 5, /^ERROR! No argument passed to command module/],
    ["unknown flag", ["localhost", "--bogus"], 2, /error: unrecognized arguments: --bogus/],
  ];
  for (const [name, args, code, re, setup] of cases) {
    test(name, () => {
      setup?.();
      const r = run(args);
      expect(r.code).toBe(code);
      const last = r.stderr.trim().split("\n").filter((l) => !l.startsWith("[WARNING]") && !l.startsWith("usage:")).join("\n");
      expect(last).toMatch(re);
      expect(r.stderr).not.toContain("    at ");
    });
  }
});
