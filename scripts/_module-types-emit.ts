// ansible-doc's JSON for modules -> TypeScript declarations (argument and result types per module, plus the
// BuiltinModules map). Pure: the same docs give the same text, byte for byte. The choices made here, mostly where
// Ansible accepts more than a TypeScript caller needs to write:
// - bool is `boolean` only: Ansible's "yes"/"no"/"on"/1 spellings exist for YAML and k=v text, and a string in a
//   script is far more often a mistake (`"false"` is true to nobody but the reader).
// - int and float are `number`; str and path are `string`; raw, and types this file does not know, `unknown`.
// - list is `T[]`, and for lists of strings also a lone `T` (AnsibleModule makes a list of it; the comma-split
//   of a longer string is left out so a choices list stays checked).
// - An option without a type is `str`, as AnsibleModule treats it; NO_TYPE names the few action-plugin options
//   whose doc leaves the type out although they are not strings.
// - A required option with aliases is a union (one of the names must be given); other aliases are optional keys.
// - The doc's `free_form` option is `_raw_params` (the name the module sees) and also the module's free-form
//   string form (`freeForm` in the map); set_fact's `key_value` is an index signature (any variable name).
// - version_added is left out: these types describe the installed Ansible, where every documented option exists.
// - Result fields every module may return (changed, failed, msg, rc, ...) are typed once in CommonResult; a
//   module's own RETURN doc for one of those names is ignored (command documents `msg` as a bool, yet its
//   failures carry a string), except ansible_facts when documented as a dict.
import { type DocText, WIDTH, renderJsDoc, summarize } from "./_module-doc-text.ts";
import { type Member, arrayOf, renderMembers, renderObject, renderTyped, union } from "./_ts-render.ts";

export interface DeprecationDoc {
  why?: string;
  alternative?: string;
  removed_in?: string;
  removed_at_date?: string;
}
export interface OptionDoc {
  description?: DocText;
  type?: string;
  elements?: string;
  required?: boolean;
  default?: unknown;
  choices?: readonly unknown[];
  aliases?: readonly string[];
  suboptions?: Record<string, OptionDoc> | null;
  deprecated?: DeprecationDoc;
}
export interface ReturnDoc {
  description?: DocText;
  type?: string;
  elements?: string;
  returned?: string;
  contains?: Record<string, ReturnDoc> | null;
}
export interface ModuleDoc {
  module: string;
  short_description?: string;
  options?: Record<string, OptionDoc> | null;
  deprecated?: DeprecationDoc;
}
/** One module's entry in `ansible-doc --json -t module` output (keyed there by FQCN). */
export interface ModuleDocEntry {
  doc: ModuleDoc;
  return?: Record<string, ReturnDoc> | null;
}

// Action-plugin options whose doc omits a type that is not str (module.option -> TypeScript type).
const NO_TYPE: Record<string, string> = {
  "include_role.apply": "Record<string, unknown>",
  "pause.minutes": "number",
  "pause.seconds": "number",
  "validate_argument_spec.argument_spec": "Record<string, unknown>",
  "validate_argument_spec.provided_arguments": "Record<string, unknown>",
};
const FREE_FORM = new Set(["free_form", "free-form"]);
const COMMON_RESULT = new Set([
  "changed", "failed", "msg", "rc", "skipped", "skip_reason", "invocation", "warnings", "deprecations", "exception",
  "diff", "ansible_facts",
]);
const SCALARS: Record<string, string> = {
  str: "string", path: "string", int: "number", float: "number", bool: "boolean", raw: "unknown",
};

/** `apt_key` -> `AptKey`, `_include` -> `Include`. */
export function pascalName(module: string): string {
  return module.split(/[_\-.]/).filter((w) => w !== "").map((w) => w[0]!.toUpperCase() + w.slice(1)).join("");
}

function deprecationText(d: DeprecationDoc): string {
  const parts = [d.why?.trim() ?? "Deprecated."];
  if (d.alternative) parts.push(`Use ${d.alternative} instead.`);
  if (d.removed_in) parts.push(`Removed in ${d.removed_in}.`);
  else if (d.removed_at_date) parts.push(`Removed after ${d.removed_at_date}.`);
  return `@deprecated ${parts.map((p) => (/[.!?]$/.test(p) ? p : `${p}.`)).join(" ")}`;
}

