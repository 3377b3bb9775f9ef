// StreamWriter framing (the real process reads it), and keepalive lines only between lines, stopped by eof.
import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { KEEPALIVE_LINE, StreamWriter, readWorkerInput, zipDirectory } from "../../../src/runner/index.ts";
import { chunked, runRunner, tempDir } from "./_oracle.ts";

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe("StreamWriter", () => {
  test("lines in json.dumps form, zipfile framing with 4*ceil(N/3) base64 chars and no newline, eof", async () => {
    let out = "";
    const w = new StreamWriter((c) => (out += String(c)));
    w.line({ status: "running", runner_ident: "é", n: 1.5 });
    for (const size of [0, 1, 2, 3, 4, 3 * 400_000 + 1]) w.zipfile(new Uint8Array(size).fill(7));
    w.eof();
    w.line({ late: true });
    const lines = out.split("\n");
    expect(lines[0]).toBe('{"status": "running", "runner_ident": "\\u00e9", "n": 1.5}');
    expect(lines[1]).toBe('{"zipfile": 0}');
    expect(lines[2]).toBe('{"zipfile": 1}');
    expect(lines[3]).toBe('Bw=={"zipfile": 2}');
    expect(out.endsWith('{"eof": true}\n')).toBe(true);
    const big = out.slice(out.indexOf('{"zipfile": 1200001}\n') + 21, out.indexOf('{"eof"'));
    expect(big.length).toBe(4 * Math.ceil(1_200_001 / 3));
    expect(big).not.toContain("\n");
  });

  test("keepalive after the idle time, never inside a line, none after eof", async () => {
    const writes: string[] = [];
    const w = new StreamWriter((c) => writes.push(String(c)), { keepaliveSeconds: 0.03 });
    await Bun.sleep(80);
    w.zipfile(new Uint8Array(10));
    w.line({ status: "successful" });
    await Bun.sleep(50);
    w.eof();
    const count = writes.filter((x) => x === KEEPALIVE_LINE).length;
    await Bun.sleep(60);
    expect(writes.filter((x) => x === KEEPALIVE_LINE).length).toBe(count);
    expect(count).toBeGreaterThanOrEqual(2);
    const text = writes.join("");
    expect(text.endsWith('{"eof": true}\n')).toBe(true);
    expect(KEEPALIVE_LINE).toBe('{"event": "keepalive", "counter": 0, "uuid": 0}\n');
    // the zip body is directly followed by the next line, not by a keepalive
    expect(text).toMatch(/\{"zipfile": 10\}\nAAAAAAAAAAAAAA==\{"status": "successful"\}\n/);
  });

  test("a worker stream written by StreamWriter is read by the real process", async () => {
    const art = join(tmp.path, "art");
    const { ArtifactsWriter } = await import("../../../src/runner/index.ts");
    const a = new ArtifactsWriter(art);
    a.status("successful", 0);
    let out = "";
    const w = new StreamWriter((c) => (out += String(c)));
    w.line({ status: "successful", runner_ident: "s1" });
    w.zipfile(await zipDirectory(art));
    w.eof();
    const r = runRunner(["process", join(tmp.path, "p"), "--ident", "s1"], { input: out });
    expect(r.status).toBe(0);
    expect(readFileSync(join(tmp.path, "p/artifacts/s1/rc"), "utf8")).toBe("0");
    const back = await readWorkerInput(chunked(`{"kwargs": {}}\n${out}`));
    expect(back.zip?.length).toBeGreaterThan(0);
  });
});
