// Our transmit against the real `ansible-runner transmit`: same kwargs line, same zip entries (names, order,
// modes, dates, CRCs, contents; only the deflate bytes may differ), same framing; and the real worker reads ours.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { buildTransmitKwargs, extractZip, parseTransmitArgv, readWorkerInput, transmit } from "../../../src/runner/index.ts";
import { chunked, runRunner, splitStream, tempDir, treeOf } from "./_oracle.ts";

const tmp = tempDir();
const src = join(tmp.path, "src");

function makeTree(root: string): void {
  mkdirSync(join(root, "inventory"), { recursive: true });
  mkdirSync(join(root, "env"), { mode: 0o700 });
  mkdirSync(join(root, "project/a/b"), { recursive: true });
  mkdirSync(join(root, "roles/r1"), { recursive: true });
  writeFileSync(join(root, "inventory/hosts"), "localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n");
  writeFileSync(join(root, "inventory/script.sh"), "#!/bin/sh\necho '{}'\n", { mode: 0o755 });
  writeFileSync(join(root, "project/a/b/deep.txt"), "x".repeat(5000));
  writeFileSync(join(root, "project/empty"), "");
  writeFileSync(join(root, "project/café.txt"), "non-ascii name\n", { mode: 0o640 });
  writeFileSync(join(root, "roles/r1/main.yml"), "---\n");
  symlinkSync("inventory/hosts", join(root, "toplink"));
  symlinkSync("../roles", join(root, "project/roles"));
  symlinkSync("missing", join(root, "project/dangling"));
  spawnSync("mkfifo", [join(root, "project/pipe")]);
  // fixed mtimes (an even second: zip dates have 2-second steps), deepest first so parents keep theirs
  const t = new Date("2024-03-05T06:07:08Z").getTime() / 1000;
  for (const p of ["project/a/b/deep.txt", "project/a/b", "project/a", "project/empty", "project/café.txt", "roles/r1/main.yml", "roles/r1", "roles",
    "inventory/hosts", "inventory/script.sh", "inventory", "env", "project"]) utimesSync(join(root, p), t, t);
}

function copyTree(to: string): string {
  const r = spawnSync("cp", ["-a", src, to]);
  expect(r.status).toBe(0);
  return to;
}

function zipInfo(b64: string): unknown {
  const py = `import sys,zipfile,io,base64,json
z=zipfile.ZipFile(io.BytesIO(base64.b64decode(sys.stdin.read())))
print(json.dumps([[i.filename,i.date_time,i.compress_type,i.create_system,i.create_version,i.extract_version,i.flag_bits,i.external_attr,i.internal_attr,i.extra.hex(),i.CRC,i.file_size,z.read(i.filename).hex()] for i in z.infolist()]))`;
  const r = spawnSync("/usr/bin/python3", ["-c", py], { input: b64 });
  expect(r.stderr.toString()).toBe("");
  return JSON.parse(r.stdout.toString());
}

async function ours(argv: string[], cwd: string): Promise<Buffer> {
  const opts = parseTransmitArgv(argv);
  const kwargs = buildTransmitKwargs(opts, { cwd, ident: () => "not-used" });
  const parts: Buffer[] = [];
  await transmit(resolve(cwd, opts.privateDataDir), kwargs, (c) => parts.push(Buffer.from(c)));
  return Buffer.concat(parts);
}

beforeAll(() => makeTree(src));
afterAll(() => tmp.cleanup());

