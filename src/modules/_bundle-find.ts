// The module_utils files a module needs, found the way ansible's recursive_finder (executor/module_common.py)
// finds them: every imported name under ansible.module_utils or a collection's plugins.module_utils, tried as
// a module and then as a name inside its parent module, local files before builtin redirects (collections:
// redirects first), six's runtime submodules folded into six, every ancestor package included, and a missing
// import an error unless the import was optional (not at the top level of its file).
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { ModuleNotFoundError } from "../errors.ts";
import { scanImports } from "./_bundle-scan.ts";
import {
  ansibleInitStub,
  findCollectionDir,
  MODULE_UTILS_INIT_STUB,
  moduleUtilsRouting,
  type ModuleUtilsRouting,
} from "./_bundle-sources.ts";

export interface FinderContext {
  ansibleDir: string;
  /** module_utils directories searched in order; ansible's own is last. */
  moduleUtilsPaths: string[];
  collectionRoots: string[];
}

/** Zip path -> content. */
export type BundleFiles = Map<string, Uint8Array | string>;

interface Entry {
  parts: string[];
  ambiguous: boolean;
  childRedirected: boolean;
  optional: boolean;
  /** The file and line that imported it, for the error when it cannot be found. */
  file: string;
  line?: number;
}

interface Located {
  parts: string[];
  isPackage: boolean;
  redirected: boolean;
  source: Uint8Array | string;
  /** The file read; absent for redirect shims and empty packages, whose imports are blamed on their importer. */
  diskPath?: string;
}

const decoder = new TextDecoder();

