// transmit / process / cleanup command lines: the real ansible-runner's argparse errors (last stderr line) and
// exit codes, and the kwargs our parse gives against the real transmit's kwargs line.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { OptionError } from "../../../src/errors.ts";
import { buildTransmitKwargs, parseProcessArgv, parseTransmitArgv } from "../../../src/runner/index.ts";
import { runRunner, tempDir } from "./_oracle.ts";

const tmp = tempDir();
afterAll(() => tmp.cleanup());

function ourError(argv: string[]): { message: string; exitCode: number } {
  try {
    parseTransmitArgv(argv);
  } catch (e) {
    if (!(e instanceof OptionError)) throw e;
    return { message: e.message, exitCode: (e as OptionError & { exitCode?: number }).exitCode ?? 2 };
  }
  throw new Error(`no error for ${argv.join(" ")}`);
}

describe("transmit argv", () => {
  const bad: string[][] = [
    ["d", "--cmdline", "--diff", "-m", "ping"],
    ["d", "-m", "ping", "-p", "x.yml"],
    ["d", "-m", "ping", "--rotate-artifacts", "x"],
    ["d", "-m", "ping", "--nope"],
    ["-m", "ping"],
    ["d", "--hosts", "all", "-p", "x.yml"],
    ["d"],
    ["d", "-m", "ping", "--co", "x"],
  ];
  for (const argv of bad) {
    test(`error as the real one: ${argv.join(" ")}`, () => {
      const real = runRunner(["transmit", ...argv], { cwd: tmp.path });
      const mine = ourError(argv);
      expect(mine.exitCode).toBe(real.status!);
      // argparse reports unrecognized arguments from the top-level parser, the rest from the sub-command's
      const prog = mine.message.startsWith("unrecognized arguments") ? "ansible-runner" : "ansible-runner transmit";
      if (real.status === 2) expect(real.stderr.trim().split("\n").at(-1)).toBe(`${prog}: error: ${mine.message}`);
      else expect(real.stderr).toBe(mine.message);
    });
  }

  const good: string[][] = [
    ["-m", "command", "-a", "echo hi", "--hosts", "all", "-vvv", "--forks=7", "--limit", "web", "-i", "id1", "-q", "-j"],
    ["-p", "site.yml", "--ident=id2", "--roles-path", "/r", "--omit-env-files", "--cmdline", "x", "--artifact-dir", "/a", "--proj", "/p"],
    ["-mping", "-iid3", "--omit-event-data", "--only-failed-event-data", "--rotate-artifacts", "3", "-b", "/usr/bin/ansible", "--container-volume-mount", "a:b", "--container-volume-mount", "c:d"],
  ];
  for (const [k, argv] of good.entries()) {
    test(`kwargs as the real one: ${argv.join(" ")}`, () => {
      mkdirSync(join(tmp.path, `r${k}`));
      const real = runRunner(["transmit", `r${k}`, ...argv], { cwd: tmp.path });
      expect(real.stderr).toBe("");
      const opts = parseTransmitArgv([`o${k}`, ...argv]);
      const kwargs = buildTransmitKwargs(opts, { cwd: tmp.path, ident: () => "unused" });
      expect(JSON.stringify(kwargs)).toBe(JSON.stringify(JSON.parse(real.stdout.toString().split("\n")[0]!).kwargs));
    });
  }
});

describe("process argv", () => {
  test("private data dir and -i/--ident", () => {
    expect(parseProcessArgv(["dir", "-i", "7"])).toEqual({ privateDataDir: "dir", ident: "7" });
    expect(parseProcessArgv(["--ident=x", "dir"])).toEqual({ privateDataDir: "dir", ident: "x" });
    expect(() => parseProcessArgv([])).toThrow("the following arguments are required: private_data_dir");
    expect(() => parseProcessArgv(["d", "-q"])).toThrow("unrecognized arguments: -q");
    const real = runRunner(["process", "d", "-q"], { cwd: tmp.path });
    expect(real.stderr.trim().split("\n").at(-1)).toBe("ansible-runner: error: unrecognized arguments: -q");
  });
});
