// Loading the -i sources, as InventoryManager.parse_sources does: each source in order into one inventory;
// a folder means every entry in it (sorted, skipping hidden files, host_vars/, group_vars/, *.retry, *.ini...);
// a file is offered to the plugins in Ansible's order (host list, script, yaml, ini) and the first that parses
// it wins. Like Ansible, a source nobody can parse is a warning; with `strict` it is an InventoryError.
import { constants, readFileSync, readdirSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, extname, isAbsolute, join, normalize, resolve } from "node:path";
import { FtlError, InventoryError, errorMessage } from "../errors.ts";
import { DirVarFiles } from "./_group-host-vars.ts";
import { isHostList, parseHostList } from "./_host-list.ts";
import { UNPREFIXED, parseIni } from "./_ini.ts";
import { Inventory } from "./_model.ts";
import { looksLikeScript, parseScriptInventory } from "./_script.ts";
import { parseYamlInventory } from "./_yaml.ts";
import { canAccess } from "../fs-access.ts";

export interface LoadInventoryOptions {
  /** The -i values, in order. Empty: $ANSIBLE_INVENTORY, else /etc/ansible/hosts, as Ansible. */
  sources: string[];
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Turn "could not parse this source" warnings into InventoryErrors (INVENTORY_NOT_FOUND/PARSE/SCRIPT). */
  strict?: boolean;
  /** Also read host_vars/ and group_vars/ here, above the inventory's own (ansible --playbook-dir). */
  playbookDir?: string;
  scriptTimeoutMs?: number;
}

const DEFAULT_SOURCE = "/etc/ansible/hosts";
const YAML_EXTS = ["", ".yaml", ".yml", ".json"];
const IGNORED_EXTS = [".pyc", ".pyo", ".swp", ".bak", "~", ".rpm", ".md", ".txt", ".rst", ".orig", ".ini", ".cfg", ".retry"];
const IGNORED_NAMES = /^\.|^host_vars$|^group_vars$|^vars_plugins$/;

interface Failure {
  plugin: string;
  error: unknown;
}

function statOf(p: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(p);
  } catch {
    return undefined;
  }
}


/** unfrackpath(follow=False): $VARS and ~ expanded, made absolute against cwd, normalised. */
export function unfrackPath(path: string, cwd: string, env: Record<string, string | undefined>): string {
  let p = path.replace(/\$(\w+)|\$\{([^}]+)\}/g, (m, a?: string, b?: string) => env[(a ?? b) as string] ?? m);
  if (p === "~" || p.startsWith("~/")) p = (env.HOME ?? homedir()) + p.slice(1);
  if (!isAbsolute(p)) p = join(cwd, p);
  const n = normalize(p);
  return n.length > 1 && n.endsWith("/") ? n.slice(0, -1) : n;
}

export async function loadInventory(opts: LoadInventoryOptions): Promise<Inventory> {
  const cwd = opts.cwd ?? process.cwd();
  const env = opts.env ?? process.env;
  let sources = opts.sources.filter((s) => s);
  if (sources.length === 0) sources = env.ANSIBLE_INVENTORY ? env.ANSIBLE_INVENTORY.split(",") : [DEFAULT_SOURCE];
  sources = sources.map((s) => (s.includes(",") ? s : unfrackPath(s, cwd, env)));
  const inv = new Inventory();
  inv.sources.push(...sources);
  const dirs = sources
    .filter((s) => !(s.includes(",") && !statOf(resolve(cwd, s))))
    .map((s) => (statOf(s)?.isDirectory() ? s : dirname(s)));
  const playbookDirs = opts.playbookDir ? [unfrackPath(opts.playbookDir, cwd, env)] : [];
  inv.varFiles = new DirVarFiles(dirs, playbookDirs, (w) => inv.warnings.push(w));
  const loader = new SourceLoader(inv, cwd, env, opts);
  let parsed = false;
  for (const source of sources) {
    if (await loader.parseSource(source)) parsed = true;
  }
  if (parsed) inv.warnings.push(...inv.reconcile());
  else inv.warnings.push("No inventory was parsed, only implicit localhost is available");
  // Read every group_vars/host_vars file now, so a broken one fails the load rather than a later task.
  for (const g of inv.groups.keys()) inv.varFiles.entityVars("inventory", "group", [g]);
  for (const h of inv.hosts.keys()) inv.varFiles.entityVars("inventory", "host", [h]);
  return inv;
}

class SourceLoader {
  constructor(
    private readonly inv: Inventory,
    private readonly cwd: string,
    private readonly env: Record<string, string | undefined>,
    private readonly opts: LoadInventoryOptions,
  ) {}

  async parseSource(source: string): Promise<boolean> {
    const st = statOf(resolve(this.cwd, source));
    if (st?.isDirectory()) {
      let parsed = false;
      const entries = readdirSync(source).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
      for (const entry of entries) {
        if (IGNORED_NAMES.test(entry) || IGNORED_EXTS.some((x) => entry.endsWith(x))) continue;
        if (await this.parseSource(join(source, entry))) parsed = true;
      }
      return parsed;
    }
    this.inv.currentSource = source;
    const failures: Failure[] = [];
    const parsed = await this.tryPlugins(source, st !== undefined, failures);
    this.inv.currentSource = null;
    if (!parsed && (source !== DEFAULT_SOURCE || st)) this.reportFailure(source, st !== undefined, failures);
    return parsed;
  }

