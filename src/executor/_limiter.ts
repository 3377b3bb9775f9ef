// A counting semaphore that several tasks share, so `forks` bounds every host run at once across them (the
// scripting API runs many calls concurrently; each call's own window alone would multiply the bound).

export class ForkLimiter {
  readonly limit: number;
  #busy = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(limit: number) {
    this.limit = Math.max(1, limit);
  }

  /** Resolves with the release function once a slot is free; release is idempotent. */
  async acquire(): Promise<() => void> {
    if (this.#busy >= this.limit) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#busy += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      // The slot passes straight to the next waiter, so the busy count never drops below the truth.
      if (next) next();
      else this.#busy -= 1;
    };
  }

  /** Slots in use now. */
  get busy(): number {
    return this.#busy;
  }
}
