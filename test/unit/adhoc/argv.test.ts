import { describe, expect, test } from "bun:test";
import { parseAdhocArgv, resolveAdhocOptions } from "../../../src/adhoc/index.ts";
import { OptionError } from "../../../src/errors.ts";

describe("parseAdhocArgv follows argparse", () => {
  test("bundled short flags, counts, attached values and repeatable options", () => {
    const a = parseAdhocArgv(["all", "-vvv", "-Cb", "-f5", "-mping", "-i", "a", "-i", "b", "-e", "x=1", "-e@f.yml"]);
    expect(a.args).toEqual(["all"]);
    expect(a.verbosity).toBe(3);
    expect(a.check).toBe(true);
    expect(a.become).toBe(true);
    expect(a.forks).toBe(5);
    expect(a.module_name).toBe("ping");
    expect(a.inventory).toEqual(["a", "b"]);
    expect(a.extra_vars).toEqual(["x=1", "@f.yml"]);
  });
  test("long options with = and unique prefixes", () => {
    const a = parseAdhocArgv(["--forks=7", "--list", "--module-name", "shell", "web"]);
    expect(a.forks).toBe(7);
    expect(a.listhosts).toBe(true);
    expect(a.module_name).toBe("shell");
  });
  test("a value may start with a dash only when attached or a negative number", () => {
    expect(parseAdhocArgv(["-a", "-1", "x"]).module_args).toBe("-1");
    expect(parseAdhocArgv(["--args=--flag", "x"]).module_args).toBe("--flag");
    expect(() => parseAdhocArgv(["-a", "--check"])).toThrow("argument -a/--args: expected one argument");
  });
  test("-- ends options", () => {
    expect(parseAdhocArgv(["--", "-weird"]).args).toEqual(["-weird"]);
  });
  const errors: [string[], string][] = [
    [["--bogus"], "unrecognized arguments: --bogus"],
    [["-f", "x"], "argument -f/--forks: invalid int value: 'x'"],
    [["-m"], "argument -m/--module-name: expected one argument"],
    [["--become-"], "ambiguous option: --become- could match --become-method, --become-user, --become-password-file, --become-pass-file"],
    [["-K", "--become-password-file", "f"], "argument --become-password-file/--become-pass-file: not allowed with argument -K/--ask-become-pass"],
    [["--check=yes"], "argument -C/--check: ignored explicit argument 'yes'"],
  ];
  for (const [argv, msg] of errors) {
    test(`error: ${argv.join(" ")}`, () => {
      let err: unknown;
      try {
        parseAdhocArgv(argv);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(OptionError);
      expect((err as Error).message).toBe(msg);
    });
  }
});

describe("resolveAdhocOptions", () => {
  test("ANSIBLE_* environment supplies defaults; flags win", () => {
    const env = { ANSIBLE_FORKS: "9", ANSIBLE_REMOTE_USER: "bob", ANSIBLE_INVENTORY: "a,b", ANSIBLE_HOST_KEY_CHECKING: "False", ANSIBLE_TIMEOUT: "3" };
    const o = resolveAdhocOptions(parseAdhocArgv(["all"]), env);
    expect(o.forks).toBe(9);
    expect(o.remoteUser).toBe("bob");
    expect(o.inventory).toEqual(["a", "b"]);
    expect(o.inventoryExplicit).toBe(true);
    expect(o.hostKeyChecking).toBe(false);
    expect(o.connectTimeout).toBe(3);
    expect(o.moduleName).toBe("command");
    expect(resolveAdhocOptions(parseAdhocArgv(["all", "-f", "2", "-u", "al"]), env).forks).toBe(2);
  });
  test("the default inventory is /etc/ansible/hosts and not explicit", () => {
    const o = resolveAdhocOptions(parseAdhocArgv(["all"]), {});
    expect(o.inventory).toEqual(["/etc/ansible/hosts"]);
    expect(o.inventoryExplicit).toBe(false);
  });
  const bad: [string[], Record<string, string>, string][] = [
    [[], {}, "the following arguments are required: pattern"],
    [["a", "b"], {}, "unrecognized arguments: b"],
    [["a", "-f", "0"], {}, "The number of processes (--forks) must be >= 1"],
    [["a"], { ANSIBLE_FORKS: "many" }, "ANSIBLE_FORKS=many is not a whole number"],
    [["a"], { ANSIBLE_HOST_KEY_CHECKING: "maybe" }, "ANSIBLE_HOST_KEY_CHECKING=maybe is not a boolean (use true or false)"],
  ];
  for (const [argv, env, msg] of bad) {
    test(`error: ${msg}`, () => {
      expect(() => resolveAdhocOptions(parseAdhocArgv(argv), env)).toThrow(msg);
    });
  }
});
