// The INI inventory format, as ansible-core's ini plugin reads it: lines before any section are `ungrouped`
// hosts; `[g]` hosts, `[g:children]` group names, `[g:vars]` `k=v`; host lines split like a shell (shlex) with
// inline values read as Python literals; `[g:vars]` values are read as Python literals too (ansible-core 2.14
// does, despite older docs saying strings); group names are kept as written (TRANSFORM_INVALID_GROUP_CHARS
// defaults to never). Errors carry the file and line, with Ansible's wording.
import { InventoryError, errorMessage } from "../errors.ts";
import { shlexSplit } from "../text/index.ts";
import { expandHostPattern } from "./_host-pattern.ts";
import type { Inventory } from "./_model.ts";
import { parsePythonValue } from "./_python-literal.ts";

const SECTION_RE = /^\[([^:\]\s]+)(?::([\p{L}\p{N}_]+))?\]\s*(?:#.*)?$/u;
const GROUP_NAME_RE = /^([^:\]\s]+)\s*(?:#.*)?$/u;

/** Errors Ansible reports without the `file:line: ` prefix (its plugin raises them outside _raise_error). */
export const UNPREFIXED = new WeakSet<Error>();

interface Pending {
  line: number;
  state: "vars" | "children";
  name: string;
  parents: string[];
}

export function parseIni(inv: Inventory, text: string, file: string): void {
  let lineno = 0;
  const fail = (message: string, hint?: string): never => {
    throw new InventoryError("INVENTORY_PARSE", message, { file, line: lineno, hint });
  };
  const pending = new Map<string, Pending>();
  let group = "ungrouped";
  let state = "hosts";
  for (const raw of text.split(/\r\n|\r|\n/)) {
    lineno += 1;
    const line = raw.trim();
    if (!line || line[0] === "#" || line[0] === ";") continue;
    const m = SECTION_RE.exec(line);
    if (m) {
      const [, rawName = "", tag] = m;
      group = rawName;
      state = tag ?? "hosts";
      if (!["hosts", "children", "vars"].includes(state)) {
        fail(`Section [${tag === undefined ? rawName : `${rawName}:${tag}`}] has unknown type: ${state}`, "expected [group], [group:children] or [group:vars]");
      }
      if (!inv.groups.has(group)) {
        if (state === "vars" && !pending.has(group)) pending.set(group, { line: lineno, state: "vars", name: group, parents: [] });
        inv.addGroup(group);
      }
      const waiting = pending.get(group);
      if (waiting && state !== "vars") {
        if (waiting.state === "children") addPendingChildren(inv, group, pending);
        else pending.delete(group);
      }
      continue;
    }
    if (line.startsWith("[") && line.endsWith("]")) {
      fail(
        `Invalid section entry: '${line}'. Please make sure that there are no spaces in the section entry, and that there are no other invalid characters`,
      );
    }
    if (state === "hosts") {
      let tokens: string[] = [];
      try {
        tokens = shlexSplit(line, { comments: true });
      } catch (e) {
        fail(`Error parsing host definition '${line}': ${errorMessage(e)}`, "close the quote or escape it");
      }
      const first = tokens[0];
      if (first === undefined) fail("list index out of range");
      const { hosts, port } = expandHost(first as string, fail);
      const vars: Record<string, unknown> = {};
      for (const t of tokens.slice(1)) {
        const eq = t.indexOf("=");
        if (eq < 0) fail(`Expected key=value host variable assignment, got: ${t}`, "write host variables as key=value");
        vars[t.slice(0, eq)] = parsePythonValue(t.slice(eq + 1));
      }
      for (const h of hosts) {
        inv.declareHost(h, group, port);
        for (const [k, v] of Object.entries(vars)) inv.setVariable(h, k, v);
      }
    } else if (state === "vars") {
      const eq = line.indexOf("=");
      if (eq < 0) fail(`Expected key=value, got: ${line}`, "write group variables as key=value");
      inv.setVariable(group, line.slice(0, eq).trim(), parsePythonValue(line.slice(eq + 1).trim()));
    } else {
      const cm = GROUP_NAME_RE.exec(line);
      if (!cm) return fail(`Expected group name, got: ${line}`, "list one group name per line in a :children section");
      const child = cm[1] as string;
      if (inv.groups.has(child)) {
        inv.addChild(group, child);
      } else {
        const p = pending.get(child);
        if (p) p.parents.push(group);
        else pending.set(child, { line: lineno, state: "children", name: child, parents: [group] });
      }
    }
  }
  for (const p of pending.values()) {
    lineno = p.line;
    if (p.state === "vars") fail(`Section [${p.name}:vars] not valid for undefined group: ${p.name}`, `declare [${p.name}] first`);
    fail(`Section [${p.parents.at(-1)}:children] includes undefined group: ${p.name}`, `declare [${p.name}] in this file`);
  }
}

function addPendingChildren(inv: Inventory, group: string, pending: Map<string, Pending>): void {
  const entry = pending.get(group) as Pending;
  for (const parent of entry.parents) {
    inv.addChild(parent, group);
    const up = pending.get(parent);
    if (up && up.state === "children") addPendingChildren(inv, parent, pending);
  }
  pending.delete(group);
}

function expandHost(pattern: string, fail: (m: string, hint?: string) => never): { hosts: string[]; port?: number } {
  let out: { hosts: string[]; port?: number };
  try {
    out = expandHostPattern(pattern);
  } catch (e) {
    try {
      return fail(errorMessage(e), "write a host name, optionally with a [start:end] range and a :port");
    } catch (err) {
      UNPREFIXED.add(err as Error);
      throw err;
    }
  }
  const bare = (message: string): never => {
    try {
      return fail(message);
    } catch (e) {
      UNPREFIXED.add(e as Error);
      throw e;
    }
  };
  if (pattern.trim().endsWith(":") && out.port === undefined) {
    bare(`Invalid host pattern '${pattern}' supplied, ending in ':' is not allowed, this character is reserved to provide a port.`);
  }
  if (out.hosts.some((h) => h.trim() === "---")) {
    bare(`Invalid host pattern '${pattern}' supplied, '---' is normally a sign this is a YAML file.`);
  }
  return out;
}
