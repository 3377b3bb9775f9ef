// YAML as Ansible reads it: JSON first, then YAML 1.1 with PyYAML's implicit types (yes/no/on/off booleans,
// 0777 octal, 1_000, sexagesimal 1:30, `1e3` stays a string), duplicate keys allowed (last wins), `!unsafe`
// as a plain string. Parse errors become INVENTORY_PARSE naming the file and line.
import { type Document, LineCounter, parseDocument, type ScalarTag, type Tags, isMap, isScalar } from "yaml";
import { InventoryError } from "../errors.ts";
import { fastYaml } from "./_yaml-fast.ts";

const BOOL_RE = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const FLOAT_RE =
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const INT_RE =
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const NULL_RE = /^(?:~|null|Null|NULL|)$/;
const TIMESTAMP_RE =
  /^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$/;

function sexagesimal(text: string): number {
  let value = 0;
  for (const part of text.split(":")) value = value * 60 + Number.parseFloat(part);
  return value;
}

function signed(text: string, body: (t: string) => number): number {
  const t = text.replaceAll("_", "");
  if (t.startsWith("-")) return -body(t.slice(1));
  return body(t.startsWith("+") ? t.slice(1) : t);
}

function resolveInt(text: string): number {
  return signed(text, (t) => {
    if (t === "0") return 0;
    if (t.startsWith("0b")) return Number.parseInt(t.slice(2), 2);
    if (t.startsWith("0x")) return Number.parseInt(t.slice(2), 16);
    if (t.startsWith("0")) return Number.parseInt(t, 8);
    if (t.includes(":")) return sexagesimal(t);
    return Number.parseInt(t, 10);
  });
}

function resolveFloat(text: string): number {
  return signed(text.toLowerCase(), (t) => {
    if (t === ".inf") return Number.POSITIVE_INFINITY;
    if (t === ".nan") return Number.NaN;
    if (t.includes(":")) return sexagesimal(t);
    return Number.parseFloat(t);
  });
}

const scalar = (tag: string, test: RegExp, resolve: (s: string) => unknown): ScalarTag => ({
  tag: `tag:yaml.org,2002:${tag}`,
  default: true,
  test,
  resolve: (s: string) => resolve(s),
  identify: () => false,
});

// PyYAML tries resolvers in this order, so a value matching both float and int is a float.
const PY_SCALARS: ScalarTag[] = [
  scalar("bool", BOOL_RE, (s) => /^[yYtToO]/.test(s) && !/^(?:off|Off|OFF)$/.test(s)),
  scalar("float", FLOAT_RE, resolveFloat),
  scalar("int", INT_RE, resolveInt),
  scalar("null", NULL_RE, () => null),
  scalar("timestamp", TIMESTAMP_RE, (s) => s),
];
const UNSAFE: ScalarTag = { tag: "!unsafe", resolve: (s: string) => s, identify: () => false };
const REPLACED = new Set(["bool", "float", "int", "null", "timestamp"].map((t) => `tag:yaml.org,2002:${t}`));

function pythonTags(tags: Tags): Tags {
  const kept = tags.filter((t) => !(typeof t === "object" && "tag" in t && REPLACED.has(t.tag) && t.default));
  return [...PY_SCALARS, ...kept, UNSAFE];
}

export interface ParsedYaml {
  doc: Document.Parsed;
  lines: LineCounter;
}

export function parseYaml(text: string, file: string): ParsedYaml {
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    version: "1.1",
    schema: "yaml-1.1",
    customTags: pythonTags,
    uniqueKeys: false,
    merge: true,
    lineCounter: lines,
    prettyErrors: false,
  });
  const err = doc.errors[0];
  if (err) {
    const line = err.linePos?.[0].line ?? lines.linePos(err.pos[0]).line;
    throw new InventoryError("INVENTORY_PARSE", `invalid YAML: ${err.message.split("\n")[0]}`, {
      file,
      line,
      hint: "expected a YAML document (check indentation and quoting on that line)",
    });
  }
  return { doc, lines };
}

/** The data of a parsed document, as plain JSON-like values. */
export function yamlValue(doc: Document.Parsed): unknown {
  return doc.toJS({ maxAliasCount: -1 });
}

/** DataLoader.load: JSON when it parses as JSON, YAML otherwise. */
export function loadYamlOrJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return fastYaml(text)?.value ?? yamlValue(parseYaml(text, file).doc);
  }
}

/** Line (1-based) of the key at `path` (mapping keys from the root), found by parsing again; for errors only. */
export function lineOfKey(text: string, path: readonly string[]): number | undefined {
  if (path.length === 0) return undefined;
  let parsed: ParsedYaml;
  try {
    parsed = parseYaml(text, "");
  } catch {
    return undefined;
  }
  const parent = parsed.doc.getIn(path.slice(0, -1), true);
  if (!isMap(parent)) return undefined;
  const last = path.at(-1);
  for (const pair of parent.items) {
    const key = pair.key;
    if (isScalar(key) && String(key.value) === last && key.range) return parsed.lines.linePos(key.range[0]).line;
  }
  return undefined;
}
