// Plain data from a YAML document, plus what plain data loses and Ansible's checks need: each mapping key's
// original type (Ansible rejects `123:` as a host or group name).
// Aliases are expanded and `<<` merges applied the way PyYAML does (own keys win, earlier merges win).
import { type Document, isAlias, isMap, isPair, isScalar, isSeq } from "yaml";

export interface KeyInfo {
  /** The key as YAML typed it: a string, number, boolean or null. */
  key: unknown;
}

export interface YamlInfo {
  keys: WeakMap<object, Map<string, KeyInfo>>;
}

export function emptyInfo(): YamlInfo {
  return { keys: new WeakMap() };
}

export function yamlTree(doc: Document.Parsed, info: YamlInfo): unknown {
  const convert = (node: unknown): unknown => {
    if (node === null || node === undefined) return null;
    if (isAlias(node)) return convert(node.resolve(doc));
    if (isScalar(node)) return typeof node.value === "symbol" ? "<<" : node.value;
    if (isSeq(node)) return node.items.map((i) => convert(i));
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      const keys = new Map<string, KeyInfo>();
      const merges: unknown[] = [];
      const own: [string, KeyInfo, unknown][] = [];
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const k = pair.key;
        if (isScalar(k) && typeof k.value === "symbol") {
          const v = isAlias(pair.value) ? pair.value.resolve(doc) : pair.value;
          if (isSeq(v)) for (const m of v.items) merges.push(convert(m));
          else merges.push(convert(v));
          continue;
        }
        const keyValue = isScalar(k) ? k.value : convert(k);
        const name = keyString(keyValue);
        own.push([name, { key: keyValue }, convert(pair.value)]);
      }
      for (const m of merges.reverse()) {
        if (m && typeof m === "object" && !Array.isArray(m)) {
          for (const [k, v] of Object.entries(m)) {
            out[k] = v;
            keys.set(k, info.keys.get(m)?.get(k) ?? { key: k });
          }
        }
      }
      for (const [name, ki, value] of own) {
        out[name] = value;
        keys.set(name, ki);
      }
      info.keys.set(out, keys);
      return out;
    }
    return null;
  };
  return convert(doc.contents);
}

function keyString(key: unknown): string {
  if (typeof key === "string") return key;
  if (key === null || key === undefined) return "null";
  if (typeof key === "object") return JSON.stringify(key);
  return String(key);
}
