// The `inventory` option in memory (nothing written to disk): none = the implicit localhost only; a path or a
// comma host list as `-i` reads it; a text with newlines as an inventory file's content (YAML/JSON first, then
// INI, the order ansible offers an extensionless file to its plugins); a string[] one INI host line each; an
// object as a YAML/JSON inventory.
import { existsSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { FtlError, InventoryError } from "../errors.ts";
import { Inventory, loadInventory, parseInventoryText } from "../inventory/index.ts";
import type { InventoryInput } from "./_types.ts";

type Env = Readonly<Record<string, string | undefined>>;
const INLINE = "<inline inventory>";

export async function loadAutomationInventory(input: InventoryInput | undefined, cwd: string, env: Env): Promise<Inventory> {
  if (input === undefined) return new Inventory();
  if (Array.isArray(input)) {
    for (const [i, h] of input.entries()) {
      if (typeof h !== "string" || h.trim() === "" || /[\r\n]/.test(h)) {
        throw new InventoryError("INVENTORY_PARSE", `inventory host list entry ${i} must be a non-empty one-line string (a host, optionally with its variables)`);
      }
    }
    return parseInventoryText(input.join("\n"), "ini", INLINE);
  }
  if (typeof input === "object") return parseInventoryText(JSON.stringify(input), "json", INLINE);
  const text = input as string;
  if (/[\r\n]/.test(text)) return parseText(text);
  if (text.includes(",") || existsSync(isAbsolute(text) ? text : join(cwd, text)) || text.includes("/")) {
    return loadInventory({ sources: [text], cwd, env: { ...env }, strict: true });
  }
  // One line naming no file: one INI host line, as a host list of one.
  return parseInventoryText(text, "ini", INLINE);
}

function parseText(text: string): Inventory {
  try {
    return parseInventoryText(text, "yaml", INLINE);
  } catch (yamlError) {
    try {
      return parseInventoryText(text, "ini", INLINE);
    } catch (iniError) {
      // The error of the format the text most looks like.
      const looksYaml = /^\s*(---|\{|[^\s[;=#]+:(\s|$))/.test(text);
      throw looksYaml && yamlError instanceof FtlError ? yamlError : iniError;
    }
  }
}
