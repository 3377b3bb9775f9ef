// Real worker streams (fixtures) through our processStream and through the real `ansible-runner process`: the
// same tree (files, modes, contents) and the same printed stdout; and ArtifactsWriter fed the same events writes
// the same artifacts as the real worker zipped up.
import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ArtifactsWriter, extractZip, parseProcessArgv, processStream, runProcessCommand, WORKER_PARSE_FAILED } from "../../../src/runner/index.ts";
import { chunked, runRunner, splitStream, tempDir, treeOf } from "./_oracle.ts";

const FIXTURES = join(import.meta.dir, "../../fixtures/runner-stream");
const tmp = tempDir();
afterAll(() => tmp.cleanup());

const fixtures: Array<[string, string, string, number]> = [
  ["worker-ping-ok.jsonl", "ping-ok", "successful", 0],
  ["worker-command-failed.jsonl", "cmd-failed", "failed", 4],
];

describe("process", () => {
  for (const [file, ident, status, rc] of fixtures) {
    test(`${file}: same tree and stdout as the real process`, async () => {
      const stream = readFileSync(join(FIXTURES, file));
      const realDir = join(tmp.path, `real-${ident}`);
      const real = runRunner(["process", realDir, "--ident", ident], { input: stream });
      expect(real.status).toBe(0);
      let printed = "";
      const statuses: string[] = [];
      const { exitCode, result } = await runProcessCommand(
        parseProcessArgv([join(tmp.path, `ours-${ident}`), "-i", ident]),
        chunked(stream, 113),
        { cwd: tmp.path, stdout: (t) => (printed += t) },
        { statusHandler: (s) => statuses.push(String(s.status)) },
      );
      expect(exitCode).toBe(0);
      expect(result).toEqual({ status, rc, events: result.events });
      expect(statuses).toEqual(["starting", "running", status]);
      expect(printed).toBe(real.stdout.toString());
      expect(treeOf(join(tmp.path, `ours-${ident}`))).toEqual(treeOf(realDir));
    });
  }

  test("a stream that ends before eof: status error; keepalive lines and events without a counter are not kept", async () => {
    const lines = readFileSync(join(FIXTURES, "worker-ping-ok.jsonl"), "utf8").split("\n").slice(0, 3);
    const input = `${lines.join("\n")}\n{"event": "keepalive", "counter": 0, "uuid": 0}\n`;
    const r = await processStream(chunked(input), join(tmp.path, "trunc"), { ident: "t" });
    expect(r.status).toBe("error");
    expect(r.explanation).toBe(WORKER_PARSE_FAILED);
    expect(r.events).toBe(1);
    expect(Object.keys(treeOf(join(tmp.path, "trunc/artifacts/t/job_events")))).toHaveLength(1);
  });

  test("an eventHandler returning false keeps the event file from being written; quiet prints nothing", async () => {
    let printed = "";
    const r = await processStream(chunked(readFileSync(join(FIXTURES, "worker-ping-ok.jsonl"))), join(tmp.path, "q"), {
      quiet: true,
      stdout: (t) => (printed += t),
      eventHandler: () => false,
    });
    expect(printed).toBe("");
    expect(r.status).toBe("successful");
    expect(Object.keys(treeOf(join(tmp.path, "q/artifacts/job_events")))).toEqual([]);
  });

  test("a bad artifacts zip: status error and exit 1", async () => {
    const input = '{"status": "successful", "runner_ident": "x"}\n{"zipfile": 6}\nQUJDREVG{"eof": true}\n';
    const { exitCode, result } = await runProcessCommand({ privateDataDir: join(tmp.path, "bz") }, chunked(input), { cwd: tmp.path, stdout: () => {} });
    expect(exitCode).toBe(1);
    expect(result.status).toBe("error");
  });
});

describe("ArtifactsWriter", () => {
  for (const [file, ident, status, rc] of fixtures) {
    test(`${file}: the worker's artifacts, byte for byte`, async () => {
      const parts = splitStream(readFileSync(join(FIXTURES, file)));
      const realDir = join(tmp.path, `aw-real-${ident}`);
      const zip = parts.find((p) => "zip" in p) as { zip: string };
      await extractZip(Buffer.from(zip.zip, "base64"), realDir);
      const lines = parts.flatMap((p) => ("line" in p && p.line ? [JSON.parse(p.line) as Record<string, unknown>] : []));
      const starting = lines.find((l) => l.status === "starting")!;
      const dir = join(tmp.path, `aw-ours-${ident}`);
      const w = new ArtifactsWriter(dir, { writeEventFiles: false });
      w.command({ command: starting.command as string[], cwd: starting.cwd as string, env: starting.env as Record<string, string> });
      for (const ev of lines.filter((l) => "event" in l)) w.event(ev);
      w.status(status, rc);
      expect(treeOf(dir)).toEqual(treeOf(realDir));
      // with event files, they match what the real process writes
      const withEvents = join(tmp.path, `aw-ev-${ident}`);
      const w2 = new ArtifactsWriter(withEvents);
      for (const ev of lines.filter((l) => "event" in l)) w2.event(ev);
      const realProc = join(tmp.path, `real-${ident}/artifacts/${ident}/job_events`);
      expect(treeOf(join(withEvents, "job_events"))).toEqual(treeOf(realProc));
    });
  }
});
