// Module bundles checked against ansible itself: the import scanner against ModuleDepFinder, the bundled files
// (names and bytes) against recursive_finder, error messages against recursive_finder's, and the modules run
// from their bundles by the real gate under an interpreter that cannot import ansible (`python3 -I -S`),
// compared with the same modules run by ansible.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { unzipSync } from "fflate";
import { ModuleNotFoundError } from "../../../src/errors.ts";
import { MessageDecoder, encodeMessage, type GateMessage, type MessageMap, type MessageType } from "../../../src/gate/index.ts";
import { buildModuleBundle, type ModuleBundle } from "../../../src/modules/_bundle.ts";
import { scanImports } from "../../../src/modules/_bundle-scan.ts";
import type { ResolvedModule } from "../../../src/modules/_resolve.ts";
import { runAnsibleAdhoc, SYSTEM_PYTHON, withoutKeys } from "../../helpers/ansible.ts";

const ROOT = join(import.meta.dir, "..", "..", "..");
const FIX = join(ROOT, "test", "fixtures", "modules-bundle");
const SITE = "/usr/lib/python3/dist-packages";
const ANSIBLE = join(SITE, "ansible");
const OWN = join(FIX, "collections"); // ftlbundle.utils
const DEMO = join(ROOT, "test", "fixtures", "modules-b", "collections"); // ftltest.demo
const LIBRARY = join(ROOT, "test", "fixtures", "modules-b", "library");
const BUILTINS = ["ping", "command", "stat", "file", "copy", "setup", "lineinfile"];

const builtin = (m: string): ResolvedModule => ({
  fqcn: `ansible.builtin.${m}`,
  path: join(ANSIBLE, "modules", `${m}.py`),
  pythonModule: `ansible.modules.${m}`,
  kind: "ansible-builtin",
});
const inCollection = (root: string, ns: string, coll: string, m: string): ResolvedModule => ({
  fqcn: `${ns}.${coll}.${m}`,
  path: join(root, "ansible_collections", ns, coll, "plugins", "modules", `${m}.py`),
  pythonModule: `ansible_collections.${ns}.${coll}.plugins.modules.${m}`,
  collectionsRoot: root,
  kind: "collection",
});
const OPTS = { collectionRoots: [OWN, DEMO] };

function pyFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".py")).map((f) => join(dir, f));
}

/** Drops keys at any depth (file times differ between two runs on freshly made files). */
function withoutDeep(value: unknown, keys: readonly string[]): unknown {
  if (Array.isArray(value)) return value.map((v) => withoutDeep(v, keys));
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).filter(([k]) => !keys.includes(k)).map(([k, v]) => [k, withoutDeep(v, keys)]));
}

/**
 * The oracle for builtins: `python3 -S -m ansible.modules.X` with only ansible on the path, so it sees the same
 * Python the isolated gate does (with site-packages, ansible's distro shim prefers the system `distro`).
 */
