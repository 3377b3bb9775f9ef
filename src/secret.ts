// A secret value whose printed, logged and serialised forms are masked. Only `reveal()` yields the value,
// so a Secret that leaks into a result, an event or an error message prints as "********".
const MASK = "********";
const store = new WeakMap<Secret, string>();

export class Secret {
  readonly name: string;
  constructor(value: string, name = "secret") {
    store.set(this, value);
    this.name = name;
  }
  reveal(): string {
    return store.get(this) ?? "";
  }
  toString(): string {
    return MASK;
  }
  toJSON(): string {
    return MASK;
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `Secret(${this.name}: ${MASK})`;
  }
  static readonly MASK = MASK;
}

export function isSecret(v: unknown): v is Secret {
  return v instanceof Secret;
}

/** Replaces every occurrence of each secret's value in `text` with the mask. */
export function maskSecrets(text: string, secrets: Iterable<Secret | string>): string {
  let out = text;
  for (const s of secrets) {
    const v = typeof s === "string" ? s : s.reveal();
    if (v.length > 0) out = out.split(v).join(MASK);
  }
  return out;
}
