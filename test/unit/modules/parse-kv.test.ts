// parseModuleArgs against ansible's ad-hoc argument handling (one python process for the whole batch).
// parse_kv itself is tested in test/unit/text/split-args.test.ts.
import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { ArgsError } from "../../../src/errors.ts";
import { isFreeFormModule, parseModuleArgs } from "../../../src/modules/_parse-kv.ts";
import { SYSTEM_PYTHON } from "../../helpers/ansible.ts";

type Outcome = { ok: Record<string, unknown> } | { error: string };

// Runs the oracle: the ad-hoc path (cli/adhoc.py _play_ds followed by ModuleArgsParser, which rejects extra
// params) for each [module, text].
function oracle(adhoc: [string, string][]): Outcome[] {
  const py = `
import json, sys
from ansible import constants as C
from ansible.parsing.splitter import parse_kv
from ansible.parsing.mod_args import ModuleArgsParser
from ansible.parsing.utils.yaml import from_yaml
from ansible.errors import AnsibleParserError
def run(f):
    try:
        return {"ok": f()}
    except AnsibleParserError as e:
        return {"error": e.message}
def adhoc(module, raw):
    args = None
    if raw and raw.startswith('{') and raw.endswith('}'):
        try:
            args = from_yaml(raw.strip(), json_only=True)
        except AnsibleParserError:
            pass
    if not args:
        args = parse_kv(raw, check_raw=module in C.MODULE_REQUIRE_ARGS)
    ModuleArgsParser({'action': {'module': module, 'args': args}}).parse()
    # playbook/task.py then moves cmd to _raw_params for these modules
    if module in C._ACTION_HAS_CMD and 'cmd' in args:
        if args.get('_raw_params', '') != '':
            raise AnsibleParserError("The 'cmd' argument cannot be used when other raw parameters are specified. Please put everything in one or the other place.")
        args['_raw_params'] = args.pop('cmd')
    return args
data = json.load(sys.stdin)
print(json.dumps([run(lambda: adhoc(m, s)) for m, s in data]))
`;
  const r = spawnSync(SYSTEM_PYTHON, ["-c", py], { input: JSON.stringify(adhoc), encoding: "utf8" });
  if (r.status !== 0) throw new Error(`oracle failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

function ours(f: () => Record<string, unknown>): Outcome {
  try {
    return { ok: f() };
  } catch (e) {
    if (e instanceof ArgsError) return { error: e.message };
    throw e;
  }
}

const ADHOC: [string, string][] = [
  ["ping", ""], ["ping", "data=x"], ["ping", "hello"], ["ping", '{"data": "j"}'], ["ping", "{}"], ["ping", "{bad json}"],
  ["ping", ' {"data": "j"}'], ["ping", '{"data": "j"} '], ["command", "echo hi creates=/x"], ["command", '{"cmd": "ls"}'],
  ["shell", "echo $HOME | wc -c chdir=/tmp"], ["raw", "uname -a executable=/bin/bash"], ["script", "x.sh a=b"],
  ["ansible.builtin.command", "echo a=b"], ["ansible.legacy.shell", "k=v echo"], ["copy", "src=a dest=b"],
  ["set_fact", "a b"], ["include_vars", "file.yml"], ["file", "path=/x state=touch mode=0644"],
  ["debug", 'msg="{{ x }}"'], ["shell", '{"cmd": "ls", "_raw_params": "x"}'], ["command", "a='b"], ["ping", "  data=x"], ["win_shell", "dir c=d"],
];

describe("parseModuleArgs matches ansible's ad-hoc argument handling", () => {
  const expected = oracle(ADHOC);

  test.each(ADHOC.map(([m, s], i) => [m, JSON.stringify(s), i] as const))("ad-hoc -m %s -a %s", (m, _label, i) => {
    const want = expected[i] as Outcome;
    const got = ours(() => parseModuleArgs(m, ADHOC[i]?.[1] ?? ""));
    if ("error" in want && "error" in got) {
      // The allowed-modules list comes from a frozenset, so ansible's order varies run to run.
      const cut = (t: string): string => t.replace(/following modules: .*/s, "");
      expect(cut(got.error)).toEqual(cut(want.error));
    } else {
      expect(got).toEqual(want);
    }
  });
});

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe("parseModuleArgs errors", () => {
  test.each([
    ["data='x", "failed at splitting arguments, either an unbalanced jinja2 block or quotes: data='x", "close every quote"],
    ["  data=x", "Unable to parse argument string. list index out of range", "remove leading or doubled spaces"],
    ["data=\\U00110000", "illegal Unicode character in escape \\U00110000", undefined],
  ])("parse_kv's failure on %p is ArgsError MODULE_ARGS_INVALID", (text, message, hint) => {
    const err = thrown(() => parseModuleArgs("ping", text));
    expect(err).toBeInstanceOf(ArgsError);
    expect((err as ArgsError).code).toBe("MODULE_ARGS_INVALID");
    expect((err as ArgsError).message).toBe(message);
    if (hint === undefined) expect((err as ArgsError).hint).toBeUndefined();
    else expect((err as ArgsError).hint).toStartWith(hint);
  });

  test("extra params on a k=v module name the module and carry a hint", () => {
    const err = thrown(() => parseModuleArgs("copy", "src=a oops"));
    expect(err).toBeInstanceOf(ArgsError);
    expect((err as ArgsError).message).toStartWith("this task 'copy' has extra params");
    expect((err as ArgsError).hint).toContain('"oops"');
  });
});

test("isFreeFormModule knows ansible's free-form modules in every spelling", () => {
  for (const m of ["command", "ansible.builtin.shell", "ansible.legacy.raw", "script", "ansible.windows.win_command"]) {
    expect(isFreeFormModule(m)).toBe(true);
  }
  for (const m of ["ping", "copy", "set_fact", "ansible.builtin.include_vars", "ansible.builtin.ansible.windows.win_shell"]) {
    expect(isFreeFormModule(m)).toBe(false);
  }
});