function runSiteless(siteDir: string, module: string, args: Record<string, unknown>, checkMode: boolean, cwd: string): Record<string, unknown> {
  const payload = { ANSIBLE_MODULE_ARGS: { ...args, _ansible_check_mode: checkMode, _ansible_diff: false, _ansible_module_name: module } };
  const r = spawnSync(SYSTEM_PYTHON, ["-S", "-m", `ansible.modules.${module}`], {
    input: JSON.stringify(payload),
    cwd,
    env: { ...process.env, PYTHONPATH: siteDir },
    encoding: "utf8",
  });
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

function python(script: string, input: unknown, env: Record<string, string> = {}): Record<string, unknown> {
  const r = spawnSync(SYSTEM_PYTHON, [join(FIX, script)], {
    input: JSON.stringify(input),
    encoding: "utf8",
    maxBuffer: 1 << 26,
    env: { ...process.env, ...env },
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

test("the import scanner finds what ansible's ModuleDepFinder finds, optional imports included", () => {
  const files: [string, string, boolean][] = [];
  for (const sub of ["module_utils", "modules"]) {
    for (const f of pyFiles(join(ANSIBLE, sub))) {
      const rel = relative(SITE, f);
      files.push([f, rel.replace(/(\/__init__)?\.py$/, "").replaceAll("/", "."), rel.endsWith("/__init__.py")]);
    }
  }
  for (const f of pyFiles(join(OWN, "ansible_collections"))) {
    const rel = relative(OWN, f);
    files.push([f, rel.replace(/(\/__init__)?\.py$/, "").replaceAll("/", "."), rel.endsWith("/__init__.py")]);
  }
  files.push([join(FIX, "scan", "tricky.py"), "ansible_collections.ns.coll.plugins.modules.tricky", false]);
  const want = python("dep_finder.py", files) as Record<string, [string[], string[]]>;
  expect(files.length).toBeGreaterThan(150);
  for (const [path, fqn, isPackage] of files) {
    const refs = scanImports(readFileSync(path, "utf8"), fqn, isPackage);
    const names = [...new Set(refs.map((r) => r.parts.join(".")))].sort();
    const optional = [...new Set(refs.filter((r) => r.optional).map((r) => r.parts.join(".")))].sort();
    expect({ path, names, optional }).toEqual({ path, names: want[path]![0], optional: want[path]![1] });
  }
}, 30_000);

test("the scanner gives each import its line, with CRLF line ends and a BOM too", () => {
  const src = 'x = """\nimport ansible.module_utils.no\n"""\nfrom ansible.module_utils.a import (\n  b,\n)\nif x: import ansible.module_utils.c\n';
  const want = [
    { parts: ["ansible", "module_utils", "a", "b"], optional: false, line: 4 },
    { parts: ["ansible", "module_utils", "c"], optional: true, line: 7 },
  ];
  expect(scanImports(src, "ansible.modules.m", false)).toEqual(want);
  expect(scanImports(`\uFEFF${src.replaceAll("\n", "\r\n")}`, "ansible.modules.m", false)).toEqual(want);
});

describe("bundle contents against ansible's recursive_finder", () => {
  const mods: ResolvedModule[] = [
    ...BUILTINS.map(builtin),
    inCollection(DEMO, "ftltest", "demo", "echo"),
    inCollection(OWN, "ftlbundle", "utils", "tricky"),
    inCollection(OWN, "ftlbundle", "utils", "moved_full"), // collection redirect + builtin redirect to community.crypto
    inCollection(SITE, "awx", "awx", "job_launch"), // relative imports
    inCollection(SITE, "community", "general", "maven_artifact"), // six.moves
  ];
  const errors = ["missing", "gone", "bad", "elsewhere"].map((m) => inCollection(OWN, "ftlbundle", "utils", m));
  let oracle: Record<string, { files?: Record<string, string>; error?: string }> = {};
  beforeAll(() => {
    oracle = python("recursive_finder.py", { roots: [OWN, DEMO], modules: [...mods, ...errors].map((m) => [m.fqcn, m.pythonModule, m.path]) }) as typeof oracle;
  });

  for (const m of mods) {
    test(m.fqcn, async () => {
      const b = await buildModuleBundle(m, OPTS);
      const unzipped = unzipSync(b.bytes);
      const sha = (data: Uint8Array): string => createHash("sha256").update(data).digest("hex");
      const ours = Object.fromEntries(Object.entries(unzipped).map(([n, d]) => [n, sha(d)]));
      const modulePath = `${m.pythonModule!.replaceAll(".", "/")}.py`;
      expect(ours[modulePath]).toBe(sha(new Uint8Array(readFileSync(m.path))));
      const packages = Object.keys(ours).filter((n) => n.includes("/modules/") && n !== modulePath);
      for (const p of packages) expect(unzipped[p]!.length).toBe(0);
      for (const n of [modulePath, ...packages]) delete ours[n];
      expect(ours).toEqual(oracle[m.path]!.files!);
      expect(b.files).toEqual(Object.keys(unzipped).sort());
      expect(b.pythonModule).toBe(m.pythonModule!);
    });
  }

  for (const m of errors) {
    test(`error: ${m.fqcn}`, async () => {
      const lines = readFileSync(m.path, "utf8").split("\n");
      const line = lines.findLastIndex((l) => l.startsWith("from ")) + 1; // each fixture's offending import is its last
      const err = await buildModuleBundle(m, OPTS).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(ModuleNotFoundError);
      expect((err as ModuleNotFoundError).message).toBe(oracle[m.path]!.error!);
      expect([(err as ModuleNotFoundError).file, (err as ModuleNotFoundError).line]).toEqual([m.path, line]);
    });
  }
});

test("module_utils directories (ANSIBLE_MODULE_UTILS) are searched before ansible's, as recursive_finder does", async () => {
  const dir = join(FIX, "module_utils");
  const m: ResolvedModule = { fqcn: "ansible.legacy.uses_extra", path: join(FIX, "library", "uses_extra.py"), kind: "library" };
  const want = python("recursive_finder.py", { roots: [], modules: [["uses_extra", "ansible.modules.uses_extra", m.path]] }, { ANSIBLE_MODULE_UTILS: dir });
  const expected = [...Object.keys((want[m.path] as { files: Record<string, string> }).files), "ftl2_library/__init__.py", "ftl2_library/uses_extra.py"].sort();
  expect(expected).toContain("ansible/module_utils/ftl_pkg/inner.py");
  expect((await buildModuleBundle(m, { env: { ...process.env, ANSIBLE_MODULE_UTILS: dir } })).files).toEqual(expected);
  expect((await buildModuleBundle(m, { moduleUtilsPaths: [dir] })).files).toEqual(expected);
  const err = await buildModuleBundle(m, { moduleUtilsPaths: [] }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ModuleNotFoundError);
  expect([(err as ModuleNotFoundError).file, (err as ModuleNotFoundError).line]).toEqual([m.path, 4]);
});

describe("building", () => {
  let tmp = "";
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), "ftl-bundle-"));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  test("is deterministic, cached by path and mtime, with fixed zip times; ping is small", async () => {
    const a = await buildModuleBundle(builtin("ping"));
    expect(await buildModuleBundle(builtin("ping"))).toBe(a);
    const fresh = await buildModuleBundle(builtin("ping"), { moduleUtilsPaths: [join(tmp, "none")] }); // another key: a new build
    expect(fresh).not.toBe(a);
    expect(fresh.sha256).toBe(a.sha256);
    expect(fresh.sha256).toBe(createHash("sha256").update(a.bytes).digest("hex"));
    // Python's zipfile reads it back whole: CRCs, fixed date and mode, the same names.
    writeFileSync(join(tmp, "ping.zip"), a.bytes);
    const check = "import sys,zipfile,json;z=zipfile.ZipFile(sys.argv[1]);i=z.infolist();" +
      "print(json.dumps([z.testzip(),sorted({(x.date_time,x.external_attr>>16,x.compress_type) for x in i}),[x.filename for x in i]]))";
    const read = JSON.parse(spawnSync(SYSTEM_PYTHON, ["-c", check, join(tmp, "ping.zip")], { encoding: "utf8" }).stdout);
    expect(read[0]).toBeNull();
    expect(read[1]).toEqual([[[1980, 1, 1, 0, 0, 0], 0o100644, 0], [[1980, 1, 1, 0, 0, 0], 0o100644, 8]]); // empty files stored
    expect(read[2]).toEqual(a.files);
    expect(a.bytes.length).toBeLessThan(120_000);
    const sizes = Object.fromEntries(await Promise.all(BUILTINS.map(async (m) => [m, (await buildModuleBundle(builtin(m))).bytes.length])));
    console.log("bundle sizes (bytes):", JSON.stringify(sizes));

    const lib = join(tmp, "lib");
    mkdirSync(lib);
    copyFileSync(join(LIBRARY, "libmod.py"), join(lib, "libmod.py"));
    const resolved: ResolvedModule = { fqcn: "ansible.legacy.libmod", path: join(lib, "libmod.py"), kind: "library" };
    const first = await buildModuleBundle(resolved);
    expect(first.pythonModule).toBe("ftl2_library.libmod");
    expect(first.files).toContain("ftl2_library/__init__.py");
    utimesSync(resolved.path, new Date(2001, 1, 1), new Date(2001, 1, 1));
    const second = await buildModuleBundle(resolved);
    expect(second).not.toBe(first);
    expect(second.sha256).toBe(first.sha256);
  });

  test("a binary module is refused", async () => {
    const binary: ResolvedModule = { fqcn: "ansible.legacy.binmod", path: join(FIX, "library", "binmod"), kind: "library" };
    const err = await buildModuleBundle(binary).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModuleNotFoundError);
    expect((err as ModuleNotFoundError).message).toContain("is a binary module");
    expect((err as ModuleNotFoundError).file).toBe(binary.path);
  });

  test("a controller Python without ansible is reported", async () => {
    const noAnsible = join(tmp, "python-without-ansible");
    writeFileSync(noAnsible, `#!/bin/sh\nexec ${SYSTEM_PYTHON} -I -S "$@"\n`);
    chmodSync(noAnsible, 0o755);
    const err = await buildModuleBundle(inCollection(DEMO, "ftltest", "demo", "echo"), { python: noAnsible }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModuleNotFoundError);
    expect((err as ModuleNotFoundError).message).toBe(`${noAnsible} cannot import ansible, so its module_utils cannot be bundled`);
  });
});

