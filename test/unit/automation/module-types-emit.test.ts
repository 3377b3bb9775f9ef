// The doc -> TypeScript conversion on saved ansible-doc output (test/fixtures/module-docs/, real docs of a few
// builtin modules), and the doc-text helpers it uses. No Ansible process here: the byte-for-byte check of the
// whole file against the installed Ansible is in module-types.test.ts.
import { describe, expect, test } from "bun:test";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { escapeComment, firstSentence, renderJsDoc, stripMarkup, summarize } from "../../../scripts/_module-doc-text.ts";
import { type ModuleDocEntry, emitModuleTypes, pascalName } from "../../../scripts/_module-types-emit.ts";

const ROOT = join(import.meta.dir, "..", "..", "..");
const FIXTURES = join(ROOT, "test", "fixtures", "module-docs");
const GENERATED = readFileSync(join(ROOT, "src", "automation", "_modules.gen.ts"), "utf8");
const VERSION = /ansible-core ([^)]+)\)/.exec(GENERATED)?.[1] ?? "";

function loadDocs(): Record<string, ModuleDocEntry> {
  const docs: Record<string, ModuleDocEntry> = {};
  for (const f of readdirSync(FIXTURES).filter((n) => n.endsWith(".json")).sort()) {
    Object.assign(docs, JSON.parse(readFileSync(join(FIXTURES, f), "utf8")));
  }
  return docs;
}
const DOCS = loadDocs();
const TEXT = emitModuleTypes(DOCS, VERSION);

/** The declarations between `export ... NAME` and the next blank line. */
function block(text: string, name: string): string {
  const start = text.search(new RegExp(`^(/\\*\\*.*\\n)?export (interface|type) ${name}\\b`, "m"));
  expect(start).toBeGreaterThanOrEqual(0);
  return text.slice(start, text.indexOf("\n\n", start));
}