// Synchronous on purpose: a bundle probes ~100 small paths, and one promise round trip each costs more than the
// read itself (about 40 ms against 10 ms for ping).
function isFile(p: string): boolean {
  return statSync(p, { throwIfNoEntry: false })?.isFile() ?? false;
}
function isDir(p: string): boolean {
  return statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

function compareEntries(a: Entry, b: Entry): number {
  const n = Math.min(a.parts.length, b.parts.length);
  for (let i = 0; i < n; i++) if (a.parts[i] !== b.parts[i]) return a.parts[i]! < b.parts[i]! ? -1 : 1;
  return a.parts.length - b.parts.length;
}

function pyList(names: string[][]): string {
  return `[${names.map((n) => `'${n.join(".")}'`).join(", ")}]`;
}

class Finder {
  private readonly found = new Map<string, { path: string; source: Uint8Array | string }>();

  constructor(private readonly ctx: FinderContext) {}

  async run(moduleFqn: string, moduleFile: string, moduleSource: string): Promise<BundleFiles> {
    this.found.set("ansible", { path: "ansible/__init__.py", source: await ansibleInitStub(this.ctx.ansibleDir) });
    this.found.set("ansible.module_utils", { path: "ansible/module_utils/__init__.py", source: MODULE_UTILS_INIT_STUB });
    const todo: Entry[] = scanImports(moduleSource, moduleFqn, false).map((r) => ({
      parts: r.parts,
      ambiguous: true,
      childRedirected: false,
      optional: r.optional,
      file: moduleFile,
      line: r.line,
    }));
    // As in ansible: basic is always shipped, since AnsiballZ's argument passing goes through it.
    todo.push({ parts: ["ansible", "module_utils", "basic"], ambiguous: false, childRedirected: false, optional: false, file: moduleFile });
    while (todo.length) {
      todo.sort(compareEntries);
      const entry = todo.shift()!;
      if (this.found.has(entry.parts.join("."))) continue;
      const [top, second] = entry.parts;
      let located: Located | undefined;
      let candidates: string[][];
      if (top === "ansible" && second === "module_utils") [located, candidates] = await this.legacy(entry);
      else if (top === "ansible_collections") [located, candidates] = await this.collection(entry);
      else continue; // ansible warns that its finder picked up a non-module_utils name, and skips it
      if (!located) {
        if (entry.optional) continue;
        throw new ModuleNotFoundError(
          "MODULE_NOT_FOUND",
          `Could not find imported module support code for ${moduleFqn}.  Looked for (${pyList(candidates)})`,
          { file: entry.file, line: entry.line, hint: "install the collection or module_utils file it imports, or fix the import" },
        );
      }
      const name = located.parts.join(".");
      if (this.found.has(name)) continue;
      const path = [...located.parts, ...(located.isPackage ? ["__init__"] : [])].join("/") + ".py";
      const text = typeof located.source === "string" ? located.source : decoder.decode(located.source);
      for (const r of scanImports(text, name, located.isPackage)) {
        if (!this.found.has(r.parts.join("."))) {
          const [file, line] = located.diskPath ? [located.diskPath, r.line] : [entry.file, entry.line];
          todo.push({ parts: r.parts, ambiguous: true, childRedirected: false, optional: r.optional, file, line });
        }
      }
      this.found.set(name, { path, source: located.source });
      for (let i = 1; i < located.parts.length; i++) {
        const pkg = located.parts.slice(0, i);
        if (!this.found.has(pkg.join("."))) {
          todo.push({ parts: pkg, ambiguous: false, childRedirected: located.redirected, optional: entry.optional, file: located.diskPath ?? entry.file });
        }
      }
    }
    return new Map([...this.found.values()].map((f) => [f.path, f.source]));
  }

  /** What `from a.b.c import d` may mean: module a.b.c.d, or name d in a.b.c (only below the first level). */
  private candidates(entry: Entry, base: number): string[][] {
    const { parts } = entry;
    return entry.ambiguous && parts.length - base > 1 ? [parts, parts.slice(0, -1)] : [parts];
  }

  private async legacy(entry: Entry): Promise<[Located | undefined, string[][]]> {
    // six builds its submodules (six.moves...) at runtime: everything under it is six itself.
    const candidates = entry.parts[2] === "six" ? [["ansible", "module_utils", "six"]] : this.candidates(entry, 2);
    for (const c of candidates) {
      const local = await this.legacyFile(c);
      if (local) return [local, candidates];
      const routed = await this.redirect(c, 2, "ansible.builtin", entry);
      if (routed) return [routed, candidates];
    }
    return [this.fakePackage(entry, candidates), candidates];
  }

  private async legacyFile(parts: string[]): Promise<Located | undefined> {
    const rel = parts.slice(2);
    const name = rel.at(-1)!;
    for (const root of this.ctx.moduleUtilsPaths) {
      const dir = join(root, ...rel.slice(0, -1));
      for (const [file, isPackage] of [[join(dir, name, "__init__.py"), true], [join(dir, `${name}.py`), false]] as const) {
        if (isFile(file)) return { parts, isPackage, redirected: false, source: new Uint8Array(readFileSync(file)), diskPath: file };
      }
    }
    return undefined;
  }

  private async collection(entry: Entry): Promise<[Located | undefined, string[][]]> {
    const { parts } = entry;
    if (parts.length >= 6 && (parts[3] !== "plugins" || parts[4] !== "module_utils")) {
      throw new ModuleNotFoundError(
        "MODULE_NOT_FOUND",
        `CollectionModuleUtilLocator can only locate below ansible_collections.(ns).(coll).plugins.module_utils, got ${parts.join(".")}`,
        { file: entry.file, line: entry.line, hint: "a module may only import a collection's plugins/module_utils" },
      );
    }
    const candidates = this.candidates(entry, 5);
    for (const c of candidates) {
      const routed = await this.redirect(c, 5, `${c[1]}.${c[2]}`, entry);
      if (routed) return [routed, candidates];
      const local = await this.collectionFile(c);
      if (local) return [local, candidates];
    }
    return [this.fakePackage(entry, candidates), candidates];
  }

  private async collectionFile(parts: string[]): Promise<Located | undefined> {
    // Packages down to plugins.module_utils are shipped empty: their real __init__ must not run on the host.
    if (parts.length < 6) return { parts, isPackage: true, redirected: false, source: "" };
    const dir = await findCollectionDir(this.ctx.collectionRoots, parts[1]!, parts[2]!);
    if (!dir) return undefined;
    const base = join(dir, ...parts.slice(3));
    const init = join(base, "__init__.py");
    if (isFile(init)) return { parts, isPackage: true, redirected: false, source: new Uint8Array(readFileSync(init)), diskPath: init };
    // The collection loader reads a missing __init__.py of an existing directory as empty (py3-style packages).
    if (isDir(base)) return { parts, isPackage: true, redirected: false, source: "" };
    const file = `${base}.py`;
    if (isFile(file)) return { parts, isPackage: false, redirected: false, source: new Uint8Array(readFileSync(file)), diskPath: file };
    return undefined;
  }

  /** Packages above a redirected module_util may not exist on disk: they are shipped empty. */
  private fakePackage(entry: Entry, candidates: string[][]): Located | undefined {
    return entry.childRedirected ? { parts: candidates.at(-1)!, isPackage: true, redirected: false, source: "" } : undefined;
  }

  private async redirect(parts: string[], base: number, collection: string, entry: Entry): Promise<Located | undefined> {
    const rest = parts.slice(base);
    if (!rest.length) return undefined;
    const routing = await this.routing(collection, parts, entry);
    const route = routing?.[rest.join(".")];
    if (!route) return undefined;
    const source = parts.join(".");
    const gone = route.tombstone ?? route.deprecation;
    if (route.tombstone) {
      const owner = collection === "ansible.builtin" ? "ansible-core" : collection;
      const when = gone?.removal_date
        ? `in a release after ${gone.removal_date}.`
        : gone?.removal_version
          ? `in version ${gone.removal_version}.`
          : "in a future release.";
      const what = `module_util ${source} has been removed${gone?.warning_text ? ` (${gone.warning_text})` : "."}`;
      throw new ModuleNotFoundError(
        "MODULE_NOT_FOUND",
        `[DEPRECATED]: ${/[!?.]$/.test(what) ? what : `${what}.`} This feature was removed from ${owner} ${when} Please update your playbooks.`,
        { file: entry.file, line: entry.line, hint: "use the module_util that replaced it" },
      );
    }
    if (route.redirect === undefined) return undefined;
    let target = route.redirect;
    if (!target.startsWith("ansible_collections")) {
      const fq = target.split(".");
      if (fq.length < 3) {
        throw new ModuleNotFoundError("MODULE_NOT_FOUND", `invalid redirect for ${source}: ${target}`, { file: entry.file, line: entry.line });
      }
      target = ["ansible_collections", fq[0], fq[1], "plugins", "module_utils", ...fq.slice(2)].join(".");
    }
    const shim = `\nimport sys\nimport ${target} as mod\n\nsys.modules['${source}'] = mod\n`;
    return { parts, isPackage: true, redirected: true, source: shim };
  }

  private async routing(collection: string, parts: string[], entry: Entry): Promise<ModuleUtilsRouting | undefined> {
    if (collection === "ansible.builtin") return moduleUtilsRouting(join(this.ctx.ansibleDir, "config", "ansible_builtin_runtime.yml"));
    const [ns, coll] = collection.split(".") as [string, string];
    const dir = await findCollectionDir(this.ctx.collectionRoots, ns, coll);
    if (dir) return moduleUtilsRouting(join(dir, "meta", "runtime.yml"));
    if (entry.optional) return undefined;
    throw new ModuleNotFoundError(
      "MODULE_NOT_FOUND",
      `error processing module_util ${parts.join(".")} loading redirected collection ${collection}: unable to locate collection ${collection}`,
      { file: entry.file, line: entry.line, hint: `install the collection (ansible-galaxy collection install ${collection}) or add its path to the collections paths` },
    );
  }
}

/**
 * Every file a module needs besides itself, keyed by zip path: the stub `ansible/__init__.py` and
 * `ansible/module_utils/__init__.py` AnsiballZ ships, and each module_util (or redirect shim) with its packages.
 */
export function findModuleUtils(ctx: FinderContext, moduleFqn: string, moduleFile: string, moduleSource: string): Promise<BundleFiles> {
  return new Finder(ctx).run(moduleFqn, moduleFile, moduleSource);
}