/** The real gate under `python3 -I -S`: no site-packages, so no ansible but what the bundle brings. */
class IsolatedGate {
  readonly proc: ChildProcessWithoutNullStreams;
  private readonly decoder = new MessageDecoder();
  private readonly waiting = new Map<number, (m: GateMessage) => void>();
  private nextId = 1;

  constructor(cacheDir: string) {
    this.proc = spawn(SYSTEM_PYTHON, ["-I", "-S", join(ROOT, "gate", "__main__.py")], { env: { ...process.env, FTL_GATE_CACHE_DIR: cacheDir } });
    this.proc.stdout.on("data", (chunk: Buffer) => {
      for (const e of this.decoder.push(new Uint8Array(chunk))) {
        if (e.kind === "error") throw e.error;
        this.waiting.get(e.message.id ?? -1)?.(e.message);
      }
    });
  }

  request<K extends MessageType>(type: K, data: MessageMap[K]): Promise<GateMessage> {
    const id = this.nextId++;
    const reply = new Promise<GateMessage>((resolve) => this.waiting.set(id, resolve));
    this.proc.stdin.write(encodeMessage({ type, data, id } as GateMessage));
    return reply;
  }

  /** Runs a module from its bundle: by hash first, then with the bundle when the gate lacks it. */
  async run(b: ModuleBundle, name: string, args: Record<string, unknown>, checkMode = false): Promise<Record<string, unknown>> {
    const data = { name, args, check_mode: checkMode, bundle_hash: b.sha256, python_module: b.pythonModule };
    let reply = await this.request("Module", data);
    if (reply.type === "ModuleNotFound") reply = await this.request("Module", { ...data, bundle: Buffer.from(b.bytes).toString("base64") });
    if (reply.type !== "ModuleResult" || !reply.data.result) throw new Error(`gate: ${JSON.stringify(reply)}`);
    return reply.data.result;
  }
}