/** The element or scalar type of an option: choices as literals, dicts with suboptions as objects. */
function optionScalar(o: OptionDoc, type: string | undefined, where: string, indent: string): string {
  if (o.choices && o.choices.length > 0 && type !== "dict") return union(o.choices.map((c) => JSON.stringify(c)));
  if (type === "dict") {
    return o.suboptions ? renderObject(optionMembers(o.suboptions, where, indent), indent) : "Record<string, unknown>";
  }
  if (type === undefined) return NO_TYPE[where] ?? "string";
  return SCALARS[type] ?? "unknown";
}

function optionType(o: OptionDoc, where: string, indent: string): string {
  if (o.type !== "list") return optionScalar(o, o.type, where, indent);
  const element = o.elements === undefined ? "unknown" : optionScalar(o, o.elements, where, indent);
  const stringish = o.elements === undefined || o.elements === "str" || o.elements === "path";
  return stringish ? union([element === "unknown" ? "string" : element, arrayOf(element)]) : arrayOf(element);
}

/** Required and without a default (a null default is none). */
function isRequired(o: OptionDoc): boolean {
  return o.required === true && (o.default === undefined || o.default === null);
}

/** The JSDoc of a module: its short description, and whether it is deprecated. */
function moduleDoc(doc: ModuleDoc): string[] {
  return [doc.short_description ?? "", ...(doc.deprecated ? [deprecationText(doc.deprecated)] : [])];
}

