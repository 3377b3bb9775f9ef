// Masking of secret values in everything the scripting API hands back or passes on: results, events, warnings
// and errors. Values are replaced wherever they occur inside strings (a command's stdout, module_args, a
// message), since a module may echo a secret in any text it returns.
import { FtlError } from "../errors.ts";
import { Secret, maskSecrets } from "../secret.ts";

export class Masker {
  readonly #values = new Set<string>();

  /** Adds a value to mask from now on (empty values cannot be found in text and are ignored). */
  add(value: Secret | string): void {
    const v = typeof value === "string" ? value : value.reveal();
    if (v.length > 0) this.#values.add(v);
  }

  /** The text with every known secret value replaced by the mask; longest first, so a value inside another is not half-masked. */
  text(s: string): string {
    if (this.#values.size === 0) return s;
    return maskSecrets(s, [...this.#values].sort((a, b) => b.length - a.length));
  }

  /** A copy of plain data (objects, arrays, strings) with every secret masked; Dates and other objects stay as they are. */
  deep<T>(value: T): T {
    if (this.#values.size === 0) return value;
    return this.#walk(value, new WeakSet()) as T;
  }

  #walk(v: unknown, seen: WeakSet<object>): unknown {
    if (typeof v === "string") return this.text(v);
    if (v === null || typeof v !== "object" || v instanceof Secret) return v;
    if (seen.has(v)) return v;
    if (Array.isArray(v)) {
      seen.add(v);
      return v.map((x) => this.#walk(x, seen));
    }
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) return v;
    seen.add(v);
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[this.text(k)] = this.#walk(x, seen);
    return out;
  }

  /** The same error with its message, hint and stack masked (in place: its class and code stay). */
  error(e: unknown): unknown {
    if (!(e instanceof Error) || this.#values.size === 0) return e;
    e.message = this.text(e.message);
    if (e.stack) e.stack = this.text(e.stack);
    if (e instanceof FtlError && e.hint) Object.defineProperty(e, "hint", { value: this.text(e.hint) });
    return e;
  }
}
