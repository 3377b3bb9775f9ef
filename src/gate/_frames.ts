// Framing of the gate protocol (docs/protocol/gate.md, "Frames"): 8 lowercase hex ASCII digits giving the
// body's byte length, then the body. The decoder takes chunks as they arrive, whatever their boundaries:
// a frame may span many chunks and a chunk may hold many frames. Bodies over the cap are skipped unread so
// the stream stays in sync; a header that is not hex cannot be resynchronised and breaks the decoder.
import { GateProtocolError } from "./_protocol-error.ts";

export const HEADER_SIZE = 8;
export const DEFAULT_MAX_FRAME = 64 * 1024 * 1024;
const MAX_LENGTH = 0xffffffff;
const HEADER_PATTERN = /^[0-9a-f]{8}$/;

export type FrameEvent = { kind: "frame"; body: Uint8Array } | { kind: "error"; error: GateProtocolError };

/** Header plus body as one buffer, ready to write. */
export function encodeFrame(body: Uint8Array): Uint8Array {
  if (body.length > MAX_LENGTH) throw new GateProtocolError("frame_too_large", `frame of ${body.length} bytes cannot be framed`);
  const frame = new Uint8Array(HEADER_SIZE + body.length);
  frame.set(new TextEncoder().encode(body.length.toString(16).padStart(HEADER_SIZE, "0")), 0);
  frame.set(body, HEADER_SIZE);
  return frame;
}

export class FrameDecoder {
  maxFrame: number;
  private state: "header" | "body" | "skip" | "broken" = "header";
  private pending: Uint8Array[] = [];
  private pendingLength = 0;
  private need = HEADER_SIZE;
  private skipSize = 0;
  private skipLeft = 0;

  constructor(opts: { maxFrame?: number } = {}) {
    this.maxFrame = opts.maxFrame ?? DEFAULT_MAX_FRAME;
  }

  /** True after a fatal error: nothing more can be decoded from this stream. */
  get broken(): boolean {
    return this.state === "broken";
  }

  /** Frames and errors completed by this chunk, in stream order. */
  push(chunk: Uint8Array): FrameEvent[] {
    const events: FrameEvent[] = [];
    let at = 0;
    while (at < chunk.length && this.state !== "broken") {
      if (this.state === "skip") {
        const n = Math.min(this.skipLeft, chunk.length - at);
        this.skipLeft -= n;
        at += n;
        if (this.skipLeft === 0) this.finishSkip(events);
        continue;
      }
      const n = Math.min(this.need - this.pendingLength, chunk.length - at);
      const piece = chunk.slice(at, at + n);
      at += n;
      if (this.pendingLength === 0 && n === this.need) {
        this.complete(piece, events);
      } else {
        this.pending.push(piece);
        this.pendingLength += n;
        if (this.pendingLength === this.need) this.complete(this.takePending(), events);
      }
    }
    return events;
  }

  /** Call at the end of the stream: a partial frame left over is a fatal `truncated` error. */
  end(): FrameEvent[] {
    if (this.state === "broken" || (this.state === "header" && this.pendingLength === 0)) return [];
    const where = this.state === "header" ? "a frame header" : this.state === "skip" ? "an oversized frame" : "a frame body";
    const detail = this.state === "body" ? ` (${this.pendingLength} of ${this.need} bytes)` : "";
    this.state = "broken";
    return [{ kind: "error", error: new GateProtocolError("truncated", `stream ended inside ${where}${detail}`, { fatal: true }) }];
  }

  private takePending(): Uint8Array {
    const out = new Uint8Array(this.pendingLength);
    let offset = 0;
    for (const p of this.pending) {
      out.set(p, offset);
      offset += p.length;
    }
    this.pending = [];
    this.pendingLength = 0;
    return out;
  }

  private complete(bytes: Uint8Array, events: FrameEvent[]): void {
    if (this.state === "body") {
      events.push({ kind: "frame", body: bytes });
      this.state = "header";
      this.need = HEADER_SIZE;
      return;
    }
    const text = String.fromCharCode(...bytes);
    if (!HEADER_PATTERN.test(text)) {
      this.state = "broken";
      const shown = JSON.stringify(text);
      events.push({
        kind: "error",
        error: new GateProtocolError("bad_header", `frame header must be 8 lowercase hex digits, got ${shown}`, { fatal: true }),
      });
      return;
    }
    const size = Number.parseInt(text, 16);
    if (size > this.maxFrame) {
      this.state = "skip";
      this.skipSize = size;
      this.skipLeft = size;
      if (size === 0) this.finishSkip(events);
      return;
    }
    if (size === 0) {
      events.push({ kind: "frame", body: new Uint8Array(0) });
      return;
    }
    this.state = "body";
    this.need = size;
  }

  private finishSkip(events: FrameEvent[]): void {
    events.push({
      kind: "error",
      error: new GateProtocolError("frame_too_large", `frame of ${this.skipSize} bytes exceeds the ${this.maxFrame} byte cap`),
    });
    this.state = "header";
    this.need = HEADER_SIZE;
  }
}
