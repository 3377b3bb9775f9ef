// Where a bundle's files come from: ansible's own install (module_utils, release, builtin routing), the
// module_utils directories ansible searches before its own, and the collection roots. Lookups are cached per
// process: a bundle build reads each runtime.yml once.
import { spawn } from "node:child_process";
import { readFile, stat } from "node:fs/promises";
import { homedir } from "node:os";
import { basename, delimiter, dirname, join, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { ModuleNotFoundError } from "../errors.ts";
import { discoverPython } from "./_python.ts";

type Env = Readonly<Record<string, string | undefined>>;

export interface RoutingEntry {
  redirect?: string;
  tombstone?: { removal_version?: string; removal_date?: string; warning_text?: string };
  deprecation?: { removal_version?: string; removal_date?: string; warning_text?: string };
}
export type ModuleUtilsRouting = Record<string, RoutingEntry | null>;

type YamlParse = (text: string) => unknown;
// Bun's parser reads the 9000-line builtin runtime.yml in ~15 ms, the `yaml` package in ~450 ms; for routing
// tables (names and dotted strings) YAML 1.1 and 1.2 mean the same.
const bunYaml = (globalThis as { Bun?: { YAML?: { parse: YamlParse } } }).Bun?.YAML?.parse;

const ansibleDirs = new Map<string, Promise<string>>();
const routings = new Map<string, Promise<ModuleUtilsRouting>>();

export async function isFile(p: string): Promise<boolean> {
  return (await stat(p).catch(() => undefined))?.isFile() ?? false;
}
export async function isDir(p: string): Promise<boolean> {
  return (await stat(p).catch(() => undefined))?.isDirectory() ?? false;
}

/** The directory of the `ansible` package that `python` imports (cached per interpreter). */
export function findAnsibleDir(python: string | undefined, env: Env): Promise<string> {
  const key = python ?? "";
  let found = ansibleDirs.get(key);
  if (!found) {
    found = (async () => {
      const exe = python ?? (await discoverPython({}, env));
      return new Promise<string>((res, rej) => {
        const code = "import ansible,os;print(os.path.dirname(ansible.__file__))";
        const child = spawn(exe, ["-c", code], { env: env as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "ignore"] });
        let out = "";
        child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
        child.on("error", rej);
        child.on("close", (rc) =>
          rc === 0 && out.trim()
            ? res(out.trim())
            : rej(new ModuleNotFoundError("MODULE_NOT_FOUND", `${exe} cannot import ansible, so its module_utils cannot be bundled`, {
                hint: "install ansible-core on the controller, or set ansible_python_interpreter to a Python that has it",
              })),
        );
      });
    })();
    found.catch(() => ansibleDirs.delete(key));
    ansibleDirs.set(key, found);
  }
  return found;
}

function expandHome(p: string, env: Env): string {
  return p === "~" || p.startsWith("~/") ? join(env.HOME ?? homedir(), p.slice(1)) : p;
}

/** ansible's DEFAULT_MODULE_UTILS_PATH: ANSIBLE_MODULE_UTILS, else its two defaults (searched before ansible's own). */
export function defaultModuleUtilsPaths(env: Env): string[] {
  const configured = env.ANSIBLE_MODULE_UTILS?.split(delimiter).filter(Boolean);
  const paths = configured ?? ["~/.ansible/plugins/module_utils", "/usr/share/ansible/plugins/module_utils"];
  return paths.map((p) => resolve(expandHome(p, env)));
}

/** Parents of `ansible_collections` from ANSIBLE_COLLECTIONS_PATH(S), else ansible's defaults. */
export function defaultCollectionRoots(env: Env): string[] {
  const configured = (env.ANSIBLE_COLLECTIONS_PATH ?? env.ANSIBLE_COLLECTIONS_PATHS)?.split(delimiter).filter(Boolean);
  const paths = configured ?? ["~/.ansible/collections", "/usr/share/ansible/collections"];
  return paths.map((p) => resolve(expandHome(p, env))).map((p) => (basename(p) === "ansible_collections" ? dirname(p) : p));
}

/** The collection's directory under the first root that holds it, as ansible's collection loader picks it. */
export async function findCollectionDir(roots: readonly string[], ns: string, coll: string): Promise<string | undefined> {
  for (const root of roots) {
    const dir = join(root, "ansible_collections", ns, coll);
    if (await isDir(dir)) return dir;
  }
  return undefined;
}

function parseRouting(text: string): ModuleUtilsRouting {
  let doc: unknown;
  try {
    doc = bunYaml ? bunYaml(text) : parseYaml(text);
  } catch {
    doc = parseYaml(text);
  }
  const routing = (doc as { plugin_routing?: { module_utils?: ModuleUtilsRouting } } | null)?.plugin_routing?.module_utils;
  return routing && typeof routing === "object" ? routing : {};
}

/** `plugin_routing.module_utils` of a runtime.yml; a missing file routes nothing. */
export function moduleUtilsRouting(file: string): Promise<ModuleUtilsRouting> {
  let r = routings.get(file);
  if (!r) {
    r = readFile(file, "utf8").then(parseRouting, () => ({}));
    routings.set(file, r);
  }
  return r;
}

/** `ansible/__init__.py` as AnsiballZ ships it: the real one imports controller-only code. */
export async function ansibleInitStub(ansibleDir: string): Promise<string> {
  const release = await readFile(join(ansibleDir, "release.py"), "utf8").catch(() => "");
  const field = (name: string): string => new RegExp(`^${name}\\s*=\\s*['"]([^'"]*)['"]`, "m").exec(release)?.[1] ?? "";
  return (
    "from pkgutil import extend_path\n__path__=extend_path(__path__,__name__)\n" +
    `__version__="${field("__version__")}"\n__author__="${field("__author__")}"\n`
  );
}

/** `ansible/module_utils/__init__.py` as AnsiballZ ships it (a namespace-style stub). */
export const MODULE_UTILS_INIT_STUB = "from pkgutil import extend_path\n__path__=extend_path(__path__,__name__)\n";
