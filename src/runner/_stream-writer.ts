// Writes a runner stream: one Python-json.dumps line per object, `{"zipfile": N}` followed by the zip's base64
// without line breaks or a trailing newline, `{"eof": true}` last. With keepaliveSeconds, a keepalive line
// (ansible-runner 2.4's exact text) goes out after that many idle seconds; every line is one write() call and
// JavaScript runs one call at a time, so a keepalive never lands inside another line or a zip body.
import { pyJsonDumps } from "../events/index.ts";
import { encodeBase64 } from "./_base64.ts";

export const KEEPALIVE_LINE = '{"event": "keepalive", "counter": 0, "uuid": 0}\n';

export class StreamWriter {
  private readonly write: (chunk: string | Uint8Array) => void;
  private readonly keepaliveMs: number;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private ended = false;

  constructor(write: (chunk: string | Uint8Array) => void, opts: { keepaliveSeconds?: number } = {}) {
    this.write = write;
    this.keepaliveMs = Math.max(0, (opts.keepaliveSeconds ?? 0) * 1000);
    this.arm();
  }

  line(obj: Record<string, unknown>): void {
    this.send(pyJsonDumps(obj) + "\n");
  }

  zipfile(zip: Uint8Array): void {
    this.send(pyJsonDumps({ zipfile: zip.length }) + "\n");
    for (const piece of encodeBase64(zip)) this.write(piece);
    this.arm();
  }

  /** Writes the eof line and stops the keepalive timer; nothing may follow. */
  eof(): void {
    this.send('{"eof": true}\n');
    this.ended = true;
    this.disarm();
  }

  /** Stops the keepalive timer without writing eof (the process is going away). */
  close(): void {
    this.ended = true;
    this.disarm();
  }

  private send(text: string): void {
    if (this.ended) return;
    this.write(text);
    this.arm();
  }

  private arm(): void {
    if (!this.keepaliveMs || this.ended) return;
    this.disarm();
    this.timer = setTimeout(() => this.send(KEEPALIVE_LINE), this.keepaliveMs);
    (this.timer as { unref?: () => void }).unref?.();
  }

  private disarm(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
