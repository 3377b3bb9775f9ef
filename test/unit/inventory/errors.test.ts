// Error paths: Ansible's warnings (checked against ansible-core) in the default mode, and precise
// InventoryError/PatternError/ArgsError values (code, file, line, message) in strict mode and for -e and -l.
import { beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { ArgsError, FtlError, InventoryError, PatternError } from "../../../src/errors.ts";
import { loadInventory, parseExtraVars, parseInventoryText, selectHosts } from "../../../src/inventory/index.ts";
import { FIXTURES, oraclePatterns } from "./_oracle.ts";

const DIR = join(FIXTURES, "errors");
const INI_FILES = [
  "bad-section.ini", "bad-hostvar.ini", "undefined-child.ini", "vars-undefined.ini", "unclosed-quote.ini",
  "unknown-type.ini", "trailing-colon.ini", "bad-child-name.ini",
];

async function strictError(source: string, extra: Partial<Parameters<typeof loadInventory>[0]> = {}): Promise<FtlError> {
  try {
    await loadInventory({ sources: [source], cwd: DIR, strict: true, ...extra });
  } catch (e) {
    if (e instanceof FtlError) return e;
    throw e;
  }
  throw new Error(`no error for ${source}`);
}

describe("default mode: warnings like Ansible's", () => {
  let oracleWarnings: string[] = [];
  beforeAll(async () => {
    oracleWarnings = (await oraclePatterns(INI_FILES, [], DIR)).load_warnings;
  }, 30_000);

  test("unparseable INI files give Ansible's warnings word for word", async () => {
    const inv = await loadInventory({ sources: INI_FILES, cwd: DIR });
    expect(inv.warnings).toEqual(oracleWarnings);
  });

  test("a missing source is a warning, and loading goes on", async () => {
    const inv = await loadInventory({ sources: ["nope.ini", "bad-section.ini"], cwd: DIR });
    expect(inv.warnings[0]).toBe(`Unable to parse ${join(DIR, "nope.ini")} as an inventory source`);
    // Like Ansible, the hosts read before the error stay (partial inventory), though unreconciled.
    expect(inv.hosts.has("ok1")).toBe(true);
  });
});

describe("strict mode: one precise error", () => {
  test("missing path -> INVENTORY_NOT_FOUND", async () => {
    const e = await strictError("nope.ini");
    expect(e).toBeInstanceOf(InventoryError);
    expect(e.code).toBe("INVENTORY_NOT_FOUND");
    expect(e.file).toBe(join(DIR, "nope.ini"));
  });

  const iniCases: [string, number, string][] = [
    ["bad-section.ini", 4, "Invalid section entry: '[bad section]'"],
    ["bad-hostvar.ini", 2, "Expected key=value host variable assignment, got: junk"],
    ["undefined-child.ini", 5, "Section [prod:children] includes undefined group: missing"],
    ["vars-undefined.ini", 3, "Section [db:vars] not valid for undefined group: db"],
    ["unclosed-quote.ini", 2, "Error parsing host definition 'w1 msg=\"unclosed': No closing quotation"],
    ["unknown-type.ini", 1, "Section [web:weird] has unknown type: weird"],
    ["trailing-colon.ini", 2, "Invalid host pattern 'host:' supplied, ending in ':' is not allowed"],
    ["bad-child-name.ini", 2, "Expected group name, got: bad name here"],
  ];
  test.each(iniCases)("%s -> INVENTORY_PARSE at line %d", async (file, line, text) => {
    const e = await strictError(file);
    expect(e.code).toBe("INVENTORY_PARSE");
    expect(e.file).toBe(join(DIR, file));
    expect(e.line).toBe(line);
    expect(e.message).toContain(text);
    expect(e.describe()).toStartWith(`${join(DIR, file)}:${line}: `);
  });

  test("YAML syntax error names the line", async () => {
    const e = await strictError("bad-syntax.yml");
    expect(e.code).toBe("INVENTORY_PARSE");
    expect(e.file).toBe(join(DIR, "bad-syntax.yml"));
    expect(e.line).toBeGreaterThanOrEqual(4);
    expect(e.line).toBeLessThanOrEqual(5);
  });

  test("YAML hosts given as a list: Ansible's message, with the line", async () => {
    const e = await strictError("hosts-list.yml");
    expect(e.message).toBe(
      `Invalid "hosts" entry for "web" group, requires a dictionary, found "<class 'ansible.parsing.yaml.objects.AnsibleSequence'>" instead.`,
    );
    expect(e.line).toBe(4);
  });

  test("YAML integer host name", async () => {
    const e = await strictError("int-host.yml");
    expect(e.message).toBe("Host pattern 123 must be a string. Enclose integers/floats in quotation marks.");
    expect(e.line).toBe(3);
  });

  test("failing script -> INVENTORY_SCRIPT with rc and stderr", async () => {
    const e = await strictError("failing-script.sh");
    expect(e.code).toBe("INVENTORY_SCRIPT");
    expect(e.file).toBe(join(DIR, "failing-script.sh"));
    expect(e.message).toContain("had an execution error: cannot reach the CMDB");
    expect(e.hint).toContain("rc=3");
  });

  test("script printing no JSON -> INVENTORY_SCRIPT", async () => {
    const e = await strictError("bad-json-script.sh");
    expect(e.code).toBe("INVENTORY_SCRIPT");
    expect(e.message).toStartWith(`failed to parse executable inventory script results from ${join(DIR, "bad-json-script.sh")}`);
  });

  test("slow script is killed at the timeout", async () => {
    const t0 = Date.now();
    const e = await strictError("slow-script.sh", { scriptTimeoutMs: 200 });
    expect(e.code).toBe("INVENTORY_SCRIPT");
    expect(e.message).toContain("timed out");
    expect(Date.now() - t0).toBeLessThan(3000);
  });

  test("broken group_vars file fails the load, even in default mode", async () => {
    await expect(loadInventory({ sources: ["bad-group-vars/hosts"], cwd: DIR })).rejects.toMatchObject({
      code: "INVENTORY_PARSE",
      file: join(DIR, "bad-group-vars/group_vars/web.yml"),
    });
    await expect(loadInventory({ sources: ["list-group-vars/hosts"], cwd: DIR })).rejects.toMatchObject({
      code: "INVENTORY_PARSE",
      message: "failed to combine variables, expected dicts but got a 'dict' and a 'list'",
    });
  });

  test("parseInventoryText throws with the source name and line", () => {
    expect(() => parseInventoryText("[web]\nw1 x\n", "ini", "inline")).toThrow(
      expect.objectContaining({ code: "INVENTORY_PARSE", file: "inline", line: 2 }),
    );
    expect(() => parseInventoryText("- a\n- b\n", "yaml", "inline.yml")).toThrow(
      "YAML inventory has invalid structure, it should be a dictionary, got: <class 'ansible.parsing.yaml.objects.AnsibleSequence'>",
    );
    expect(() => parseInventoryText("", "yaml", "e.yml")).toThrow("Parsed empty YAML file");
  });
});

describe("patterns and limits", () => {
  const inv = parseInventoryText("[web]\nw1\nw2\n", "ini", "hosts");
  test("index past the end -> PATTERN_INVALID with Ansible's message", () => {
    expect(() => selectHosts(inv, "web[5]")).toThrow(
      expect.objectContaining({ code: "PATTERN_INVALID", message: "No hosts matched the subscripted pattern 'web[5]'" }),
    );
  });
  test("bad regex -> PATTERN_INVALID", () => {
    const e = (() => {
      try {
        selectHosts(inv, "~(unclosed");
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(PatternError);
    expect((e as PatternError).message).toBe("Invalid host list pattern: ~(unclosed");
  });
  test("missing limit file -> LIMIT_INVALID; a folder is refused", () => {
    expect(() => selectHosts(inv, "all", { limit: ["@nope.txt"], cwd: DIR })).toThrow(
      expect.objectContaining({ code: "LIMIT_INVALID", message: "Unable to find limit file nope.txt" }),
    );
    expect(() => selectHosts(inv, "all", { limit: ["@bad-group-vars"], cwd: DIR })).toThrow(
      'Limit starting with "@" must be a file, not a directory: bad-group-vars',
    );
    expect(selectHosts(inv, "all", { limit: ["@limit-dir-target.txt"], cwd: DIR }).hosts).toEqual(["w1"]);
  });
});

describe("extra vars errors -> EXTRA_VARS_INVALID", () => {
  const cases: [string, string][] = [
    ["./vars.yml", "Please prepend extra_vars filename './vars.yml' with '@'"],
    ["/etc/vars.yml", "Please prepend extra_vars filename '/etc/vars.yml' with '@'"],
    ["[1, 2]", "Invalid extra vars data supplied. '[1, 2]' could not be made into a dictionary"],
    ["{bad: [", "Syntax error in extra vars"],
    ["a='unclosed", "failed at splitting arguments, either an unbalanced jinja2 block or quotes: a='unclosed"],
    ["  a=1", "Unable to parse argument string. list index out of range"],
    ["a=\\U00110000", "illegal Unicode character in escape \\U00110000"],
    ["@missing.yml", "Could not find or access 'missing.yml'"],
  ];
  test.each(cases)("%s", async (value, message) => {
    const err = await parseExtraVars([value], DIR).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArgsError);
    expect((err as ArgsError).code).toBe("EXTRA_VARS_INVALID");
    expect((err as ArgsError).message).toContain(message);
  });

  test.each([
    ["a='unclosed", "close the quote"],
    ["  a=1", "remove the spaces"],
    ["a=\\U00110000", "a \\U escape"],
  ])("k=v failure %s has its own hint", async (value, hint) => {
    const err = await parseExtraVars([value], DIR).catch((e: unknown) => e);
    expect((err as ArgsError).hint).toStartWith(hint);
  });
});
