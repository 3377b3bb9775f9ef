// fnmatch / globToRegExp / hasGlob against Python's fnmatch.fnmatchcase and glob.has_magic, every pattern
// against every name, in one python process.
import { expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { fnmatch, hasGlob } from "../../../src/text/index.ts";
import { SYSTEM_PYTHON } from "../../helpers/ansible.ts";

const PATTERNS = [
  "", "*", "**", "?", "web*", "*.example.com", "w?b1", "web[12]", "web[!12]", "web[1-3]", "web[3-1]", "web[!3-1]",
  "[a-c-e]", "[b-a-z]", "[a--c]", "[--a]", "[a-]", "[!]", "[]", "[]]", "[!]]", "[^a]", "[[]", "[\\]", "[a\\-z]",
  "a[", "a]", "(x)", "a.b", "a+b", "a$", "^a", "{a,b}", "a|b", "x/y*", "*/*", "ansible_*", "*_os*", "[&&]", "[~|]",
  "a\\*", "é*", "*\n", "[!a-z]*", "???", "*?*",
];
const NAMES = [
  "", "web1", "web2", "web3", "web4", "wab1", "w.b1", "a", "b", "c", "d", "e", "z", "-", "]", "^", "[", "\\", "!",
  "a[", "a]", "(x)", "a.b", "axb", "a+b", "a$", "^a", "{a,b}", "a|b", "x/yz", "x/y", "p/q", "host.example.com",
  "ansible_os_family", "os_family", "&", "~", "|", "a\\*", "a\\x", "éa", "line\n", "abc", "ab", "Web1", "*",
];

test("fnmatch matches Python's fnmatch.fnmatchcase; hasGlob matches glob.has_magic", () => {
  const py = `
import fnmatch, glob, json, sys
data = json.load(sys.stdin)
print(json.dumps({"match": [[fnmatch.fnmatchcase(n, p) for n in data["names"]] for p in data["patterns"]], "magic": [glob.has_magic(p) for p in data["patterns"]]}))
`;
  const r = spawnSync(SYSTEM_PYTHON, ["-c", py], { input: JSON.stringify({ patterns: PATTERNS, names: NAMES }), encoding: "utf8" });
  if (r.status !== 0) throw new Error(`oracle failed: ${r.stderr}`);
  const expected = JSON.parse(r.stdout) as { match: boolean[][]; magic: boolean[] };
  PATTERNS.forEach((p, i) => {
    const want = expected.match[i] as boolean[];
    const got = NAMES.map((n) => fnmatch(n, p));
    expect({ p, matched: NAMES.filter((_, k) => got[k]) }).toEqual({ p, matched: NAMES.filter((_, k) => want[k]) });
  });
  expect(PATTERNS.map(hasGlob)).toEqual(expected.magic);
});
