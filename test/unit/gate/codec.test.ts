import { describe, expect, test } from "bun:test";
import {
  FrameDecoder,
  GateProtocolError,
  MessageDecoder,
  decodeMessage,
  encodeFrame,
  encodeMessage,
  type GateMessage,
} from "../../../src/gate/index.ts";

const text = new TextDecoder();

describe("frames", () => {
  test("the header counts UTF-8 bytes, lowercase hex", () => {
    const frame = encodeMessage({ type: "Error", data: { message: "日本語 ✓" + "x".repeat(200) }, id: 3 });
    const header = text.decode(frame.subarray(0, 8));
    expect(header).toMatch(/^[0-9a-f]{8}$/);
    expect(Number.parseInt(header, 16)).toBe(frame.length - 8);
    expect(header).toBe("000000ef"); // checked with Python json.dumps(..., ensure_ascii=False)
  });

  test("messages round-trip through the decoder", () => {
    const msgs: GateMessage[] = [
      { type: "Hello", data: { version: 1, capabilities: ["multiplex"] }, id: 0 },
      { type: "Module", data: { name: "ping", args: { data: "🚀" }, check_mode: true }, id: 1 },
      { type: "Goodbye", data: {}, id: null },
    ];
    const stream = new Uint8Array(msgs.reduce((n, m) => n + encodeMessage(m).length, 0));
    let at = 0;
    for (const m of msgs) {
      const f = encodeMessage(m);
      stream.set(f, at);
      at += f.length;
    }
    const events = new MessageDecoder().push(stream);
    expect(events.map((e) => (e.kind === "message" ? e.message : e.error))).toEqual(msgs);
  });

  test("an oversized body is skipped across chunks and decoding goes on", () => {
    const d = new FrameDecoder({ maxFrame: 10 });
    const big = encodeFrame(new Uint8Array(25).fill(0x78));
    const small = encodeFrame(new TextEncoder().encode("[]"));
    const events = [...d.push(big.subarray(0, 12)), ...d.push(big.subarray(12)), ...d.push(small)];
    expect(events.length).toBe(2);
    const [first, second] = events;
    expect(first?.kind === "error" && first.error.reason).toBe("frame_too_large");
    expect(first?.kind === "error" && first.error.message).toBe("frame of 25 bytes exceeds the 10 byte cap");
    expect(second?.kind === "frame" && text.decode(second.body)).toBe("[]");
  });

  test("a bad header breaks the decoder for good, with the GATE_PROTOCOL code", () => {
    const d = new FrameDecoder();
    const [event] = d.push(new TextEncoder().encode("Welcome to host!"));
    expect(event?.kind).toBe("error");
    if (event?.kind !== "error") return;
    expect(event.error).toBeInstanceOf(GateProtocolError);
    expect(event.error.code).toBe("GATE_PROTOCOL");
    expect(event.error.fatal).toBe(true);
    expect(event.error.describe()).toContain('got "Welcome "');
    expect(event.error.hint).toContain("login banner");
    expect(d.broken).toBe(true);
    expect(d.push(encodeFrame(new Uint8Array([0x5b, 0x5d])))).toEqual([]);
  });

  test("end() inside a header or body is truncated; between frames it is clean", () => {
    const d = new FrameDecoder();
    d.push(new TextEncoder().encode("0000000a[1,"));
    const [e] = d.end();
    expect(e?.kind === "error" && e.error.message).toBe("stream ended inside a frame body (3 of 10 bytes)");
    expect(new FrameDecoder().end()).toEqual([]);
  });
});

describe("messages", () => {
  const body = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
  const reason = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return e instanceof GateProtocolError ? [e.reason, e.message, e.msgId] : String(e);
    }
    return "no error";
  };

  test("fields are checked and the error names message, field and expected kind", () => {
    expect(reason(() => decodeMessage(body(["Get", { path: "/x", offset: "0", length: 1 }, 4])))).toEqual([
      "bad_message", "Get: field 'offset' must be an integer", 4,
    ]);
    expect(reason(() => decodeMessage(body(["ModuleNotFound", { name: "x" }, null])))).toEqual([
      "bad_message", "ModuleNotFound: missing required field 'bundle_hash'", null,
    ]);
    expect(reason(() => decodeMessage(body(["Put", { path: "p", chunk: "", offset: 0, last: true, mode: "644" }, 1])))).toEqual([
      "bad_message", "Put: field 'mode' must be an integer or null", 1,
    ]);
    expect(reason(() => decodeMessage(body(["Nope", {}, 2])))).toEqual(["unknown_type", 'unknown message type "Nope"', 2]);
  });

  test("unknown fields are allowed", () => {
    expect(decodeMessage(body(["Goodbye", { later: 1 }, 9]))).toEqual({ type: "Goodbye", data: { later: 1 } as never, id: 9 });
  });
});
