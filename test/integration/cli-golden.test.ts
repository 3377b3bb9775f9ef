// The same ad-hoc command through ftl2 (in-process) and the real ansible: identical exit code and
// identical per-host output (compared host by host, since completion order may differ).
import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hostBlocks, runAnsible, runFtl2 } from "../helpers/cli.ts";

const INV = join(import.meta.dir, "..", "fixtures", "cli", "local.ini");

async function both(argv: string[]) {
  const dirA = mkdtempSync(join(tmpdir(), "golden-a-"));
  const dirF = mkdtempSync(join(tmpdir(), "golden-f-"));
  try {
    const sub = (dir: string) => argv.map((a) => a.replaceAll("{TMP}", dir));
    const a = runAnsible(["-i", INV, ...sub(dirA)]);
    const f = await runFtl2(["-i", INV, ...sub(dirF)], { env: { ANSIBLE_NOCOLOR: "1" } });
    const norm = (s: string, dir: string) =>
      s.replaceAll(dir, "{TMP}").replace(/"(start|end|delta)": "[^"]*"/g, '"$1": "{TIME}"');
    return { a: { ...a, stdout: norm(a.stdout, dirA), stderr: norm(a.stderr, dirA) }, f: { ...f, stdout: norm(f.stdout, dirF), stderr: norm(f.stderr, dirF) }, dirA, dirF };
  } finally {
    setTimeout(() => {
      rmSync(dirA, { recursive: true, force: true });
      rmSync(dirF, { recursive: true, force: true });
    }, 0);
  }
}

const CASES: string[][] = [
  ["all", "-m", "ping"],
  ["all", "-m", "ping", "-o"],
  ["web", "-m", "command", "-a", "echo hi"],
  ["web", "-m", "command", "-a", "echo hi", "-o"],
  ["db", "-m", "shell", "-a", "echo out; echo err >&2; exit 3"],
  ["db", "-m", "shell", "-a", "echo out; echo err >&2; exit 3", "-o"],
  ["all", "-a", "false"],
  ["db", "-m", "raw", "-a", "echo raw"],
  ["web1", "-m", "stat", "-a", "path=/nonexistent/ftl2"],
  ["db", "-m", "file", "-a", "path=/nonexistent/ftl2/x state=file"],
  ["db", "-m", "ping", "-a", "foo=bar"],
  ["db", "-m", "command", "-a", "echo hi", "--check"],
  ["db", "-m", "file", "-a", "path={TMP}/d state=directory mode=0750"],
  ["db", "-m", "ansible.builtin.lineinfile", "-a", "path={TMP}/f line=hello create=yes"],
  ["db", "-m", "lineinfile", "-a", "path={TMP}/f line=hello create=yes", "--check", "-o"],
  ["db", "-m", "slurp", "-a", "src=/etc/hostname"],
  ["web", "-m", "ping", "-l", "web2"],
  ["all:!web1", "-m", "ping", "-o", "-f", "1"],
  ["db", "-m", "no_such_module_x"],
  ["db", "-m", "ansible.builtin.no_such_x", "-o"],
];

describe("ftl2 prints what ansible prints", () => {
  for (const argv of CASES) {
    test(argv.join(" "), async () => {
      const { a, f } = await both(argv);
      expect(f.code).toBe(a.code);
      expect(hostBlocks(f.stdout)).toEqual(hostBlocks(a.stdout));
    });
  }
});

describe("list-hosts and top-level errors match ansible", () => {
  const cases: string[][] = [
    ["all", "--list-hosts"],
    ["web:&all", "--list-hosts"],
    ["all:!db", "--list-hosts"],
    ["web[1]:db", "--list-hosts"],
    ["db", "-m", "command"],
    ["nomatch", "-m", "ping"],
    ["db", "-m", "ping", "--forks=0"],
    ["db", "-m", "ping", "-l", "nomatch"],
  ];
  for (const argv of cases) {
    test(argv.join(" "), async () => {
      const { a, f } = await both(argv);
      expect(f.code).toBe(a.code);
      // On option errors (exit 5) both print their own help text on stdout; elsewhere stdout is identical.
      if (a.code === 5) expect(f.stdout).toStartWith("usage: ftl2");
      else expect(f.stdout).toBe(a.stdout);
      // ansible prints its whole help on argparse errors; compare the error line itself.
      const lastLine = (s: string) => s.trim().split("\n").filter((l) => !l.startsWith("usage:")).pop()?.replace(/^ansible:/, "PROG:").replace(/^ftl2:/, "PROG:");
      expect(lastLine(f.stderr)).toBe(lastLine(a.stderr));
    });
  }
});

test("-t writes one file per host with the content ansible writes", async () => {
  const { a, f, dirA, dirF } = await both(["all", "-m", "ping", "-t", "{TMP}/tree"]);
  expect(f.code).toBe(a.code);
  const names = readdirSync(join(dirA, "tree")).sort();
  expect(readdirSync(join(dirF, "tree")).sort()).toEqual(names);
  for (const n of names) expect(readFileSync(join(dirF, "tree", n), "utf8")).toBe(readFileSync(join(dirA, "tree", n), "utf8"));
});
