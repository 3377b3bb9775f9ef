// shlexSplit (with and without comments) and shlexQuote against Python's own shlex, one python process for the
// batch. The strings mix the command module's free-form texts and the INI inventory's host lines.
import { expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { ShlexError, shlexQuote, shlexSplit } from "../../../src/text/index.ts";
import { SYSTEM_PYTHON } from "../../helpers/ansible.ts";

const COMMAND_TEXTS = [
  "", "a b", "  a   b  ", "a 'b c' d", 'a "b c" d', "a\\ b", "'a'\"b\"c", "''", 'a "" b', "a\\", "'open", '"open',
  '"a\\"b"', '"a\\\\b"', '"a\\nb"', "'a\\nb'", "a\\nb", "x\ty\nz\rw", "é 'ü ö'", "a#b #c", "--password=secret",
  "$HOME/x ${HOME}y $NOPE ${NOPE} $ ${", "~/x", "~", "~root/y", "~nosuchuser/z", "line1\nline2\r\nline3\rline4\x0bx\x0cy\x1cz\u2028w\n",
  "trailing\n\n", "\n", "@%+=:,./-", "it's",
];
const INI_LINES = [
  "a b c", "a 'b c' d", 'a "b \\" c"', "a\\ b", "a #comment", "a b#c", "'#' x", '"a\\nb"', "'a\\'", "a '' b",
  'x=\'1 2\' y="3 4"', "host k=v # trailing", "a\\", "'open", '"a\\\\b"', "a\"b c\"d",
];
// Comments end at a newline: what follows is read again.
const COMMENT_LINES = ["a #c\nb", "#only", "''#c", "a\\#b c", "x#\ny z", "#\n#\n", "'a#b' \"#\" c#d"];
const STRINGS = [...new Set([...COMMAND_TEXTS, ...INI_LINES, ...COMMENT_LINES])];

type Split = string[] | string;

function split(s: string, comments: boolean): Split {
  try {
    return shlexSplit(s, { comments });
  } catch (e) {
    if (!(e instanceof ShlexError)) throw e;
    return `error: ${e.message}`;
  }
}

test("matches Python's shlex.split (comments off and on) and shlex.quote", () => {
  const py = `
import json, shlex, sys
def split(s, comments):
    try:
        return shlex.split(s, comments=comments)
    except ValueError as e:
        return "error: " + str(e)
print(json.dumps([[split(s, False), split(s, True), shlex.quote(s)] for s in json.load(sys.stdin)]))
`;
  const r = spawnSync(SYSTEM_PYTHON, ["-c", py], { input: JSON.stringify(STRINGS), encoding: "utf8" });
  if (r.status !== 0) throw new Error(`oracle failed: ${r.stderr}`);
  const expected = JSON.parse(r.stdout) as [Split, Split, string][];
  const got = STRINGS.map((s) => [split(s, false), split(s, true), shlexQuote(s)]);
  STRINGS.forEach((s, i) => expect({ s, ours: got[i] }).toEqual({ s, ours: expected[i] as [Split, Split, string] }));
});

test("comments default to off, as shlex.split's do", () => {
  expect(shlexSplit("a #b")).toEqual(["a", "#b"]);
  expect(shlexSplit("a #b", { comments: true })).toEqual(["a"]);
});