  private async tryPlugins(source: string, exists: boolean, failures: Failure[]): Promise<boolean> {
    const readable = exists && canAccess(source, constants.R_OK);
    const attempt = async (plugin: string, parse: () => void | Promise<void>): Promise<boolean> => {
      try {
        await parse();
        return true;
      } catch (e) {
        failures.push({ plugin, error: e });
        return false;
      }
    };
    if (isHostList(source, exists)) {
      if (await attempt("host_list", () => parseHostList(this.inv, source))) return true;
    }
    if (!readable) return false;
    if (looksLikeScript(source, canAccess(source, constants.X_OK))) {
      const scriptOpts = { env: this.env, timeoutMs: this.opts.scriptTimeoutMs };
      if (await attempt("script", () => parseScriptInventory(this.inv, source, scriptOpts))) return true;
    }
    const text = readFileSync(source, "utf8");
    if (source.endsWith(".yml") || source.endsWith(".yaml")) failures.push({ plugin: "auto", error: autoFailure(source, text) });
    if (YAML_EXTS.includes(extname(source))) {
      if (await attempt("yaml", () => parseYamlInventory(this.inv, text, source))) return true;
    }
    if (await attempt("ini", () => parseIni(this.inv, text, source))) return true;
    if (extname(source) === ".toml") {
      failures.push({ plugin: "toml", error: new InventoryError("INVENTORY_PARSE", "TOML inventories are not supported by ftl2", { file: source }) });
    }
    return false;
  }

  private reportFailure(source: string, exists: boolean, failures: Failure[]): void {
    if (this.opts.strict) throw primaryFailure(source, exists, failures);
    for (const f of failures) this.inv.warnings.push(`\n* Failed to parse ${source} with ${f.plugin} plugin: ${ansibleText(f)}`);
    this.inv.warnings.push(`Unable to parse ${source} as an inventory source`);
  }
}

/** The auto plugin reads `plugin:` config files for other inventory plugins, which ftl2 does not run. */
function autoFailure(source: string, text: string): InventoryError {
  const plugin = /^plugin:\s*(\S+)/m.exec(text)?.[1];
  const message = plugin
    ? `inventory config '${source}' specifies plugin '${plugin}', which ftl2 does not support`
    : `no root 'plugin' key found, '${source}' is not a valid YAML inventory plugin config file`;
  return new InventoryError("INVENTORY_PARSE", message, { file: source });
}

/** How Ansible words a plugin's failure (the ini plugin prefixes `file:line: `). */
function ansibleText(f: Failure): string {
  const e = f.error;
  if (f.plugin === "ini" && e instanceof FtlError && e.file && e.line !== undefined && !UNPREFIXED.has(e)) return `${e.file}:${e.line}: ${e.message}`;
  return errorMessage(e);
}

/** In strict mode, the one failure that explains the source best. */
function primaryFailure(source: string, exists: boolean, failures: Failure[]): FtlError {
  if (!exists) {
    return new InventoryError("INVENTORY_NOT_FOUND", `Unable to parse ${source} as an inventory source`, {
      file: source,
      hint: "no such file or directory; pass an inventory file, a folder, or a comma-separated host list ending in ','",
    });
  }
  const by = (p: string): unknown => failures.find((f) => f.plugin === p)?.error;
  let text = "";
  try {
    text = readFileSync(source, "utf8");
  } catch {
    // unreadable: fall through to the generic error
  }
  const pick = text.startsWith("#!") ? by("script")
    : [".yml", ".yaml", ".json"].includes(extname(source)) || looksLikeYaml(text) ? (by("yaml") ?? by("ini"))
    : (by("ini") ?? by("yaml"));
  const chosen = pick ?? failures[0]?.error;
  if (chosen instanceof FtlError) return chosen;
  return new InventoryError("INVENTORY_PARSE", chosen ? errorMessage(chosen) : `Unable to parse ${source} as an inventory source`, {
    file: source,
    hint: "expected an INI or YAML inventory, or an executable inventory script",
  });
}

function looksLikeYaml(text: string): boolean {
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    return line.startsWith("---") || line.startsWith("{") || /^[^\s[;=]+:\s*(#.*)?$/.test(line) || /^[^\s[;=]+:\s+\S/.test(line);
  }
  return false;
}

/** An inventory from text (API users: an INI string, a YAML or JSON document). */
export function parseInventoryText(text: string, format: "ini" | "yaml" | "json", sourceName: string): Inventory {
  const inv = new Inventory();
  if (format === "ini") parseIni(inv, text, sourceName);
  else parseYamlInventory(inv, text, sourceName);
  inv.warnings.push(...inv.reconcile());
  return inv;
}
