// Every bad worker input against the real `ansible-runner worker`: the same status line (job_explanation), then
// eof. Our result_traceback is our own text; the real one is a Python traceback.
import { afterAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { existsSync, lstatSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import {
  EXTRACT_FAILED,
  NO_KWARGS,
  StreamInputError,
  StreamWriter,
  TRANSMIT_PARSE_FAILED,
  extractZip,
  readWorkerInput,
} from "../../../src/runner/index.ts";
import { chunked, runRunner, tempDir } from "./_oracle.ts";

const tmp = tempDir();
afterAll(() => tmp.cleanup());
let n = 0;

/** A zip made by Python's zipfile: entries [name, content, unix mode]. */
function pyZip(entries: Array<[string, string, number]>): string {
  const py = `import sys,zipfile,io,base64,json
b=io.BytesIO()
with zipfile.ZipFile(b,'w') as z:
    for name,data,mode in json.loads(sys.argv[1]):
        i=zipfile.ZipInfo(name); i.external_attr=mode<<16; z.writestr(i,data)
sys.stdout.write(base64.b64encode(b.getvalue()).decode())`;
  return spawnSync("/usr/bin/python3", ["-c", py, JSON.stringify(entries)]).stdout.toString();
}

const KW = '{"kwargs": {"ident": "x"}}\n';
const withZip = (b64: string, size = Buffer.from(b64, "base64").length): string => `${KW}{"zipfile": ${size}}\n${b64}{"eof": true}\n`;

/** Our worker's answer to `input`: the status line and eof as the real worker writes them. */
async function ours(input: string, dir: string): Promise<string> {
  let text = "";
  const out = new StreamWriter((c) => (text += String(c)));
  try {
    const got = await readWorkerInput(chunked(input, 7));
    if (got.zip) await extractZip(got.zip, dir);
    return "ok";
  } catch (e) {
    if (!(e instanceof StreamInputError)) throw e;
    const line = e.statusLine();
    delete line.result_traceback;
    out.line(line);
    out.eof();
  }
  return text;
}

function real(input: string, dir: string): string {
  const r = runRunner(["worker", "--private-data-dir", dir], { input });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  // drop the Python traceback, keep everything else byte for byte
  return r.stdout.toString().replace(/, "result_traceback": "(?:[^"\\]|\\.)*"/, "");
}

const cases: Array<[string, string, string]> = [
  ["empty input", "", TRANSMIT_PARSE_FAILED],
  ["a garbage line", "not json\n", TRANSMIT_PARSE_FAILED],
  ["input ending after kwargs", KW, TRANSMIT_PARSE_FAILED],
  ["input ending inside a line", '{"kwargs": {"a"', TRANSMIT_PARSE_FAILED],
  ["a JSON list line", `${KW}[1]\n`, TRANSMIT_PARSE_FAILED],
  ["bad base64", `${KW}{"zipfile": 8}\n!!!!!!!!!!!!{"eof": true}\n`, EXTRACT_FAILED],
  ["base64 ending early", `${KW}{"zipfile": 300}\nQUJD`, EXTRACT_FAILED],
  ["a body that is not a zip", withZip(Buffer.from("hello, not a zip at all").toString("base64")), EXTRACT_FAILED],
  ["a .. entry", withZip(pyZip([["../escape.txt", "x", 0o100644]])), EXTRACT_FAILED],
  ["an absolute entry", withZip(pyZip([["/abs-ftl2-test/x.txt", "x", 0o100644]])), EXTRACT_FAILED],
];

describe("worker input errors, as the real worker words them", () => {
  for (const [name, input, explanation] of cases) {
    test(name, async () => {
      const dir = join(tmp.path, `c${n++}`);
      const mine = await ours(input, join(dir, "ours", "pdd"));
      expect(mine).toBe(`{"status": "error", "job_explanation": "${explanation}"}\n{"eof": true}\n`);
      expect(real(input, join(dir, "real", "pdd"))).toBe(mine);
      expect(existsSync(join(dir, "ours", "escape.txt"))).toBe(false);
    });
  }

  test("a link pointing out of the dir: refused (the real worker creates it)", async () => {
    const input = withZip(pyZip([["evil", "/etc", 0o120777]]));
    const mine = await ours(input, join(tmp.path, "l1"));
    expect(mine).toContain(EXTRACT_FAILED);
    expect(existsSync(join(tmp.path, "l1", "evil"))).toBe(false);
    runRunner(["worker", "--private-data-dir", join(tmp.path, "l2")], { input });
    expect(readlinkSync(join(tmp.path, "l2", "evil"))).toBe("/etc");
  });

  test("a relative link climbing out, and an entry written through a link: refused", async () => {
    expect(await ours(withZip(pyZip([["a/up", "../../x", 0o120777]])), join(tmp.path, "l3"))).toContain(EXTRACT_FAILED);
    const through = withZip(pyZip([["sub", ".", 0o120777], ["sub/file", "x", 0o100644]]));
    expect(await ours(through, join(tmp.path, "l4"))).toContain(EXTRACT_FAILED);
    expect(lstatSync(join(tmp.path, "l4", "sub")).isSymbolicLink()).toBe(true);
  });

  test("a link inside the dir is kept", async () => {
    expect(await ours(withZip(pyZip([["a/b.txt", "x", 0o100600], ["./l", "a/b.txt", 0o120777]])), join(tmp.path, "l5"))).toBe("ok");
    expect(readlinkSync(join(tmp.path, "l5", "l"))).toBe("a/b.txt");
  });

  test("no kwargs line: a status error (the real worker dies with a TypeError traceback and no eof)", async () => {
    expect(await ours('{"eof": true}\n', join(tmp.path, "k1"))).toBe(`{"status": "error", "job_explanation": "${NO_KWARGS}"}\n{"eof": true}\n`);
    const r = runRunner(["worker", "--private-data-dir", join(tmp.path, "k2")], { input: '{"eof": true}\n' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("TypeError");
  });

  test("unknown objects are skipped, whitespace inside base64 is skipped, the last kwargs wins", async () => {
    const b64 = pyZip([["f.txt", "hello", 0o100644]]);
    const spaced = b64.replace(/(.{10})/g, "$1\n ");
    const size = Buffer.from(b64, "base64").length;
    const input = `{"kwargs": {"a": 1}}\n{"other": 1}\n{"kwargs": {"b": 2}}\n{"zipfile": ${size}}\n${spaced}{"eof": true}\n garbage after eof`;
    const got = await readWorkerInput(chunked(input, 5));
    expect(got.kwargs).toEqual({ b: 2 });
    expect(Buffer.from(got.zip!).toString("base64")).toBe(b64);
  });
});