describe("transmit", () => {
  test("same kwargs line, zip entries and framing as the real transmit", async () => {
    const a = copyTree(join(tmp.path, "a"));
    const b = copyTree(join(tmp.path, "b"));
    const args = ["-m", "ping", "--hosts", "localhost", "--ident", "abc", "-vv", "--forks", "5", "--limit", "x", "-a", "data=1", "--container-option", "o1"];
    const real = runRunner(["transmit", "a", ...args], { cwd: tmp.path });
    expect(real.stderr).toBe("");
    expect(real.status).toBe(0);
    const mine = await ours(["b", ...args], tmp.path);
    const r = splitStream(real.stdout);
    const m = splitStream(mine);
    expect(m.map((x) => Object.keys(x)[0])).toEqual(["line", "line", "zip", "line"]);
    expect(r.map((x) => Object.keys(x)[0])).toEqual(["line", "line", "zip", "line"]);
    expect((m[0] as { line: string }).line).toBe((r[0] as { line: string }).line);
    expect((m[3] as { line: string }).line).toBe('{"eof": true}');
    expect(mine.subarray(-14).toString()).toBe('{"eof": true}\n');
    expect((m[1] as { line: string }).line).toMatch(/^\{"zipfile": \d+\}$/);
    const rz = zipInfo((r[2] as { zip: string }).zip) as unknown[][];
    const mz = zipInfo((m[2] as { zip: string }).zip) as unknown[][];
    expect(mz).toEqual(rz);
    const names = rz.map((e) => e[0]);
    expect(names).toContain("./toplink");
    expect(names).toContain("project/roles");
    expect(names).not.toContain("project/pipe");
  });

  test("--cmdline goes to env/cmdline (0400) and leaves kwargs; inline --inventory text becomes inventory/hosts", async () => {
    for (const [dir, run] of [
      ["c", (d: string) => runRunner(["transmit", d, "-m", "ping", "--cmdline=--diff -u x", "--inventory", "h1,h2,"], { cwd: tmp.path }).stdout],
      ["d", (d: string) => ours([d, "-m", "ping", "--cmdline=--diff -u x", "--inventory", "h1,h2,"], tmp.path)],
    ] as const) {
      mkdirSync(join(tmp.path, dir));
      const out = await run(dir);
      const kw = JSON.parse(out.toString().split("\n")[0]!).kwargs;
      expect(kw.cmdline).toBeUndefined();
      expect(kw.inventory).toBe("inventory/hosts");
      expect(kw.ident).toMatch(dir === "c" ? /^[0-9a-f]{32}$/ : /^not-used$/);
      expect(readFileSync(join(tmp.path, dir, "env/cmdline"), "utf8")).toBe("--diff -u x");
      expect(statSync(join(tmp.path, dir, "env/cmdline")).mode & 0o777).toBe(0o400);
      expect(statSync(join(tmp.path, dir, "env")).mode & 0o777).toBe(0o700);
      expect(readFileSync(join(tmp.path, dir, "inventory/hosts"), "utf8")).toBe("h1,h2,");
    }
  });

  test("the real transmit's stream read back: kwargs, and the tree with modes, links and mtimes", async () => {
    const real = runRunner(["transmit", src, "-m", "ping", "--ident", "r1"]);
    const input = await readWorkerInput(chunked(real.stdout, 61));
    expect(input.kwargs.ident).toBe("r1");
    expect(input.kwargs.module).toBe("ping");
    const out = join(tmp.path, "extracted");
    await extractZip(input.zip!, out);
    const skip = (r: string): boolean => r === "project/pipe";
    expect(treeOf(out, { mtimes: true })).toEqual(treeOf(src, { mtimes: true, skip }));
  });

  test("the real worker runs what our transmit sends, and the real process reads it", async () => {
    const e = copyTree(join(tmp.path, "e"));
    const stream = await ours([e, "-m", "ping", "--hosts", "localhost", "--inventory", "inventory/hosts", "--ident", "j1"], tmp.path);
    const worker = runRunner(["worker", "--private-data-dir", join(tmp.path, "wk")], { input: stream });
    expect(worker.stderr).toBe("");
    expect(worker.status).toBe(0);
    const proc = runRunner(["process", join(tmp.path, "pr"), "--ident", "j1"], { input: worker.stdout });
    expect(proc.status).toBe(0);
    expect(readFileSync(join(tmp.path, "pr/artifacts/j1/status"), "utf8")).toBe("successful");
    expect(readFileSync(join(tmp.path, "wk/inventory/script.sh"), "utf8")).toContain("echo");
    expect(statSync(join(tmp.path, "wk/inventory/script.sh")).mode & 0o777).toBe(0o755);
  });
});
