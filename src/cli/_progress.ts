// A one-line progress display on the terminal for runs over many hosts. It lives on stderr and is erased
// before every stdout line, so results are never mixed with it; it is never shown when output is piped.
import type { OutStream } from "./_io.ts";

const CLEAR = "\r\x1b[2K";

export class ProgressLine {
  readonly #err: OutStream;
  readonly #total: number;
  readonly #started = Date.now();
  readonly #now: () => number;
  #done = 0;
  #counts = { ok: 0, changed: 0, failed: 0, unreachable: 0, skipped: 0 };
  #shown = false;
  #lastDraw = 0;

  constructor(err: OutStream, total: number, now: () => number = Date.now) {
    this.#err = err;
    this.#total = total;
    this.#now = now;
  }

  record(status: keyof ProgressLine["counts"]): void {
    this.#done++;
    this.#counts[status]++;
    this.draw();
  }

  get counts(): { ok: number; changed: number; failed: number; unreachable: number; skipped: number } {
    return { ...this.#counts };
  }

  text(): string {
    const c = this.#counts;
    const secs = ((this.#now() - this.#started) / 1000).toFixed(1);
    return `[ftl2] ${this.#done}/${this.#total} hosts | ok ${c.ok} | changed ${c.changed} | failed ${c.failed} | unreachable ${c.unreachable} | ${secs}s`;
  }

  /** Redraws at most 10 times a second, and always for the last host. */
  draw(force = false): void {
    const t = this.#now();
    if (!force && this.#done < this.#total && t - this.#lastDraw < 100) return;
    this.#lastDraw = t;
    this.#err.write(CLEAR + this.text());
    this.#shown = true;
  }

  /** Erases the line (before stdout output, and at the end). */
  clear(): void {
    if (this.#shown) this.#err.write(CLEAR);
    this.#shown = false;
  }
}
