// host_vars/ and group_vars/ beside each inventory source (and the playbook dir), as the host_group_vars vars
// plugin finds them: the first of NAME, NAME.yml, NAME.yaml, NAME.json, where a directory NAME/ contributes
// all its files (sorted, recursively, skipping hidden and `~` files). Directory listings and parsed files are
// cached, so thousands of hosts cost one readdir per folder.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { InventoryError } from "../errors.ts";
import { loadYamlOrJson } from "./_yaml-load.ts";

export type VarScope = "inventory" | "playbook";
export type VarKind = "host" | "group";

export interface VarFileLoader {
  /** basedir(source): the folder of a file source, the source itself if a folder, else null. */
  sourceDir(source: string): string | null;
  /** Variables for these entities from files, in Ansible's order: each folder, then each entity. */
  entityVars(scope: VarScope, kind: VarKind, names: readonly string[]): Record<string, unknown>;
}

export const noVarFiles: VarFileLoader = {
  sourceDir: () => null,
  entityVars: () => ({}),
};

const EXTENSIONS = ["", ".yml", ".yaml", ".json"];

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function exists(p: string): boolean {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
}

function sortedEntries(dir: string): string[] {
  return readdirSync(dir).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

export class DirVarFiles implements VarFileLoader {
  private readonly listings = new Map<string, Set<string> | null>();
  private readonly parsed = new Map<string, unknown>();
  private readonly found = new Map<string, string[]>();

  constructor(
    private readonly inventoryDirs: readonly string[],
    private readonly playbookDirs: readonly string[],
    private readonly warn: (msg: string) => void = () => {},
  ) {}

  sourceDir(source: string): string | null {
    if (isDir(source)) return resolve(source);
    if (source === "" || source === ".") return process.cwd();
    try {
      if (statSync(source).isFile()) return dirname(resolve(source));
    } catch {
      // not a path: a host list
    }
    return null;
  }

  entityVars(scope: VarScope, kind: VarKind, names: readonly string[]): Record<string, unknown> {
    const dirs = scope === "inventory" ? this.inventoryDirs : this.playbookDirs;
    let data: Record<string, unknown> = {};
    for (const dir of dirs) {
      for (const name of names) {
        if (name.startsWith("/")) continue;
        for (const file of this.filesFor(dir, kind === "host" ? "host_vars" : "group_vars", name)) {
          const value = this.load(file);
          if (!value) continue;
          if (typeof value !== "object" || Array.isArray(value)) {
            throw new InventoryError(
              "INVENTORY_PARSE",
              `failed to combine variables, expected dicts but got a 'dict' and a '${Array.isArray(value) ? "list" : typeof value}'`,
              { file, hint: "a host_vars/group_vars file must hold a mapping of variable names to values" },
            );
          }
          data = { ...data, ...(value as Record<string, unknown>) };
        }
      }
    }
    return data;
  }

  private filesFor(dir: string, subdir: string, name: string): string[] {
    const base = join(dir, subdir);
    const key = `${name}\0${base}`;
    const hit = this.found.get(key);
    if (hit) return hit;
    const listing = this.listing(base);
    let files: string[] = [];
    if (listing) {
      for (const ext of EXTENSIONS) {
        const entry = name + ext;
        if (!listing.has(entry) || !exists(join(base, entry))) continue;
        const full = join(base, entry);
        files = isDir(full) ? dirVarFiles(full) : [full];
        break;
      }
    }
    this.found.set(key, files);
    return files;
  }

  private listing(base: string): Set<string> | null {
    if (this.listings.has(base)) return this.listings.get(base) ?? null;
    let listing: Set<string> | null = null;
    if (exists(base)) {
      if (isDir(base)) listing = new Set(readdirSync(base));
      else this.warn(`Found ${base.endsWith("host_vars") ? "host_vars" : "group_vars"} that is not a directory, skipping: ${base}`);
    }
    this.listings.set(base, listing);
    return listing;
  }

  private load(file: string): unknown {
    if (!this.parsed.has(file)) this.parsed.set(file, loadYamlOrJson(readFileSync(file, "utf8"), file));
    return this.parsed.get(file);
  }
}

function dirVarFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of sortedEntries(dir)) {
    if (entry.startsWith(".") || entry.endsWith("~")) continue;
    const full = join(dir, entry);
    const dot = entry.lastIndexOf(".");
    const ext = dot > 0 ? entry.slice(dot) : "";
    if (isDir(full) && !ext) out.push(...dirVarFiles(full));
    else if (!isDir(full) && exists(full) && (!ext || EXTENSIONS.includes(ext))) out.push(full);
  }
  return out;
}
