// Test helper: the real gate as a child process, driven with the controller-side codec.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { join } from "node:path";
import { MessageDecoder, encodeMessage, type GateMessage, type MessageMap, type MessageType } from "../../../src/gate/index.ts";

export const GATE_MAIN = join(import.meta.dir, "..", "..", "..", "gate", "__main__.py");

export class GateChild {
  readonly proc: ChildProcessWithoutNullStreams;
  readonly exited: Promise<number | null>;
  private readonly decoder = new MessageDecoder();
  private readonly waiting = new Map<number, (m: GateMessage) => void>();
  readonly arrivals: number[] = [];
  private nextId = 1;

  constructor(cacheDir: string) {
    this.proc = spawn("/usr/bin/python3", [GATE_MAIN], { env: { ...process.env, FTL_GATE_CACHE_DIR: cacheDir } });
    this.exited = new Promise((resolve) => this.proc.on("exit", (code) => resolve(code)));
    this.proc.stdout.on("data", (chunk: Buffer) => {
      for (const e of this.decoder.push(new Uint8Array(chunk))) {
        if (e.kind === "error") throw e.error;
        const id = e.message.id ?? -1;
        this.arrivals.push(id);
        this.waiting.get(id)?.(e.message);
        this.waiting.delete(id);
      }
    });
  }

  request<K extends MessageType>(type: K, data: MessageMap[K]): Promise<GateMessage> {
    const id = this.nextId++;
    const reply = new Promise<GateMessage>((resolve) => this.waiting.set(id, resolve));
    this.proc.stdin.write(encodeMessage({ type, data, id } as GateMessage));
    return reply;
  }
}
