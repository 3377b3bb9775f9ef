// command, shell, raw and ping side by side with `ansible localhost -m X -a TEXT` in the same temp directory.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { commandModule } from "../../../src/modules/command.ts";
import { defaultModuleContext, runNativeModule } from "../../../src/modules/_run-native.ts";
import { pingModule } from "../../../src/modules/ping.ts";
import { rawModule } from "../../../src/modules/raw.ts";
import { shellModule } from "../../../src/modules/shell.ts";
import type { NativeModule } from "../../../src/modules/_types.ts";
import { compareAdhoc } from "./_oracle-compare.ts";

let dir = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "ftl2-cmd-"));
  writeFileSync(join(dir, "exists.txt"), "x\n");
  writeFileSync(join(dir, ".hidden"), "");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Case = [NativeModule, string, { check?: boolean; drop?: string[] }?];
// raw is an action plugin: Ansible's result has no `invocation`, ftl2's runner adds one.
const RAW = { drop: ["invocation"] };
const CASES: Case[] = [
  [commandModule, "echo hi"],
  [commandModule, "false"],
  [commandModule, "nonexist arg"],
  [commandModule, "--password secret nonexist"],
  [commandModule, "echo $HOME ~ 'a b' \"c  d\" $NOPE_NOT_SET"],
  [commandModule, "ls creates=exist*"],
  [commandModule, "ls creates=nope*"],
  [commandModule, "ls removes=nope*"],
  [commandModule, "ls removes=*hidden"],
  [commandModule, "ls creates=exist*", { check: true }],
  [commandModule, "ls removes=exist*", { check: true }],
  [commandModule, "ls", { check: true }],
  [commandModule, "ls chdir=/nonexist"],
  [commandModule, "ls chdir=exists.txt"],
  [commandModule, "pwd chdir=.."],
  [commandModule, "printf 'a\\377\\n\\n' strip_empty_ends=false"],
  [commandModule, "printf 'a\\342\\202b\\r\\n\\n'"],
  [commandModule, "cat stdin=hello stdin_add_newline=no"],
  [commandModule, "cat stdin='two words'"],
  [commandModule, "echo x executable=/bin/bash"],
  [commandModule, '{"argv": ["echo", "a b", "$HOME"]}'],
  [commandModule, '{"cmd": "echo hi"}'],
  [commandModule, '{"_raw_params": "echo", "argv": ["echo"]}'],
  [commandModule, "chdir=/tmp"],
  [shellModule, "echo $HOME | tr a-z A-Z; echo err >&2"],
  [shellModule, "exit 3"],
  [shellModule, "echo $0 executable=/bin/bash"],
  [shellModule, "echo hi executable=/nonexist"],
  [shellModule, "ls exist* creates=exist*", { check: true }],
  [shellModule, "echo hi", { check: true }],
  [shellModule, "printf '\\n\\n  x  \\n\\n\\n'"],
  [shellModule, '{"argv": ["echo", "a b"]}'],
  [rawModule, "echo hi; echo err >&2; exit 3", RAW],
  [rawModule, "echo $0 executable=/bin/bash", RAW],
  [rawModule, "echo hi", { check: true, ...RAW }],
  [rawModule, "printf 'a\\377\\n\\r\\n\\n'", RAW],
  [rawModule, "echo x executable=/nonexist", RAW],
  [rawModule, "pwd; cat exists.txt", RAW],
  [pingModule, ""],
  [pingModule, "data=hello", { check: true }],
];

describe("same result as ansible", () => {
  test.each(CASES.map((c) => [c[0].name, c[1], c[2]?.check ? "(check)" : "", c] as const))("%s %s %s", async (_m, _a, _c, c) => {
    const [mod, args, opts] = c;
    const { ours, theirs } = await compareAdhoc(mod, args, { cwd: dir, checkMode: opts?.check, drop: opts?.drop });
    expect(ours).toEqual(theirs);
  });
});

describe("argument errors give ansible's message", () => {
  // Only `msg` is compared: the module name in the message and the order of the boolean list are the runner's.
  test.each([
    [commandModule, "echo strip_empty_ends=maybe", /^argument 'strip_empty_ends' is of type <class 'str'> and we were unable to convert to bool: The value 'maybe' is not a valid boolean/],
    [pingModule, "foo=1", /^Unsupported parameters for \(ping\) module: foo\. Supported parameters include: data\.$/],
    [commandModule, '{"_raw_params": "echo", "bogus": 1}', /^Unsupported parameters for \((ansible\.legacy\.)?command\) module: bogus\./],
  ] as const)("%#", async (mod, args, re) => {
    const { ours, theirs } = await compareAdhoc(mod, args, { cwd: dir });
    expect(theirs.msg).toMatch(re);
    expect(ours.msg).toMatch(re);
    expect(ours.failed).toBe(true);
  });
});

test("ping with data=crash is a module failure", async () => {
  const r = await runNativeModule(pingModule, { data: "crash" }, defaultModuleContext());
  expect(r.failed).toBe(true);
  expect(String(r.msg)).toContain("MODULE FAILURE");
});

test("aborting the task kills the command and its children", async () => {
  const ac = new AbortController();
  const marker = join(dir, "after-abort");
  const run = runNativeModule(
    shellModule,
    { _raw_params: `sleep 0.4; touch ${marker}` },
    defaultModuleContext({ cwd: dir, signal: ac.signal }),
  );
  setTimeout(() => ac.abort(), 100);
  const r = await run;
  expect(r.failed).toBe(true);
  await Bun.sleep(600);
  expect(await Bun.file(marker).exists()).toBe(false);
});
