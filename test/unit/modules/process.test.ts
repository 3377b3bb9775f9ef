// The process text helpers against Python's own str.splitlines, os.path.expandvars/expanduser and
// surrogateescape (one python process per batch). shlex: test/unit/text/shlex.test.ts.
import { expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { decodeSurrogateEscape, expandUser, expandVars, pySplitlines } from "../../../src/modules/_process.ts";
import { SYSTEM_PYTHON } from "../../helpers/ansible.ts";

const STRINGS = [
  "", "a b", "  a   b  ", "a 'b c' d", 'a "b c" d', "a\\ b", "'a'\"b\"c", "''", 'a "" b', "a\\", "'open", '"open',
  '"a\\"b"', '"a\\\\b"', '"a\\nb"', "'a\\nb'", "a\\nb", "x\ty\nz\rw", "é 'ü ö'", "a#b #c", "--password=secret",
  "$HOME/x ${HOME}y $NOPE ${NOPE} $ ${", "~/x", "~", "~root/y", "~nosuchuser/z", "line1\nline2\r\nline3\rline4\x0bx\x0cy\x1cz\u2028w\n",
  "trailing\n\n", "\n", "@%+=:,./-", "it's",
];

test("matches Python's splitlines, expandvars and expanduser", () => {
  const env = { HOME: "/home/test" };
  const py = `
import json, os, sys
os.environ.clear(); os.environ.update(${JSON.stringify(env)})
out = []
for s in json.load(sys.stdin):
    out.append([s.splitlines(), os.path.expandvars(s), os.path.expanduser(s)])
print(json.dumps(out))
`;
  const r = spawnSync(SYSTEM_PYTHON, ["-c", py], { input: JSON.stringify(STRINGS), encoding: "utf8" });
  const expected = JSON.parse(r.stdout) as [string[], string, string][];
  STRINGS.forEach((s, i) => {
    const [lines, vars, user] = expected[i]!;
    expect({ s, lines: pySplitlines(s), vars: expandVars(s, env), user: expandUser(s, env) }).toEqual({ s, lines, vars, user });
  });
});

test("decodeSurrogateEscape matches Python's surrogateescape", () => {
  const samples = [[0x61, 0xff, 0x62], [0xe2, 0x82, 0x63], [0xf0, 0x9f, 0x98, 0x80], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xf4, 0x90, 0x80, 0x80], [0xe0, 0x80, 0x80]];
  const py = "import json,sys\nprint(json.dumps([bytes(b).decode('utf-8','surrogateescape') for b in json.load(sys.stdin)]))";
  const r = spawnSync(SYSTEM_PYTHON, ["-c", py], { input: JSON.stringify(samples), encoding: "utf8" });
  expect(samples.map((b) => decodeSurrogateEscape(Uint8Array.from(b)))).toEqual(JSON.parse(r.stdout));
});
