// The small parsers against the Python/Ansible functions they reimplement, in one oracle process:
// INI values (ast.literal_eval), host ranges and addresses. (shlex and parse_kv: test/unit/text/.)
import { beforeAll, expect, test } from "bun:test";
import { expandHostRange } from "../../../src/inventory/_ranges.ts";
import { parseAddress } from "../../../src/inventory/_address.ts";
import { parsePythonValue } from "../../../src/inventory/_python-literal.ts";
import { type FnResult, oracleFunctions } from "./_oracle.ts";

const INI_VALUES = [
  "42", "-7", "+3", "1.5", "1e3", "1E-2", ".5", "5.", "0x1F", "0o17", "0b101", "1_000", "007", "00", "0", "1__0",
  "True", "False", "None", "true", "yes", "null", "'q'", '"dq"', "'a' 'b'", "'a\\nb'", "'\\x41\\u00e9\\101'", "r'\\d'",
  "b'x'", "u'x'", "'''tri'''", "'unterminated", "[1, 'a', None]", "[1,2,]", "[]", "()", "(1,)", "(5)", "(1, [2])",
  "{'k': [1, 2], 'j': {'x': True}}", "{}", "{1: 'a', 2.5: 'b', None: 'c', True: 'd'}", "{'a': 1,}", "1 # c", "[1, # c\n 2]",
  "1+2", "--1", "-True", "foo", "a b", "", "  7", "1 2", "[1", "'\\q'", "{'a' 1}", "{1, 2}", "1j", "f'x'", "-0x10",
  "[-1.5e3, +2]", "'caf\u00e9'", "'\\N{DASH}'",
];
const RANGES = [
  "web[01:05]", "db-[a:f]", "h[1:10:3]", "x[a:c]y[1:2]", "[0:2]end", "h[:3]", "h[1:]", "h[01:100]", "h[1:3:0]",
  "h[c:a]", "h[A:C]", "h[z:B]", "h[08:11]", "h[1:2:3:4]", "a[1:2]|b",
];
const ADDRESSES = [
  "host", "host:22", "10.0.0.1", "10.0.0.1:2222", "[::1]:22", "::1", "fe80::1", "[host]:80", "web[01:10]:22",
  "a_b", "-bad", "bad-", "h.example.com", "256.1.1.1", "under_score.", "x:y", "[1:2]", "ünïcode",
];

let answers: FnResult[] = [];
const calls = [
  ...INI_VALUES.map((arg) => ({ fn: "ini_value", arg })),
  ...RANGES.map((arg) => ({ fn: "expand_range", arg })),
  ...ADDRESSES.map((arg) => ({ fn: "parse_address", arg })),
  ...ADDRESSES.map((arg) => ({ fn: "parse_address_noranges", arg })),
];

beforeAll(async () => {
  answers = await oracleFunctions(calls);
}, 30_000);

function ours(fn: string, arg: string): FnResult {
  try {
    switch (fn) {
      case "ini_value":
        return { value: parsePythonValue(arg) };
      case "expand_range":
        return { value: expandHostRange(arg) };
      default: {
        const a = parseAddress(arg, fn === "parse_address");
        return { value: [a.host, a.port ?? null] };
      }
    }
  } catch (e) {
    return { error: (e as Error).message };
  }
}

test("every call answers like Python/Ansible", () => {
  expect(answers.length).toBe(calls.length);
  const mismatches: unknown[] = [];
  calls.forEach((c, i) => {
    const want = answers[i] as FnResult;
    const got = ours(c.fn, c.arg);
    // Values Python keeps but JSON cannot carry (sets, complex): ftl2 keeps the text, as literal_eval failing would.
    if ("unjsonable" in want) {
      if (!("value" in got) || got.value !== c.arg) mismatches.push({ call: c, want, got });
      return;
    }
    // Errors: same failure; messages only where ftl2 reproduces Ansible's wording.
    if ("error" in want) {
      if (!("error" in got)) mismatches.push({ call: c, want, got });
      else if (!c.fn.startsWith("parse_address") && got.error !== want.error && c.fn !== "expand_range") {
        mismatches.push({ call: c, want, got });
      }
      return;
    }
    if (JSON.stringify(got) !== JSON.stringify(want)) mismatches.push({ call: c, want, got });
  });
  expect(mismatches).toEqual([]);
});
