// Secrets: read from the environment, bound into module arguments by glob (short name and FQCN), Secret
// objects revealed only to the module, and every value masked in results, events, warnings and errors.
import { describe, expect, test } from "bun:test";
import { Secret, automation } from "../../../src/automation/index.ts";
import { Masker } from "../../../src/automation/_mask.ts";
import { SecretBinder, revealArgs } from "../../../src/automation/_secrets.ts";

const TOKEN = "tok-3f9a-SECRET-value";
const PW = "pw-77-hunter2";

describe("bindings", () => {
  test("a glob matches the short name and the FQCN alike; a call's own argument wins", () => {
    const secrets = { T: new Secret(TOKEN, "T"), P: new Secret(PW, "P") };
    const b = new SecretBinder({ uri: { url_password: "P" }, "community.general.*": { token: "T" }, "ansible.builtin.get_url": { url_password: "P" } }, secrets);
    expect(b.bind("uri", {}).url_password).toBe(secrets.P);
    expect(b.bind("ansible.builtin.uri", {}).url_password).toBe(secrets.P);
    expect(b.bind("ansible.legacy.uri", {}).url_password).toBe(secrets.P);
    expect(b.bind("get_url", {}).url_password).toBe(secrets.P);
    expect(b.bind("community.general.slack", { msg: "x" })).toEqual({ msg: "x", token: secrets.T });
    expect(b.bind("copy", {})).toEqual({});
    expect(b.bind("uri", { url_password: "mine" }).url_password).toBe("mine");
  });

  test("Secrets are revealed deep inside arguments, and the masker learns their values", () => {
    const m = new Masker();
    const args = revealArgs({ a: [new Secret(TOKEN)], b: { c: new Secret(PW) }, d: 1 }, m);
    expect(args).toEqual({ a: [TOKEN], b: { c: PW }, d: 1 });
    expect(m.text(`x${TOKEN}y${PW}`)).toBe("x********y********");
    const at = new Date(0);
    expect(m.deep<Record<string, unknown>>({ t: at, s: [`${PW}!`], [TOKEN]: 1 })).toEqual({ t: at, s: ["********!"], "********": 1 });
  });
});

describe("no secret value leaves the context", () => {
  test("bound into command's stdin, from a Secret in args, and in a failure: results, events, warnings, errors are masked", async () => {
    const collected: unknown[] = [];
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, API_TOKEN: TOKEN, DB_PW: PW };
    await using ftl = await automation({
      env, secrets: ["DB_PW"], secretBindings: { "ansible.builtin.command": { stdin: "API_TOKEN" } }, handleSignals: false,
      onEvent: (e) => collected.push(e), onWarning: (w) => collected.push(w),
    });
    expect(String(ftl.secrets.DB_PW)).toBe("********");
    expect(Object.keys(ftl.secrets).sort()).toEqual(["API_TOKEN", "DB_PW"]);
    // The value reaches the module (cat echoes it back): what comes back is masked.
    const r = await ftl.local.command("cat");
    expect(r.result.stdout).toBe("********");
    expect(r.result.invocation?.module_args.stdin).toBe("********");
    collected.push(r);
    const s = await ftl.local.shell({ cmd: "printf '%s' \"$0\" >&2; exit 3", executable: ftl.secrets.DB_PW as never });
    collected.push(s);
    const echo = await ftl.local.shell({ cmd: "echo got-$X", stdin: ftl.secrets.DB_PW as never });
    collected.push(echo);
    const e = await ftl.local.ping({ data: ftl.secrets.DB_PW as never, bogus: 1 } as never).catch((x: unknown) => x);
    collected.push(e, String(e), (e as Error).stack);
    const err = await ftl.local.command(`${TOKEN} ${PW} && echo`, { failFast: true }).catch((x: unknown) => x);
    collected.push(err, String(err), (err as Error).message, (err as Error).stack, ftl.errors);
    await ftl.run(`nohost-${PW}`, "ping");
    const all = JSON.stringify(collected) + collected.map((x) => String(x)).join("");
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain(PW);
    expect(all).toContain("********");
    // Something was really collected: events of every call, the warning, the errors.
    expect(collected.filter((x) => (x as { type?: string } | undefined)?.type === "module_complete").length).toBeGreaterThanOrEqual(5);
    expect(all).toContain("Could not match supplied host pattern, ignoring: nohost-********");
  });
});