describe("emitModuleTypes", () => {
  test("same text whatever order the docs come in; each module's block is the committed file's", () => {
    const reversed = Object.fromEntries(Object.entries(DOCS).reverse());
    expect(emitModuleTypes(reversed, VERSION)).toBe(TEXT);
    const blocks = TEXT.split("\n\n").slice(1, -1);
    expect(blocks.length).toBe(Object.keys(DOCS).length);
    for (const b of blocks) expect(GENERATED).toContain(b);
  });

  test("a required option with aliases is a union of its names; other options are optional keys", () => {
    const file = block(TEXT, "FileArgs");
    expect(file).toContain("export type FileArgs = FileOptions & (\n  | {\n      /** Path to the file being managed. */\n      path: string;");
    expect(file).toContain("/** Alias of `path`: Path to the file being managed. */\n      dest: string;");
    const options = block(TEXT, "FileOptions").split("\n}\n")[0]!;
    expect(options).toContain("  attr?: string;");
    expect(options).toContain('  state?: "absent" | "directory" | "file" | "hard" | "link" | "touch";');
    expect(options).toContain("  mode?: unknown;");
    expect(options).toContain("  recurse?: boolean;");
    expect(options).not.toMatch(/^  (path|dest|name)\??:/m);
  });

  test("lists, choices in lists, ints and nested suboptions", () => {
    expect(block(TEXT, "FindOptions")).toContain("  age_stamp?: \"atime\" | \"ctime\" | \"mtime\";");
    expect(block(TEXT, "FindArgs")).toContain("      paths: string | string[];");
    expect(block(TEXT, "FindOptions")).toContain("  depth?: number;");
    expect(block(TEXT, "PackageFactsArgs")).toContain(
      '    | "auto" | "rpm" | "apt" | "portage" | "pkg" | "pacman" | "apk" | "pkg_info"\n' +
        '    | ("auto" | "rpm" | "apt" | "portage" | "pkg" | "pacman" | "apk" | "pkg_info")[];',
    );
    expect(block(TEXT, "IptablesArgs")).toContain(
      "  tcp_flags?: {\n    /** List of flags you want to examine. */\n    flags?: string | string[];",
    );
  });

  test("free-form modules: `_raw_params` and the string form in the map; set_fact takes any variable name", () => {
    expect(block(TEXT, "CommandArgs")).toContain("  _raw_params?: string;");
    expect(block(TEXT, "CommandArgs")).not.toContain("free_form");
    expect(block(TEXT, "RawArgs")).toContain("  _raw_params: string;");
    expect(TEXT).toContain('  "command": { args: CommandArgs; result: CommandResult; freeForm: string };');
    expect(TEXT).toContain('  "file": { args: FileArgs; result: FileResult; freeForm: never };');
    expect(TEXT).toContain('    freeForm:\n      | "clear_facts" | "clear_host_errors"');
    expect(TEXT).toContain('  "ansible.builtin.command": BuiltinModules["command"];');
    expect(block(TEXT, "SetFactArgs")).toContain("  [variable: string]: unknown;\n");
    expect(block(TEXT, "SetFactArgs")).toContain("  cacheable?: boolean;");
  });

  test("results: nested `contains`, `returned` in the doc, common fields left to CommonResult", () => {
    const stat = block(TEXT, "StatResult");
    expect(stat).toContain("export interface StatResult extends CommonResult {");
    expect(stat).toMatch(/\n    exists\?: boolean;/);
    expect(stat).toContain("/** Time of last access. Returned: success, path exists and user can read stats. */");
    const command = block(TEXT, "CommandResult");
    expect(command).toContain("  stdout?: string;");
    expect(command).not.toMatch(/^  (msg|rc)\?/m);
    expect(block(TEXT, "SetFactArgs")).toEndWith("}\nexport type SetFactResult = CommonResult;");
  });

  test("deprecated modules are marked, named without their underscore", () => {
    expect(DOCS["ansible.builtin._include"]).toBeDefined();
    expect(TEXT).toMatch(/\* @deprecated it has too many conflicting behaviours[^]*?Removed in 2\.16\.\n   \*\/\n  "include": \{/);
    expect(TEXT).toMatch(/@deprecated[^]*?\*\/\n  "ansible\.builtin\.include": BuiltinModules\["include"\];/);
    expect(TEXT).toMatch(/\n\/\*\*\n \* Include a task list\n \* @deprecated [^]*?\*\/\nexport interface IncludeArgs \{/);
  });

  test("a deprecated option (none in ansible-core 2.14's builtins) is marked on it and its aliases", () => {
    const stat = structuredClone(DOCS["ansible.builtin.stat"]!);
    stat.doc.options!["get_mime"]!.deprecated = { why: "Slow", alternative: "file(1)", removed_in: "2.99" };
    const text = emitModuleTypes({ "ansible.builtin.stat": stat }, VERSION);
    const tag = "   * @deprecated Slow. Use file(1) instead. Removed in 2.99.\n   */\n";
    expect(text).toContain(`${tag}  get_mime?: boolean;`);
    expect(text).toContain(`${tag}  mime?: boolean;`);
  });

  test("doc text cannot close the comment: cron's `*/2`", () => {
    expect(TEXT).toContain("`*\\/2`");
    const closers = TEXT.match(/\*\//g)?.length ?? 0;
    const commentEnds = TEXT.match(/ \*\/$/gm)?.length ?? 0;
    expect(closers).toBe(commentEnds);
  });

  test("two modules giving one type name, or one name once the underscore is dropped, are refused", () => {
    const ping = DOCS["ansible.builtin.command"]!;
    expect(() => emitModuleTypes({ "ansible.builtin.foo_bar": ping, "ansible.builtin.foo-bar": ping }, "x"))
      .toThrow("modules foo-bar and foo_bar both give type names FooBarArgs/FooBarResult");
    expect(() => emitModuleTypes({ "ansible.builtin._foo": ping, "ansible.builtin.foo": ping }, "x"))
      .toThrow("two modules have the same name once a leading underscore is dropped");
  });

  test("the generated file has no runtime code", () => {
    const js = new Bun.Transpiler({ loader: "ts" }).transformSync(GENERATED);
    expect(js.trim()).toBe("");
  });

  test("pascalName", () => {
    expect(["apt_key", "include", "wait_for", "dnf", "a-b.c"].map(pascalName)).toEqual(["AptKey", "Include", "WaitFor", "Dnf", "ABC"]);
  });
});

describe("doc text", () => {
  test("markup becomes plain text and code spans", () => {
    expect(stripMarkup("Use C(x=1) with M(ansible.builtin.copy), I(path), B(note), U(https://a.b), L(docs, https://d)."))
      .toBe("Use `x=1` with `ansible.builtin.copy`, path, note, https://a.b, docs.");
    expect(stripMarkup("a\n  b HORIZONTALLINE c")).toBe("a b c");
  });

  test("first sentence: not at abbreviations, inside code spans or mid-word", () => {
    expect(firstSentence("Use e.g. this one. Then more.")).toBe("Use e.g. this one.");
    expect(firstSentence("Set `a. b` here. Next.")).toBe("Set `a. b` here.");
    expect(firstSentence("Version 2.4.1 works! Yes.")).toBe("Version 2.4.1 works!");
    expect(firstSentence("No end")).toBe("No end");
    expect(summarize(["First C(one). Second.", "Other paragraph."])).toBe("First `one`.");
    expect(summarize("Single string. Two.")).toBe("Single string.");
    expect(summarize(undefined)).toBe("");
  });

  test("comments are escaped and wrapped", () => {
    expect(escapeComment("a */ b @tag c@d")).toBe("a *\\/ b \\@tag c@d");
    expect(renderJsDoc(["Short."], "  ")).toEqual(["  /** Short. */"]);
    expect(renderJsDoc(["", ""], "")).toEqual([]);
    expect(renderJsDoc(["Text.", "@deprecated Gone."], "")).toEqual(["/**", " * Text.", " * @deprecated Gone.", " */"]);
    const long = renderJsDoc([`${"word ".repeat(40).trim()}.`], "  ");
    expect(long.length).toBe(4);
    for (const l of long) expect(l.length).toBeLessThanOrEqual(118);
  });
});