function optionMembers(options: Record<string, OptionDoc>, where: string, indent: string): Member[] {
  const out: Member[] = [];
  for (const name of Object.keys(options).sort()) {
    const o = options[name]!;
    const key = FREE_FORM.has(name) ? "_raw_params" : name;
    const type = optionType(o, `${where}.${name}`, `${indent}  `);
    const deprecated = o.deprecated ? [deprecationText(o.deprecated)] : [];
    const summary = summarize(o.description);
    if (name === "key_value") {
      out.push({ key: "variable", index: true, optional: false, type: "unknown", doc: [summary] });
      continue;
    }
    const required = isRequired(o);
    out.push({ key, optional: !required, type, doc: [summary, ...deprecated] });
    for (const alias of o.aliases ?? []) {
      out.push({ key: alias, optional: !required, type, doc: [`Alias of \`${key}\`: ${summary}`, ...deprecated] });
    }
  }
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function returnType(r: ReturnDoc, indent: string): string {
  const object = r.contains ? renderObject(returnMembers(r.contains, indent), indent) : undefined;
  if (r.type === "list") {
    const element = object ?? (r.elements === undefined ? "unknown" : (SCALARS[r.elements] ?? "unknown"));
    return arrayOf(element);
  }
  if (r.type === "dict" || r.type === "complex") return object ?? "Record<string, unknown>";
  return (r.type !== undefined && SCALARS[r.type]) || "unknown";
}

function returnMembers(fields: Record<string, ReturnDoc>, indent: string): Member[] {
  return Object.keys(fields).sort().map((name) => {
    const r = fields[name]!;
    const returned = r.returned ? ` Returned: ${r.returned.trim().replace(/\.$/, "")}.` : "";
    const summary = summarize(r.description);
    const text = returned === "" || summary === "" || /[.!?]$/.test(summary) ? summary : `${summary}.`;
    return { key: name, optional: true, type: returnType(r, `${indent}  `), doc: [`${text}${returned}`.trim()] };
  });
}

function emitArgs(base: string, entry: ModuleDocEntry): string[] {
  const doc = entry.doc;
  const header = renderJsDoc(moduleDoc(doc), "");
  const members = optionMembers(doc.options ?? {}, doc.module, "");
  // A required option with aliases: one of its names must be present, so each name is a union member.
  const groups = Object.entries(doc.options ?? {})
    .filter(([, o]) => isRequired(o) && (o.aliases?.length ?? 0) > 0)
    .map(([name, o]) => [name, ...(o.aliases ?? [])]);
  if (groups.length === 0) {
    if (members.length === 0) return [...header, `export type ${base}Args = Record<string, never>;`];
    return [...header, `export interface ${base}Args {`, ...renderMembers(members, "  "), "}"];
  }
  const grouped = new Set(groups.flat());
  const rest = members.filter((m) => !grouped.has(m.key));
  const alternatives = groups.map((names) => {
    const choices = names.map((n) => renderObject(members.filter((m) => m.key === n), "    "));
    return `(\n  | ${choices.join("\n  | ")}\n)`;
  });
  return [
    `/** ${base}Args without its required aliased options. */`,
    `export interface ${base}Options {`, ...renderMembers(rest, "  "), "}",
    ...header, `export type ${base}Args = ${base}Options & ${alternatives.join(" & ")};`,
  ];
}

function emitResult(base: string, entry: ModuleDocEntry): string[] {
  const fields = Object.fromEntries(
    Object.entries(entry.return ?? {}).filter(([name, r]) =>
      !COMMON_RESULT.has(name) || (name === "ansible_facts" && (r.type === "dict" || r.type === "complex")),
    ),
  );
  const members = returnMembers(fields, "");
  if (members.length === 0) return [`export type ${base}Result = CommonResult;`];
  return [`export interface ${base}Result extends CommonResult {`, ...renderMembers(members, "  "), "}"];
}

/** The free-form string a module accepts in place of its arguments (`never` when it has none). */
function freeFormType(entry: ModuleDocEntry): string {
  const name = Object.keys(entry.doc.options ?? {}).find((n) => FREE_FORM.has(n));
  return name === undefined ? "never" : optionType(entry.doc.options![name]!, `${entry.doc.module}.${name}`, "  ");
}

function renderMapEntry(short: string, base: string, freeForm: string): string[] {
  const key = JSON.stringify(short);
  const line = `  ${key}: { args: ${base}Args; result: ${base}Result; freeForm: ${freeForm} };`;
  if (line.length <= WIDTH) return [line];
  const freeFormLines = renderTyped("    ", "freeForm", freeForm);
  return [`  ${key}: {`, `    args: ${base}Args;`, `    result: ${base}Result;`, ...freeFormLines, "  };"];
}

/** The whole generated file for a set of module docs (keyed by FQCN, as ansible-doc prints them). */
export function emitModuleTypes(docs: Record<string, ModuleDocEntry>, ansibleVersion: string): string {
  const fqcns = Object.keys(docs).sort();
  const seen = new Map<string, string>();
  const out = [
    `// Generated by scripts/gen-module-types.ts from ansible-doc --json (ansible-core ${ansibleVersion}).`,
    "// Do not edit; regenerate with `node scripts/with-bun.mjs run scripts/gen-module-types.ts`.",
    "// Types only: nothing here exists at runtime. The type mapping (bool, lists, aliases, free-form) is described",
    "// at the top of scripts/_module-types-emit.ts.",
    "// One file over 500 lines on purpose: it is generated whole and checked byte for byte against a regeneration.",
    'import type { CommonResult } from "./_module-types.ts";',
  ];
  const map: string[] = [];
  // A leading underscore marks a deprecated module, still called without it (`_include` is `include`).
  const names = new Map(fqcns.map((fqcn) => [fqcn.slice(fqcn.lastIndexOf(".") + 1).replace(/^_/, ""), fqcn]));
  if (names.size !== fqcns.length) {
    throw new Error("two modules have the same name once a leading underscore is dropped");
  }
  for (const [short, fqcn] of [...names].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const entry = docs[fqcn]!;
    const entryDoc = renderJsDoc(moduleDoc(entry.doc), "  ");
    // A module that is another's documented twin (systemd is systemd_service) shares its types.
    const twin = entry.doc.module !== short && names.has(entry.doc.module) ? entry.doc.module : undefined;
    if (twin !== undefined) {
      map.push(...entryDoc, `  ${JSON.stringify(short)}: BuiltinModules[${JSON.stringify(twin)}];`);
    } else {
      const base = pascalName(short);
      const clash = seen.get(base);
      if (clash !== undefined) {
        throw new Error(`modules ${clash} and ${short} both give type names ${base}Args/${base}Result`);
      }
      seen.set(base, short);
      out.push("", ...emitArgs(base, entry), ...emitResult(base, entry));
      map.push(...entryDoc, ...renderMapEntry(short, base, freeFormType(entry)));
    }
    const fqcnKey = JSON.stringify(`ansible.builtin.${short}`);
    map.push(...entryDoc, `  ${fqcnKey}: BuiltinModules[${JSON.stringify(short)}];`);
  }
  out.push(
    "",
    "/** Every documented module by short name and FQCN: its arguments, result and free-form string. */",
    "export interface BuiltinModules {",
    ...map,
    "}",
    "",
  );
  return out.join("\n");
}
