// Bytes in, messages out: the frame decoder and message validation in one step, as a reader of the gate's
// stdout needs them. Errors come out in stream order next to the messages; a fatal one ends the stream.
import { FrameDecoder } from "./_frames.ts";
import { decodeMessage, type GateMessage } from "./_messages.ts";
import { GateProtocolError } from "./_protocol-error.ts";

export type StreamEvent = { kind: "message"; message: GateMessage } | { kind: "error"; error: GateProtocolError };

export class MessageDecoder {
  private readonly frames: FrameDecoder;

  constructor(opts: { maxFrame?: number } = {}) {
    this.frames = new FrameDecoder(opts);
  }

  get maxFrame(): number {
    return this.frames.maxFrame;
  }

  set maxFrame(value: number) {
    this.frames.maxFrame = value;
  }

  get broken(): boolean {
    return this.frames.broken;
  }

  push(chunk: Uint8Array): StreamEvent[] {
    return this.frames.push(chunk).map(toStreamEvent);
  }

  end(): StreamEvent[] {
    return this.frames.end().map(toStreamEvent);
  }
}

function toStreamEvent(e: ReturnType<FrameDecoder["push"]>[number]): StreamEvent {
  if (e.kind === "error") return e;
  try {
    return { kind: "message", message: decodeMessage(e.body) };
  } catch (err) {
    if (err instanceof GateProtocolError) return { kind: "error", error: err };
    throw err;
  }
}
