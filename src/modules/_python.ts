// Finds the Python interpreter that runs Ansible modules on this machine (the local fallback and the
// `python` facts of `setup`). Probing spawns a child per candidate, so answers are cached per process and
// every probe is asynchronous: a slow interpreter never blocks the event loop.
import { spawn } from "node:child_process";
import { access, constants } from "node:fs/promises";
import { delimiter, join } from "node:path";
import { ModuleNotFoundError } from "../errors.ts";

/** Where Ansible's own interpreter discovery looks first, in its order (config INTERPRETER_PYTHON_FALLBACK). */
const STANDARD_PYTHONS = [
  "/usr/bin/python3",
  "/usr/libexec/platform-python",
  "/usr/bin/python3.12",
  "/usr/bin/python3.11",
  "/usr/bin/python3.10",
  "/usr/bin/python3.9",
  "/usr/local/bin/python3",
  "/usr/bin/python",
];

export interface PythonInfo {
  executable: string;
  /** sys.version_info as Ansible's facts give it. */
  version: { major: number; minor: number; micro: number; releaselevel: string; serial: number };
  versionInfo: [number, number, number, string, number];
  /** sys.implementation.name: "cpython", "pypy". */
  type: string;
  hasSslContext: boolean;
  /** "major.minor.micro". */
  versionText: string;
}

const discovered = new Map<string, Promise<string>>();
const described = new Map<string, Promise<PythonInfo | undefined>>();

/** Runs `python -c code` and resolves with its stdout, or undefined when it cannot start or exits non-zero. */
function probe(python: string, code: string, env: Readonly<Record<string, string | undefined>>): Promise<string | undefined> {
  return new Promise((resolve) => {
    const child = spawn(python, ["-c", code], { env: env as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "ignore"] });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
    child.on("error", () => resolve(undefined));
    child.on("close", (rc) => resolve(rc === 0 ? out : undefined));
  });
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Every `python3` on PATH, in PATH order. */
async function pythonsOnPath(env: Readonly<Record<string, string | undefined>>): Promise<string[]> {
  const out: string[] = [];
  for (const dir of (env.PATH ?? "").split(delimiter).filter(Boolean)) {
    const p = join(dir, "python3");
    if (await isExecutable(p)) out.push(p);
  }
  return out;
}

async function findPython(env: Readonly<Record<string, string | undefined>>): Promise<string> {
  const candidates = [...STANDARD_PYTHONS, ...(await pythonsOnPath(env))];
  for (const c of [...new Set(candidates)]) {
    if (!(await isExecutable(c))) continue;
    if ((await probe(c, "import ansible", env)) !== undefined) return c;
  }
  throw new ModuleNotFoundError("MODULE_NOT_FOUND", `no Python interpreter that can import ansible (tried ${candidates.join(", ")})`, {
    hint: "install ansible-core, or set ansible_python_interpreter for this host",
  });
}

/**
 * The interpreter to run Ansible modules with: `ansible_python_interpreter` when the host sets it, else the
 * first standard or PATH `python3` that can `import ansible`. Cached per process (per setting and PATH).
 */
export function discoverPython(
  hostVars: Readonly<Record<string, unknown>>,
  env: Readonly<Record<string, string | undefined>>,
): Promise<string> {
  const set = hostVars.ansible_python_interpreter;
  if (typeof set === "string" && set !== "" && !set.startsWith("auto")) return Promise.resolve(set);
  const key = env.PATH ?? "";
  let found = discovered.get(key);
  if (!found) {
    found = findPython(env);
    // A failed discovery is not cached: the user may install ansible and retry in the same process.
    found.catch(() => discovered.delete(key));
    discovered.set(key, found);
  }
  return found;
}

const DESCRIBE =
  "import sys,json\ntry:\n from ssl import SSLContext\n s=True\nexcept Exception:\n s=False\n" +
  "print(json.dumps([list(sys.version_info),sys.executable,sys.implementation.name,s]))";

/** Version, executable and type of an interpreter, as `setup` reports them; undefined when it does not run. */
export function describePython(python: string, env: Readonly<Record<string, string | undefined>> = process.env): Promise<PythonInfo | undefined> {
  let info = described.get(python);
  if (!info) {
    info = probe(python, DESCRIBE, env).then((out) => {
      if (out === undefined) return undefined;
      const [v, executable, type, ssl] = JSON.parse(out) as [[number, number, number, string, number], string, string, boolean];
      return {
        executable,
        type,
        hasSslContext: ssl,
        versionInfo: v,
        version: { major: v[0], minor: v[1], micro: v[2], releaselevel: v[3], serial: v[4] },
        versionText: `${v[0]}.${v[1]}.${v[2]}`,
      };
    });
    described.set(python, info);
  }
  return info;
}