describe("run by the real gate without ansible installed", () => {
  let tmp = "";
  let gate: IsolatedGate;
  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), "ftl-bundle-gate-"));
    gate = new IsolatedGate(join(tmp, "cache"));
    mkdirSync(join(tmp, "site"));
    symlinkSync(ANSIBLE, join(tmp, "site", "ansible"));
    expect((await gate.request("Hello", { version: 1, capabilities: ["multiplex"] })).type).toBe("Hello");
  });
  afterAll(() => {
    gate.proc.kill("SIGKILL");
    rmSync(tmp, { recursive: true, force: true });
  });

  test("the isolated interpreter really cannot import ansible", () => {
    expect(spawnSync(SYSTEM_PYTHON, ["-I", "-S", "-c", "import ansible"]).status).not.toBe(0);
  });

  test("a bundle is asked for by hash, uploaded once, then run from the gate's cache", async () => {
    const b = await buildModuleBundle(builtin("ping"));
    const data = { name: "ping", args: { data: "cached" }, bundle_hash: b.sha256, python_module: b.pythonModule };
    expect((await gate.request("Module", data)).type).toBe("ModuleNotFound");
    expect(await gate.run(b, "ping", { data: "cached" })).toMatchObject({ ping: "cached" });
    expect(await gate.request("Module", data)).toMatchObject({ type: "ModuleResult", data: { rc: 0, result: { ping: "cached" } } });
  });

  interface Case {
    module: string;
    args: (dir: string) => Record<string, unknown>;
    prepare?: (dir: string) => void;
    drop?: string[];
    checkMode?: boolean;
  }
  const fresh = (dir: string): void => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "src.txt"), "hello\n");
  };
  const FILE_TIMES = ["atime", "mtime", "ctime", "inode"]; // the file is made afresh for each run ("version": its generation)
  const cases: Case[] = [
    { module: "ping", args: () => ({ data: "bundled" }) },
    { module: "command", args: (d) => ({ _raw_params: "echo hi; ls", _uses_shell: true, chdir: d }), drop: ["start", "end", "delta"] },
    { module: "stat", args: (d) => ({ path: join(d, "src.txt"), get_mime: true }), drop: [...FILE_TIMES, "version"] },
    { module: "file", args: (d) => ({ path: join(d, "touched"), state: "touch", mode: "0640" }), drop: FILE_TIMES },
    { module: "file", args: (d) => ({ path: join(d, "newdir"), state: "directory" }), checkMode: true },
    { module: "copy", args: (d) => ({ src: join(d, "src.txt"), dest: join(d, "copied.txt"), _original_basename: "src.txt", mode: "0600" }) },
    { module: "lineinfile", args: (d) => ({ path: join(d, "lines"), line: "hello", create: true }) },
    { module: "setup", args: () => ({ gather_subset: ["!all", "!min", "platform", "distribution", "python"] }) },
  ];
  for (const c of cases) {
    test(`${c.module} ${JSON.stringify(c.args("D"))}${c.checkMode ? " (check mode)" : ""}`, async () => {
      const dir = join(tmp, "work");
      fresh(dir);
      c.prepare?.(dir);
      const theirs = runSiteless(join(tmp, "site"), c.module, c.args(dir), !!c.checkMode, dir);
      fresh(dir);
      c.prepare?.(dir);
      const ours = await gate.run(await buildModuleBundle(builtin(c.module)), c.module, c.args(dir), c.checkMode);
      expect(withoutDeep(ours, c.drop ?? [])).toEqual(withoutDeep(theirs, c.drop ?? []));
    }, 30_000);
  }

  const ADHOC_ONLY = ["_ansible_no_log", "action", "stdout_lines"]; // added by ansible's executor and callback
  const extraUtils = join(FIX, "module_utils");
  const adhocCases: [ResolvedModule, Record<string, unknown>, string[]][] = [
    [inCollection(DEMO, "ftltest", "demo", "echo"), { text: "shout" }, []],
    [inCollection(OWN, "ftlbundle", "utils", "tricky"), { text: "x y/z" }, []],
    [{ fqcn: "ansible.legacy.libmod", path: join(LIBRARY, "libmod.py"), kind: "library" }, { n: 21 }, ["-M", LIBRARY]],
    [{ fqcn: "ansible.legacy.uses_extra", path: join(FIX, "library", "uses_extra.py"), kind: "library" }, { suffix: "!" }, ["-M", join(FIX, "library")]],
  ];
  for (const [m, args, extra] of adhocCases) {
    test(`${m.fqcn} as ansible runs it`, async () => {
      const env = { ANSIBLE_COLLECTIONS_PATH: `${OWN}:${DEMO}`, ANSIBLE_MODULE_UTILS: extraUtils };
      const theirs = runAnsibleAdhoc(m.fqcn, args, { env, extra });
      const ours = await gate.run(await buildModuleBundle(m, { ...OPTS, moduleUtilsPaths: [extraUtils] }), m.fqcn, args);
      expect(ours).toEqual(withoutKeys(theirs, ADHOC_ONLY));
    }, 30_000);
  }
});
