// automation() and call options are checked by name and type: one OPTION_INVALID error naming the option.
import { describe, expect, test } from "bun:test";
import { automation } from "../../../src/automation/index.ts";
import { FtlError } from "../../../src/errors.ts";

async function failure(p: Promise<unknown>): Promise<FtlError> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(FtlError);
  return e as FtlError;
}

describe("automation() options", () => {
  test("an unknown option is named, with the known ones as the hint", async () => {
    const e = await failure(automation({ forkz: 3 } as never));
    expect(e.code).toBe("OPTION_INVALID");
    expect(e.message).toBe('automation(): unknown option "forkz"');
    expect(e.hint).toContain("forks");
  });

  test("a wrong type is named with what it must be", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ forks: 0 }, "automation(): option forks must be a whole number >= 1, got number 0"],
      [{ forks: "5" }, 'automation(): option forks must be a whole number >= 1, got "5"'],
      [{ check: "yes" }, 'automation(): option check must be a boolean, got "yes"'],
      [{ secrets: "TOKEN" }, 'automation(): option secrets must be an array of non-empty strings, got "TOKEN"'],
      [{ inventory: 5 }, "automation(): option inventory must be a path, an INI text, a host list (string[]) or an inventory object, got number 5"],
      [{ secretBindings: { uri: { url_password: 1 } } }, 'automation(): option secretBindings must be an object of module glob -> { argument: secret name }; bad entry "uri", got an object'],
      [{ become: { method: "sudo", pasword: "x" } }, "automation(): option become must be true/false or { method?, user?, password? } (password: a Secret or { secret: NAME }); bad key pasword, got an object"],
      [{ onEvent: true }, "automation(): option onEvent must be a function, got boolean true"],
      [{ password: "hunter2" }, 'automation(): option password must be a Secret or { secret: NAME }, got "hunter2"'],
      [{ privateKey: "-----BEGIN" }, 'automation(): option privateKey must be a Secret, got "-----BEGIN"'],
      [{ limit: "" }, 'automation(): option limit must be a non-empty string, got ""'],
      [{ signal: {} }, "automation(): option signal must be an AbortSignal, got an object"],
    ];
    for (const [opts, msg] of cases) expect((await failure(automation(opts as never))).message).toBe(msg);
    expect((await failure(automation("x" as never))).message).toBe('automation(): options must be an object, got "x"');
  });

  test("a secret missing from the environment is named, its where too; no value is ever printed", async () => {
    const e = await failure(automation({ secrets: ["FTL2_TEST_NOPE"], env: {} }));
    expect(e.message).toBe("automation(): secrets names FTL2_TEST_NOPE, which is not set in the environment");
    const b = await failure(automation({ secretBindings: { uri: { url_password: "FTL2_TEST_PW" } }, env: {} }));
    expect(b.message).toBe("automation(): secretBindings names FTL2_TEST_PW, which is not set in the environment");
  });

  test("an inventory path that does not exist is INVENTORY_NOT_FOUND", async () => {
    const e = await failure(automation({ inventory: "/nonexistent/hosts.ini" }));
    expect(e.code).toBe("INVENTORY_NOT_FOUND");
  });
});

describe("call options", () => {
  test("unknown or mistyped call options and bad arguments fail the call, naming them", async () => {
    await using ftl = await automation({ handleSignals: false });
    expect((await failure(ftl.local.ping({}, { chek: true } as never))).message).toBe('ping(): unknown option "chek"');
    expect((await failure(ftl.local.ping({}, { timeoutSec: -1 }))).message).toBe("ping(): option timeoutSec must be a number >= 0 (0 = no timeout), got number -1");
    const args = await failure(ftl.local.ping([1] as never));
    expect(args.code).toBe("MODULE_ARGS_INVALID");
    expect(args.message).toBe("ping: arguments must be an object or a free-form string, got an array");
    const host = await failure(ftl.addHost({ name: "a b" }));
    expect(host.message).toBe("addHost(host): host.name must be a non-empty string without spaces or commas");
  });

  test("timeoutSec stops a module and reports the host failed, in ansible's words", async () => {
    await using ftl = await automation({ handleSignals: false });
    const r = await ftl.local.command("sleep 5", { timeoutSec: 1 });
    expect(r.failed).toBe(true);
    expect(r.error).toBe("The command action failed to execute in the expected time frame (1) and was terminated");
  });
});
