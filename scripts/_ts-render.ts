// Layout of TypeScript declarations in the generated file: members with their JSDoc, inline object types, and
// unions too wide for one line packed onto `| a | b` continuation lines (the shape formatters give them).
import { WIDTH, renderJsDoc } from "./_module-doc-text.ts";

/** One property of an object type; `index` makes it `[key: string]: type`. */
export interface Member {
  key: string;
  optional: boolean;
  type: string;
  doc: string[];
  index?: boolean;
}

function propertyKey(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name);
}

/** A union of distinct types, in the order given. */
export function union(types: readonly string[]): string {
  return [...new Set(types)].join(" | ");
}

/** `T[]`, with a union element in parentheses. */
export function arrayOf(t: string): string {
  return unionParts(t).length > 1 ? `(${t})[]` : `${t}[]`;
}

/** The ` | `-separated parts of a union type, outside parentheses, brackets and string literals. */
export function unionParts(type: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let inString = false;
  let start = 0;
  for (let i = 0; i < type.length; i++) {
    const ch = type[i];
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === "(" || ch === "<" || ch === "{" || ch === "[") depth++;
    else if (ch === ")" || ch === ">" || ch === "}" || ch === "]") depth--;
    else if (depth === 0 && type.startsWith(" | ", i)) {
      parts.push(type.slice(start, i));
      start = i + 3;
      i += 2;
    }
  }
  return [...parts, type.slice(start)];
}

/** `head: type;`, with a union too wide for one line packed onto `| a | b` continuation lines. */
export function renderTyped(indent: string, head: string, type: string): string[] {
  const line = `${indent}${head}: ${type};`;
  const parts = unionParts(type);
  if (line.length <= WIDTH || type.includes("\n") || parts.length < 2) return [line];
  const lines: string[] = [];
  let current = "";
  for (const part of parts) {
    if (current !== "" && current.length + 3 + part.length > WIDTH) {
      lines.push(current);
      current = "";
    }
    current = current === "" ? `${indent}  | ${part}` : `${current} | ${part}`;
  }
  return [`${indent}${head}:`, ...lines, `${current};`];
}

export function renderMembers(members: readonly Member[], indent: string): string[] {
  return members.flatMap((m) => [
    ...renderJsDoc(m.doc, indent),
    ...renderTyped(indent, m.index ? `[${m.key}: string]` : `${propertyKey(m.key)}${m.optional ? "?" : ""}`, m.type),
  ]);
}

export function renderObject(members: readonly Member[], indent: string): string {
  if (members.length === 0) return "Record<string, never>";
  return ["{", ...renderMembers(members, `${indent}  `), `${indent}}`].join("\n");
}
