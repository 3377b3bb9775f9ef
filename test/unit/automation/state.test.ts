// The state file: addHost/removeHost kept between runs and merged into the inventory, atomic writes (no temp
// file left behind), and a corrupt or wrong-shaped file as a STATE_FILE error that leaves the file untouched.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { automation } from "../../../src/automation/index.ts";
import { findJsonError } from "../../../src/automation/_json-position.ts";
import { FtlError } from "../../../src/errors.ts";

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "ftl2-state-"));
  file = join(dir, "state.json");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const LOCAL = { ansible_connection: "local", ansible_python_interpreter: "/usr/bin/python3" };

describe("round trip", () => {
  test("added hosts are written, join the next run's inventory with their groups and vars, and can be removed", async () => {
    {
      await using ftl = await automation({ inventory: ["base ansible_connection=local"], stateFile: file, handleSignals: false });
      await ftl.addHost({ name: "n1", groups: ["new", "web"], vars: { ...LOCAL, role: "a" } });
      await ftl.addHost({ name: "n2", groups: ["new"], vars: LOCAL });
      expect(ftl.hosts("new")).toEqual(["n1", "n2"]);
      expect((await ftl.new!.ping()).map((r) => r.host)).toEqual(["n1", "n2"]);
    }
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({
      version: 1,
      hosts: { n1: { groups: ["new", "web"], vars: { ...LOCAL, role: "a" } }, n2: { groups: ["new"], vars: LOCAL } },
    });
    expect(readdirSync(dir)).toEqual(["state.json"]);
    {
      await using ftl = await automation({ inventory: ["base ansible_connection=local"], stateFile: file, handleSignals: false });
      expect(ftl.hosts().sort()).toEqual(["base", "n1", "n2"]);
      expect(ftl.web!.hosts()).toEqual(["n1"]);
      await ftl.removeHost("n1");
      expect(ftl.hosts().sort()).toEqual(["base", "n2"]);
      expect(ftl.web!.hosts()).toEqual([]);
      const e = (await ftl.n1!.ping().catch((x: unknown) => x)) as FtlError;
      expect(e.code).toBe("PATTERN_INVALID");
    }
    expect(Object.keys(JSON.parse(readFileSync(file, "utf8")).hosts)).toEqual(["n2"]);
    expect(readdirSync(dir)).toEqual(["state.json"]);
  });

  test("other top-level keys are kept; concurrent addHost calls all land", async () => {
    writeFileSync(file, JSON.stringify({ version: 1, hosts: {}, resources: { vm: 1 } }));
    await using ftl = await automation({ stateFile: file, handleSignals: false });
    await Promise.all(["a", "b", "c", "d"].map((name) => ftl.addHost({ name })));
    const data = JSON.parse(readFileSync(file, "utf8"));
    expect(data.resources).toEqual({ vm: 1 });
    expect(Object.keys(data.hosts).sort()).toEqual(["a", "b", "c", "d"]);
    expect(readdirSync(dir)).toEqual(["state.json"]);
  });
});

describe("a bad state file is an error and is never overwritten", () => {
  const cases: [string, string][] = [
    ['{\n  "version": 1,\n  "hosts": {\n    "a": {"groups": ["x"],}\n  }\n}\n', "is not valid JSON: expected a property name in double quotes, found \"}\" at line 4 column 27 (char 57)"],
    ["", "is not valid JSON: expected a value, found the end of the file at line 1 column 1 (char 0)"],
    ['{"version": 2, "hosts": {}}', "has version 2; this ftl2 reads version 1"],
    ['[1]', 'must hold a JSON object ({"version": 1, "hosts": {...}})'],
    ['{"version": 1}', 'must have a "hosts" object'],
    ['{"version": 1, "hosts": {"a": {"groups": "web"}}}', "hosts.a.groups must be an array of group names"],
    ['{"version": 1, "hosts": {"a": {"vars": []}}}', "hosts.a.vars must be an object"],
  ];
  for (const [text, what] of cases) {
    test(what, async () => {
      writeFileSync(file, text);
      const e = (await automation({ stateFile: file }).catch((x: unknown) => x)) as FtlError;
      expect(e).toBeInstanceOf(FtlError);
      expect(e.code).toBe("STATE_FILE");
      expect(e.message).toBe(`state file ${file} ${what}`);
      expect(e.file).toBe(file);
      expect(readFileSync(file, "utf8")).toBe(text);
    });
  }

  test("an unreadable file names the reason", async () => {
    rmSync(file, { force: true });
    const sub = join(dir, "isdir");
    await Bun.write(join(sub, "x"), "");
    const e = (await automation({ stateFile: sub }).catch((x: unknown) => x)) as FtlError;
    expect(e.code).toBe("STATE_FILE");
    expect(e.message).toStartWith(`state file ${sub} cannot be read: `);
  });

  test("a failed write is a STATE_FILE error and leaves no temp file", async () => {
    await using ftl = await automation({ stateFile: file, handleSignals: false });
    // A folder where the file should be: the temp file is written, the rename over it fails.
    await Bun.write(join(file, "keep"), "");
    const e = (await ftl.addHost({ name: "x" }).catch((x: unknown) => x)) as FtlError;
    expect(e).toBeInstanceOf(FtlError);
    expect(e.code).toBe("STATE_FILE");
    expect(e.message).toStartWith(`state file ${file} could not be written: `);
    expect(readdirSync(dir)).toEqual(["state.json"]);
    expect(readdirSync(file)).toEqual(["keep"]);
  });
});

test("findJsonError agrees with JSON.parse on what is valid", () => {
  for (const t of ['{"a":[1,2.5e3,-0,true,null,"x\\u00e9\\n"]}', " [] ", '"s"', "0"]) expect(findJsonError(t)).toBeUndefined();
  for (const t of ["{", '{"a":01}', "[1,]", '{"a" 1}', '"\\x"', "tru", "1 2", '"a\nb"']) {
    expect(() => JSON.parse(t)).toThrow();
    expect(findJsonError(t)).toBeDefined();
  }
});
