// splitArgs / parseKv against ansible's own split_args and parse_kv (with and without check_raw), on the strings
// in test/fixtures/text/kv-cases.json, in one python process for the batch.
import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SplitArgsError, parseKv, pyStrip, splitArgs } from "../../../src/text/index.ts";
import { SYSTEM_PYTHON } from "../../helpers/ansible.ts";

const CASES: string[] = JSON.parse(readFileSync(join(import.meta.dir, "../../fixtures/text/kv-cases.json"), "utf8"));

// Python's own errors that are not AnsibleParserError: ansible reports them as unexpected exceptions.
const CRASHES = ["k=\\U00110000", "a=1 b=\\UFFFFFFFF"];
const STRIP = [" a ", "\x1c\x1fa\x85", "\ufeffa\ufeff", "\u00a0\u3000a\u2029", "\t\n\v\f\r", "a b"];

type Outcome = { ok: unknown } | { error: string } | { crash: string };

function oracle(): { kv: [Outcome, Outcome, Outcome][]; crashes: Outcome[]; strip: string[] } {
  const py = `
import json, sys
from ansible.errors import AnsibleParserError
from ansible.parsing.splitter import parse_kv, split_args
def run(f):
    try:
        value = f()
    except AnsibleParserError as e:
        return {"error": e.message}
    except IndexError as e:
        # split_args raises it bare; ftl2's splitArgs already carries parse_kv's wrapping text.
        return {"error": "Unable to parse argument string. " + str(e)}
    except Exception as e:
        return {"crash": str(e)}
    return {"ok": value}
data = json.load(sys.stdin)
print(json.dumps({
    "kv": [[run(lambda: split_args(s)), run(lambda: parse_kv(s)), run(lambda: parse_kv(s, check_raw=True))] for s in data["kv"]],
    "crashes": [run(lambda: parse_kv(s)) for s in data["crashes"]],
    "strip": [s.strip() for s in data["strip"]],
}))
`;
  const input = JSON.stringify({ kv: CASES, crashes: CRASHES, strip: STRIP });
  const r = spawnSync(SYSTEM_PYTHON, ["-c", py], { input, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`oracle failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

function ours(f: () => unknown): Outcome {
  try {
    return { ok: f() };
  } catch (e) {
    if (e instanceof SplitArgsError) return { error: e.message };
    throw e;
  }
}

describe("splitArgs and parseKv match ansible's split_args and parse_kv", () => {
  const expected = oracle();

  test.each(CASES.map((s, i) => [JSON.stringify(s), i] as const))("%s", (_label, i) => {
    const s = CASES[i] as string;
    const [split, plain, raw] = expected.kv[i] as [Outcome, Outcome, Outcome];
    expect(ours(() => splitArgs(s))).toEqual(split);
    expect(ours(() => parseKv(s))).toEqual(plain);
    expect(ours(() => parseKv(s, true))).toEqual(raw);
  });

  test("an escape past U+10FFFF fails in both (ansible: an unexpected UnicodeDecodeError)", () => {
    CRASHES.forEach((s, i) => {
      expect(expected.crashes[i]).toEqual({ crash: expect.stringContaining("illegal Unicode character") });
      const err = (() => {
        try {
          parseKv(s);
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(SplitArgsError);
      expect((err as SplitArgsError).failure).toBe("escape");
      expect((err as SplitArgsError).message).toStartWith("illegal Unicode character in escape \\U");
    });
  });

  test("pyStrip removes what Python's str.strip() removes", () => {
    expect(STRIP.map(pyStrip)).toEqual(expected.strip);
  });
});

test("each failure names its kind, for callers to choose their code and hint", () => {
  const failure = (s: string): string | undefined => {
    try {
      splitArgs(s);
    } catch (e) {
      if (e instanceof SplitArgsError) return e.failure;
      throw e;
    }
    return undefined;
  };
  expect([failure("a='b"), failure("x={{ y"), failure("  a"), failure("\na"), failure("a b")]).toEqual([
    "unbalanced", "unbalanced", "index", "index", undefined,
  ]);
});
