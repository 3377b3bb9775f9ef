// Module bundles for the remote gate: one zip per Ansible module holding the module at its package path and
// every module_utils file it imports (found as ansible's recursive_finder finds them, see _bundle-find.ts), so
// the gate can run it with `runpy.run_module(pythonModule)` on a host without ansible. Same inputs give the same
// bytes and sha256 (see _bundle-zip.ts), which is the gate's cache key.
//
// Where the module goes in the zip:
// - ansible.builtin: `ansible/modules/X.py`, run as `ansible.modules.X`;
// - collections: `ansible_collections/NS/COLL/plugins/modules/X.py`, with empty package `__init__.py` files;
// - library (-M, ANSIBLE_LIBRARY) modules: `ftl2_library/X.py`, run as `ftl2_library.X`. Not `ansible/modules/X.py`
//   as AnsiballZ does: the gate keeps many bundles on one sys.path, and a library `ping.py` or `copy.py` there
//   would stand in for the builtin of the same name. (So a library module's relative imports, which AnsiballZ
//   would resolve against `ansible.modules`, do not work; absolute imports do.)
import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { ModuleNotFoundError } from "../errors.ts";
import { findModuleUtils } from "./_bundle-find.ts";
import { defaultCollectionRoots, defaultModuleUtilsPaths, findAnsibleDir, isDir } from "./_bundle-sources.ts";
import { zipFiles } from "./_bundle-zip.ts";
import type { ResolvedModule } from "./_resolve.ts";

export interface ModuleBundle {
  /** sha256 of `bytes`, lowercase hex: the gate's `bundle_hash`. */
  sha256: string;
  /** The zip. */
  bytes: Uint8Array;
  /** Dotted module the gate runs: the gate's `python_module`. */
  pythonModule: string;
  /** Zip entry names, sorted. */
  files: string[];
}

export interface BundleOptions {
  /** The `ansible` package whose module_utils are shipped; default: a builtin module's own, else `python`'s. */
  ansibleDir?: string;
  /** Interpreter that finds `ansibleDir` when it is not given (default: discovered as for local modules). */
  python?: string;
  /** module_utils directories searched before ansible's own (default: ANSIBLE_MODULE_UTILS or ansible's defaults). */
  moduleUtilsPaths?: string[];
  /** Parents of `ansible_collections`, searched after the module's own root and before ansible's site directory. */
  collectionRoots?: string[];
  env?: Readonly<Record<string, string | undefined>>;
}

const LIBRARY_PACKAGE = "ftl2_library";
const cache = new Map<string, Promise<ModuleBundle>>();

/** ansible's _is_binary: control characters other than \a\b\t\n\f\r\e in the first 1024 bytes. */
function isBinary(data: Uint8Array): boolean {
  for (const b of data.subarray(0, 1024)) {
    if ((b < 0x20 && ![7, 8, 9, 10, 12, 13, 27].includes(b)) || b === 0x7f) return true;
  }
  return false;
}

function moduleFqn(resolved: ResolvedModule): string {
  const short = basename(resolved.path).replace(/\.py$/, "");
  if (resolved.kind === "library") return `${LIBRARY_PACKAGE}.${short}`;
  return resolved.pythonModule ?? `ansible.modules.${short}`;
}

async function ansibleDirFor(resolved: ResolvedModule, opts: BundleOptions): Promise<string> {
  if (opts.ansibleDir) return opts.ansibleDir;
  if (resolved.kind === "ansible-builtin") return dirname(dirname(resolved.path));
  return findAnsibleDir(opts.python, opts.env ?? process.env);
}

async function existingDirs(paths: readonly string[]): Promise<string[]> {
  const ok = await Promise.all(paths.map(isDir));
  return paths.filter((_, i) => ok[i]);
}

async function build(resolved: ResolvedModule, opts: BundleOptions): Promise<ModuleBundle> {
  const env = opts.env ?? process.env;
  const data = new Uint8Array(await readFile(resolved.path));
  if (isBinary(data)) {
    throw new ModuleNotFoundError("MODULE_NOT_FOUND", `${resolved.fqcn} at ${resolved.path} is a binary module: only Python modules can be bundled for the gate`, {
      file: resolved.path,
      hint: "run it with the ssh fallback, or use a Python module",
    });
  }
  const fqn = moduleFqn(resolved);
  const ansibleDir = await ansibleDirFor(resolved, opts);
  const ctx = {
    ansibleDir,
    moduleUtilsPaths: [...(await existingDirs(opts.moduleUtilsPaths ?? defaultModuleUtilsPaths(env))), join(ansibleDir, "module_utils")],
    // The site directory holding ansible stands in for the collection loader's scan of sys.path.
    collectionRoots: [
      ...new Set([
        ...(resolved.collectionsRoot ? [resolved.collectionsRoot] : []),
        ...(opts.collectionRoots ?? defaultCollectionRoots(env)),
        dirname(ansibleDir),
      ]),
    ],
  };
  const files = await findModuleUtils(ctx, fqn, resolved.path, new TextDecoder().decode(data));
  const parts = fqn.split(".");
  files.set(`${parts.join("/")}.py`, data);
  for (let i = 1; i < parts.length; i++) {
    const init = `${parts.slice(0, i).join("/")}/__init__.py`;
    if (!files.has(init)) files.set(init, ""); // one module per bundle, so plain empty packages will do
  }
  const bytes = zipFiles(files);
  return { sha256: createHash("sha256").update(bytes).digest("hex"), bytes, pythonModule: fqn, files: [...files.keys()].sort() };
}

/**
 * The bundle of a resolved Ansible module, built once per process for each module file (path and mtime) and
 * options. Throws ModuleNotFoundError, naming the importing file and line, when a required module_util is missing.
 */
export async function buildModuleBundle(resolved: ResolvedModule, opts: BundleOptions = {}): Promise<ModuleBundle> {
  const st = await stat(resolved.path);
  const env = opts.env ?? process.env;
  const key = JSON.stringify([
    resolved.path,
    st.mtimeMs,
    st.size,
    resolved.kind,
    resolved.pythonModule,
    resolved.collectionsRoot,
    { ...opts, env: undefined },
    [env.HOME, env.ANSIBLE_MODULE_UTILS, env.ANSIBLE_COLLECTIONS_PATH, env.ANSIBLE_COLLECTIONS_PATHS],
  ]);
  let bundle = cache.get(key);
  if (!bundle) {
    bundle = build(resolved, opts);
    bundle.catch(() => cache.delete(key));
    cache.set(key, bundle);
  }
  return bundle;
}
