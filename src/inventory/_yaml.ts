// The YAML (and .json) inventory format, as ansible-core's yaml plugin reads it: top-level keys are groups,
// each a mapping of `hosts` (host pattern -> vars or null), `vars` and `children` (nested groups), a bare string
// in place of a mapping meaning one entry. Unknown keys and non-mapping groups are warnings, not errors.
import { InventoryError, errorMessage } from "../errors.ts";
import { expandHostPattern } from "./_host-pattern.ts";
import type { Inventory } from "./_model.ts";
import { pyRepr, pyStr, pyType } from "./_py-repr.ts";
import { fastYaml } from "./_yaml-fast.ts";
import { lineOfKey, parseYaml } from "./_yaml-load.ts";
import { type YamlInfo, emptyInfo, yamlTree } from "./_yaml-tree.ts";

type Mapping = Record<string, unknown>;
const isMapping = (v: unknown): v is Mapping => v !== null && typeof v === "object" && !Array.isArray(v);
const pyFalsy = (v: unknown): boolean =>
  !v || (Array.isArray(v) && v.length === 0) || (isMapping(v) && Object.keys(v).length === 0);

/** Reads YAML or JSON inventory text into `inv`. */
export function parseYamlInventory(inv: Inventory, text: string, file: string): void {
  let data: unknown;
  const info = emptyInfo();
  let fromYaml = false;
  try {
    data = JSON.parse(text);
  } catch {
    fromYaml = true;
    const fast = fastYaml(text);
    data = fast ? fast.value : yamlTree(parseYaml(text, file).doc, info);
  }
  new YamlInventoryReader(inv, file, info, fromYaml, (path) => lineOfKey(text, path)).read(data);
}

class YamlInventoryReader {
  constructor(
    private readonly inv: Inventory,
    private readonly file: string,
    private readonly info: YamlInfo,
    private readonly fromYaml: boolean,
    private readonly lineAt: (path: readonly string[]) => number | undefined,
  ) {}

  /** `path`: the mapping keys leading to the culprit, to find its line (only errors pay for that). */
  private fail(message: string, path: readonly string[], hint?: string): never {
    throw new InventoryError("INVENTORY_PARSE", message, { file: this.file, line: this.lineAt(path), hint });
  }

  read(data: unknown): void {
    if (pyFalsy(data)) this.fail("Parsed empty YAML file", [], "expected a mapping such as `all: {hosts: {h1: {}}}`");
    if (!isMapping(data)) {
      this.fail(`YAML inventory has invalid structure, it should be a dictionary, got: ${pyType(data, this.fromYaml)}`, [],
        "expected top-level group names such as `all:`");
    }
    if (data.plugin) this.fail("Plugin configuration YAML file, not YAML inventory", ["plugin"]);
    for (const [name, value] of Object.entries(data)) this.group(this.keyOf(data, name), value, [name]);
  }

  private keyOf(map: Mapping, name: string): unknown {
    const k = this.info.keys.get(map)?.get(name);
    return k ? k.key : name;
  }

  private group(key: unknown, data: unknown, path: string[]): string {
    if (!(data === null || isMapping(data))) {
      this.inv.warnings.push(`Skipping '${pyStr(key)}' as this is not a valid group definition`);
      return pyStr(key);
    }
    if (typeof key !== "string" || !key) {
      const why = typeof key !== "string"
        ? `Invalid group name supplied, expected a string but got ${pyType(key, false)} for ${pyStr(key)}`
        : `Invalid empty/false group name provided: ${key}`;
      this.fail(`Unable to add group ${pyStr(key)}: ${why}`, path, "quote group names that look like numbers");
    }
    const group = this.inv.addGroup(key);
    if (data === null) return group;
    for (const section of ["vars", "children", "hosts"]) {
      if (!(section in data)) continue;
      const v = data[section];
      if (typeof v === "string") data[section] = { [v]: null };
      else if (!(v === null || isMapping(v))) {
        this.fail(
          `Invalid "${section}" entry for "${group}" group, requires a dictionary, found "${pyType(v, this.fromYaml)}" instead.`,
          [...path, section],
          `write ${section} as a mapping (name: value), not a list`,
        );
      }
    }
    for (const [key2, value] of Object.entries(data)) {
      if (!(value === null || isMapping(value))) {
        this.inv.warnings.push(`Skipping key (${key2}) in group (${group}) as it is not a mapping, it is a ${pyType(value, this.fromYaml)}`);
        continue;
      }
      if (value === null) continue;
      if (key2 === "vars") {
        for (const [k, v] of Object.entries(value)) this.inv.setVariable(group, k, v);
      } else if (key2 === "children") {
        for (const [sub, subData] of Object.entries(value)) {
          const subPath = [...path, "children", sub];
          const child = this.group(this.keyOf(value, sub), subData, subPath);
          this.addChild(group, child, subPath);
        }
      } else if (key2 === "hosts") {
        for (const [pattern, hostVars] of Object.entries(value)) {
          this.hosts(group, value, pattern, hostVars, [...path, "hosts", pattern]);
        }
      } else {
        this.inv.warnings.push(`Skipping unexpected key (${key2}) in group (${group}), only "vars", "children" and "hosts" are valid`);
      }
    }
    return group;
  }

  private addChild(group: string, child: string, path: string[]): void {
    try {
      this.inv.addChild(group, child);
    } catch (e) {
      this.fail(errorMessage(e), path);
    }
  }

  private hosts(group: string, map: Mapping, pattern: string, hostVars: unknown, path: string[]): void {
    const key = this.keyOf(map, pattern);
    if (typeof key !== "string") {
      this.fail(`Host pattern ${pyStr(key)} must be a string. Enclose integers/floats in quotation marks.`, path);
    }
    let expanded: { hosts: string[]; port?: number };
    try {
      expanded = expandHostPattern(key);
    } catch (e) {
      return this.fail(errorMessage(e), path);
    }
    const vars = pyFalsy(hostVars) ? {} : hostVars;
    if (!isMapping(vars)) {
      this.fail(`Invalid data from file, expected dictionary and got:\n\n${pyRepr(vars)}`, path, "host variables must be a mapping");
    }
    for (const h of expanded.hosts) {
      this.inv.declareHost(h, group, expanded.port);
      for (const [k, v] of Object.entries(vars)) this.inv.setVariable(h, k, v);
    }
  }
}
