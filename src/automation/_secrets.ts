// Secrets for the scripting API: values read from environment variables by name, Secret objects revealed only
// in the arguments sent to a module, and secret bindings that put a secret into an argument of every call
// whose module name matches a glob (short name and FQCN alike: `uri` matches `ansible.builtin.uri`).
import { OptionError } from "../errors.ts";
import { Secret } from "../secret.ts";
import { globToRegExp } from "../text/index.ts";
import type { Masker } from "./_mask.ts";

type Env = Readonly<Record<string, string | undefined>>;
export type SecretBindings = Record<string, Record<string, string>>;

/** Reads each named variable as a Secret; a missing one is an error that names it (never a value). */
export function readSecrets(names: readonly string[], env: Env, where = "secrets"): Record<string, Secret> {
  const out: Record<string, Secret> = {};
  for (const name of names) {
    const value = env[name];
    if (value === undefined) {
      throw new OptionError("OPTION_INVALID", `automation(): ${where} names ${name}, which is not set in the environment`, {
        hint: `export ${name} before running, or remove it from ${where}`,
      });
    }
    out[name] = new Secret(value, name);
  }
  return out;
}

/** Every spelling a module name is known by: `uri` and `ansible.builtin.uri` (and ansible.legacy) name one module. */
function moduleNames(name: string): string[] {
  if (!name.includes(".")) return [name, `ansible.builtin.${name}`, `ansible.legacy.${name}`];
  const m = /^ansible\.(?:builtin|legacy)\.([^.]+)$/.exec(name);
  return m ? [name, m[1] as string, `ansible.builtin.${m[1]}`] : [name];
}

export class SecretBinder {
  readonly #bindings: { glob: string; re: RegExp; args: Record<string, string> }[];
  readonly #secrets: Readonly<Record<string, Secret>>;

  constructor(bindings: SecretBindings, secrets: Readonly<Record<string, Secret>>) {
    this.#bindings = Object.entries(bindings).map(([glob, args]) => ({ glob, re: globToRegExp(glob), args }));
    this.#secrets = secrets;
  }

  /**
   * The arguments with every matching binding filled in (an argument the call gives itself wins), as Secrets:
   * they stay masked until `revealArgs` builds what goes to the module.
   */
  bind(module: string, args: Record<string, unknown>): Record<string, unknown> {
    const names = moduleNames(module);
    const out = { ...args };
    for (const b of this.#bindings) {
      if (!names.some((n) => b.re.test(n))) continue;
      for (const [arg, secretName] of Object.entries(b.args)) {
        if (!(arg in out)) out[arg] = this.#secrets[secretName];
      }
    }
    return out;
  }
}

/** Plain data with every Secret replaced by its value, each value recorded in the masker on the way. */
export function revealArgs(value: unknown, masker: Masker): unknown {
  if (value instanceof Secret) {
    masker.add(value);
    return value.reveal();
  }
  if (Array.isArray(value)) return value.map((v) => revealArgs(v, masker));
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = revealArgs(v, masker);
    return out;
  }
  return value;
}

/** The secret names the bindings use, so they are read from the environment with the listed ones. */
export function boundSecretNames(bindings: SecretBindings): string[] {
  return [...new Set(Object.values(bindings).flatMap((args) => Object.values(args)))];
}
