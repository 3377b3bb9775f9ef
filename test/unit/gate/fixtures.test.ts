// The shared transcripts of test/fixtures/gate-protocol, decoded in every chunking: whole stream (many frames
// per chunk), byte by byte (every frame split), and splits that cut headers and bodies at odd places.
// gate/tests/test_protocol.py checks the Python side against the same files.
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_MAX_FRAME, MessageDecoder, type StreamEvent } from "../../../src/gate/index.ts";

const DIR = join(import.meta.dir, "..", "..", "fixtures", "gate-protocol");

type Expected = { message: [string, unknown, number | null] } | { error: string; id: number | null } | { fatal: string };

function decodeAll(raw: Uint8Array, step: number, maxFrame: number): Expected[] {
  const decoder = new MessageDecoder({ maxFrame });
  const events: StreamEvent[] = [];
  for (let at = 0; at < raw.length; at += step) events.push(...decoder.push(raw.subarray(at, at + step)));
  events.push(...decoder.end());
  return events.map((e) => {
    if (e.kind === "message") return { message: [e.message.type, e.message.data, e.message.id] };
    return e.error.fatal ? { fatal: e.error.reason } : { error: e.error.reason, id: e.error.msgId };
  });
}

const names = readdirSync(DIR).filter((f) => f.endsWith(".bin")).sort();

describe("gate protocol fixtures", () => {
  test("there are fixtures", () => {
    expect(names.length).toBeGreaterThanOrEqual(8);
  });
  for (const name of names) {
    const raw = new Uint8Array(readFileSync(join(DIR, name)));
    const doc = JSON.parse(readFileSync(join(DIR, name.replace(/\.bin$/, ".json")), "utf8")) as {
      expect: Expected[];
      max_frame?: number;
    };
    for (const step of [raw.length || 1, 1, 3, 7, 8, 9]) {
      test(`${name} in chunks of ${step}`, () => {
        expect(decodeAll(raw, step, doc.max_frame ?? DEFAULT_MAX_FRAME)).toEqual(doc.expect);
      });
    }
  }
});
