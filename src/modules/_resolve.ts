// Finds the Ansible module behind a task's module name, the way ansible's plugin loader does: -M/ANSIBLE_LIBRARY
// directories first for short and ansible.legacy names, then ansible.builtin, then collections by FQCN through
// the collection paths, following `plugin_routing` redirects (ansible_builtin_runtime.yml, meta/runtime.yml).
import { spawn } from "node:child_process";
import { readFile, stat } from "node:fs/promises";
import { homedir } from "node:os";
import { basename, delimiter, dirname, isAbsolute, join, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { ModuleNotFoundError } from "../errors.ts";
import { discoverPython } from "./_python.ts";

export interface ResolvedModule {
  /** The name as the task gave it (Ansible passes it to the module as `_ansible_module_name`). */
  name?: string;
  /** Canonical name after redirects: ansible.builtin.X, ns.coll.X, or ansible.legacy.X for a library module. */
  fqcn: string;
  /** The module's source file. */
  path: string;
  /** Dotted name for runpy (ansible.modules.X, ansible_collections.ns.coll.plugins.modules.X). */
  pythonModule?: string;
  /** For collection modules: the directory holding `ansible_collections`, to put on sys.path. */
  collectionsRoot?: string;
  kind: "ansible-builtin" | "collection" | "library";
}

export interface ResolveOptions {
  collectionsPaths?: string[];
  modulePaths?: string[];
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Interpreter whose ansible and site-packages are searched; discovered when absent. */
  python?: string;
}

interface PythonLayout {
  ansibleDir: string;
  sysPath: string[];
}

type Routing = Record<string, { redirect?: string; tombstone?: { warning_text?: string; removal_version?: string } }>;

const layouts = new Map<string, Promise<PythonLayout>>();
const routings = new Map<string, Promise<Routing>>();
const NAME_RE = /^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/;

function pythonLayout(python: string, env: ResolveOptions["env"]): Promise<PythonLayout> {
  let l = layouts.get(python);
  if (!l) {
    l = new Promise<PythonLayout>((res, rej) => {
      const code = "import ansible,os,sys,json;print(json.dumps([os.path.dirname(ansible.__file__),sys.path]))";
      const child = spawn(python, ["-c", code], { env: env as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
      child.on("error", rej);
      child.on("close", (rc) => {
        if (rc !== 0) return rej(new ModuleNotFoundError("MODULE_NOT_FOUND", `${python} cannot import ansible`));
        const [ansibleDir, sysPath] = JSON.parse(out) as [string, string[]];
        res({ ansibleDir, sysPath });
      });
    });
    l.catch(() => layouts.delete(python));
    layouts.set(python, l);
  }
  return l;
}

async function isFile(p: string): Promise<boolean> {
  return (await stat(p).catch(() => undefined))?.isFile() ?? false;
}
async function isDir(p: string): Promise<boolean> {
  return (await stat(p).catch(() => undefined))?.isDirectory() ?? false;
}

/** The `plugin_routing.modules` table of a runtime.yml (cached; a missing or empty file routes nothing). */
function moduleRouting(file: string): Promise<Routing> {
  let r = routings.get(file);
  if (!r) {
    r = readFile(file, "utf8").then(
      (text) => ((parseYaml(text) as { plugin_routing?: { modules?: Routing } } | null)?.plugin_routing?.modules ?? {}),
      () => ({}),
    );
    routings.set(file, r);
  }
  return r;
}

function expandHome(p: string, env: ResolveOptions["env"]): string {
  return p === "~" || p.startsWith("~/") ? join(env.HOME ?? homedir(), p.slice(1)) : p;
}

/** -M paths, then ANSIBLE_LIBRARY, then ansible's defaults (DEFAULT_MODULE_PATH). */
function libraryDirs(opts: ResolveOptions): string[] {
  const fromEnv = opts.env.ANSIBLE_LIBRARY?.split(delimiter).filter(Boolean);
  const dirs = [...(opts.modulePaths ?? []), ...(fromEnv ?? ["~/.ansible/plugins/modules", "/usr/share/ansible/plugins/modules"])];
  return dirs.map((d) => resolve(opts.cwd, expandHome(d, opts.env)));
}

/** Directories that hold (or are) `ansible_collections`, in search order; each returned as the parent. */
function collectionRoots(opts: ResolveOptions, layout: PythonLayout): string[] {
  const fromEnv = (opts.env.ANSIBLE_COLLECTIONS_PATH ?? opts.env.ANSIBLE_COLLECTIONS_PATHS)?.split(delimiter).filter(Boolean);
  const configured = opts.collectionsPaths ?? fromEnv ?? ["~/.ansible/collections", "/usr/share/ansible/collections"];
  const roots = [join(opts.cwd, "collections"), ...configured.map((p) => resolve(opts.cwd, expandHome(p, opts.env)))];
  roots.push(...layout.sysPath.filter((p) => p !== "" && isAbsolute(p)));
  return [...new Set(roots.map((r) => (basename(r) === "ansible_collections" ? dirname(r) : r)))];
}

class Resolver {
  readonly searched: string[] = [];
  private readonly seen = new Set<string>();

  constructor(
    private readonly opts: ResolveOptions,
    private readonly layout: PythonLayout,
  ) {}

  async find(name: string): Promise<ResolvedModule | undefined> {
    if (this.seen.has(name)) return undefined; // a redirect loop resolves to nothing
    this.seen.add(name);
    const parts = name.split(".");
    if (parts.length === 1) return (await this.library(name)) ?? (await this.builtin(name));
    if (parts.length < 3) return undefined;
    const [ns, coll, ...rest] = parts as [string, string, ...string[]];
    const short = rest.join(".");
    if (ns === "ansible" && coll === "legacy") return (await this.library(short)) ?? (await this.builtin(short));
    if (ns === "ansible" && coll === "builtin") return this.builtin(short);
    return this.collection(ns, coll, rest);
  }

  private async library(short: string): Promise<ResolvedModule | undefined> {
    if (short.includes(".")) return undefined;
    for (const dir of libraryDirs(this.opts)) {
      this.searched.push(dir);
      for (const file of [join(dir, `${short}.py`), join(dir, short)]) {
        if (await isFile(file)) return { fqcn: `ansible.legacy.${short}`, path: file, kind: "library" };
      }
    }
    return undefined;
  }

  private async builtin(short: string): Promise<ResolvedModule | undefined> {
    const dir = join(this.layout.ansibleDir, "modules");
    this.searched.push(dir);
    const file = join(dir, `${short}.py`);
    if (!short.includes(".") && (await isFile(file))) {
      return { fqcn: `ansible.builtin.${short}`, path: file, pythonModule: `ansible.modules.${short}`, kind: "ansible-builtin" };
    }
    const route = (await moduleRouting(join(this.layout.ansibleDir, "config", "ansible_builtin_runtime.yml")))[short];
    return this.follow(`ansible.builtin.${short}`, route);
  }

  private async collection(ns: string, coll: string, rest: string[]): Promise<ResolvedModule | undefined> {
    for (const root of collectionRoots(this.opts, this.layout)) {
      const dir = join(root, "ansible_collections", ns, coll);
      this.searched.push(join(root, "ansible_collections"));
      if (!(await isDir(dir))) continue;
      // The first path holding the collection is the collection, as in ansible's collection loader.
      const route = (await moduleRouting(join(dir, "meta", "runtime.yml")))[rest.join(".")];
      if (route) return this.follow(`${ns}.${coll}.${rest.join(".")}`, route);
      const file = join(dir, "plugins", "modules", ...rest.slice(0, -1), `${rest.at(-1)}.py`);
      if (!(await isFile(file))) return undefined;
      return {
        fqcn: `${ns}.${coll}.${rest.join(".")}`,
        path: file,
        pythonModule: ["ansible_collections", ns, coll, "plugins", "modules", ...rest].join("."),
        collectionsRoot: root,
        kind: "collection",
      };
    }
    return undefined;
  }

  private async follow(name: string, route: Routing[string] | undefined): Promise<ResolvedModule | undefined> {
    if (route?.tombstone) {
      const why = route.tombstone.warning_text ?? `removed in ${route.tombstone.removal_version ?? "an earlier version"}`;
      throw new ModuleNotFoundError("MODULE_NOT_FOUND", `${name} has been removed. ${why}`, {
        hint: "use the module that replaced it",
      });
    }
    return route?.redirect ? this.find(route.redirect) : undefined;
  }
}

/** Resolves a module name to its source; throws ModuleNotFoundError naming the places searched. */
export async function resolveModule(name: string, opts: ResolveOptions): Promise<ResolvedModule> {
  const python = opts.python ?? (await discoverPython({}, opts.env));
  const resolver = new Resolver(opts, await pythonLayout(python, opts.env));
  const found = NAME_RE.test(name) ? await resolver.find(name) : undefined;
  if (found) return { name, ...found };
  const searched = [...new Set(resolver.searched)];
  const err = new ModuleNotFoundError(
    "MODULE_NOT_FOUND",
    `couldn't resolve module/action '${name}'. This often indicates a misspelling, missing collection, or incorrect module path.` +
      (searched.length ? ` Searched: ${searched.join(", ")}` : ""),
    { hint: "check the module name, install its collection (ansible-galaxy collection install), or pass -M for a module directory" },
  );
  err.notFound = true;
  throw err;
}
