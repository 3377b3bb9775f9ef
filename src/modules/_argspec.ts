// Argument validation with Ansible's semantics and messages (module_utils/common/parameters.py,
// validation.py): aliases, defaults, type conversion, choices, required, mutually exclusive, required_one_of,
// required_together, required_if. A failure is a module result, never an exception.
import type { ArgSpec, ArgType, ModuleParams, ModuleSpec } from "./_types.ts";

export type ValidationOutcome =
  | { ok: true; params: ModuleParams; invocation: ModuleParams }
  | { ok: false; msg: string; invocation: ModuleParams };

const NO_LOG_MASK = "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER";
const TRUE_WORDS = new Set(["y", "yes", "on", "1", "true", "t"]);
const FALSE_WORDS = new Set(["n", "no", "off", "0", "false", "f"]);
const PY_TYPE: Record<string, string> = {
  string: "str", number: "int", boolean: "bool", object: "dict", undefined: "NoneType",
};

/** Python's name for a JS value's type, as Ansible prints it in conversion errors. */
function pyTypeName(v: unknown): string {
  if (v === null) return "NoneType";
  if (Array.isArray(v)) return "list";
  if (typeof v === "number" && !Number.isInteger(v)) return "float";
  return PY_TYPE[typeof v] ?? typeof v;
}

export function toBool(v: unknown): boolean | undefined {
  if (typeof v === "boolean") return v;
  if (typeof v === "number") return v === 1 ? true : v === 0 ? false : undefined;
  if (typeof v === "string") {
    const s = v.toLowerCase();
    if (TRUE_WORDS.has(s)) return true;
    if (FALSE_WORDS.has(s)) return false;
  }
  return undefined;
}

class ConversionError extends Error {}

function convert(value: unknown, type: ArgType, elements?: ArgType): unknown {
  switch (type) {
    case "raw":
      return value;
    case "str":
    case "path": {
      if (typeof value === "string") return value;
      if (typeof value === "number" || typeof value === "boolean") {
        // Ansible converts with a warning; True/False print as Python spells them.
        return typeof value === "boolean" ? (value ? "True" : "False") : String(value);
      }
      throw new ConversionError(`'${pyTypeName(value)}' object cannot be converted to a string`);
    }
    case "bool": {
      const b = toBool(value);
      if (b === undefined) {
        throw new ConversionError(
          `The value ${typeof value === "string" ? `'${value}'` : String(value)} is not a valid boolean.  ` +
            "Valid booleans include: 0, 't', 'yes', 1, 'false', 'on', '1', 'no', 'y', 'f', 'off', '0', 'n', 'true'",
        );
      }
      return b;
    }
    case "int": {
      if (typeof value === "number" && Number.isInteger(value)) return value;
      if (typeof value === "string" && /^\s*[-+]?\d+\s*$/.test(value)) return Number.parseInt(value, 10);
      throw new ConversionError(`invalid literal for int() with base 10: '${String(value)}'`);
    }
    case "float": {
      if (typeof value === "number") return value;
      if (typeof value === "string" && value.trim() !== "" && !Number.isNaN(Number(value))) return Number(value);
      throw new ConversionError(`could not convert string to float: '${String(value)}'`);
    }
    case "list": {
      let list: unknown[];
      if (Array.isArray(value)) list = value;
      else if (typeof value === "string") list = value.split(",");
      else if (typeof value === "number") list = [String(value)];
      else throw new ConversionError(`'${pyTypeName(value)}' object cannot be converted to a list`);
      return elements ? list.map((e) => convert(e, elements)) : list;
    }
    case "dict": {
      if (value !== null && typeof value === "object" && !Array.isArray(value)) return value;
      if (typeof value === "string") {
        if (value.trim().startsWith("{")) {
          try {
            return JSON.parse(value);
          } catch {
            throw new ConversionError("dictionary requested, could not parse JSON or key=value");
          }
        }
        const out: Record<string, string> = {};
        for (const part of value.split(/[,\s]+/).filter(Boolean)) {
          const i = part.indexOf("=");
          if (i < 0) throw new ConversionError("dictionary requested, could not parse JSON or key=value");
          out[part.slice(0, i)] = part.slice(i + 1);
        }
        return out;
      }
      throw new ConversionError(`'${pyTypeName(value)}' object cannot be converted to a dict`);
    }
    case "jsonarg":
      return typeof value === "string" ? value : JSON.stringify(value);
  }
}

function isSet(params: ModuleParams, key: string): boolean {
  return params[key] !== undefined && params[key] !== null;
}

function choiceText(c: unknown): string {
  return typeof c === "boolean" ? (c ? "True" : "False") : String(c);
}

/** Validates `raw` against `spec` for module `name`; returns converted params with defaults filled in. */
export function validateArgs(name: string, spec: ModuleSpec, raw: ModuleParams): ValidationOutcome {
  const params: ModuleParams = { ...raw };
  const aliasOf = new Map<string, string>();
  for (const [key, arg] of Object.entries(spec.args)) for (const a of arg.aliases ?? []) aliasOf.set(a, key);

  // AnsibleModule fills defaults before it validates, so a failure's invocation shows them too.
  const fail = (msg: string): ValidationOutcome => ({ ok: false, msg, invocation: maskNoLog(spec, withDefaults(spec, params)) });

  // Aliases: the alias's value moves to its canonical name (both stay visible in invocation, as in Ansible).
  for (const [alias, key] of aliasOf) if (alias in raw && !(key in raw)) params[key] = raw[alias];

  const unsupported = Object.keys(raw).filter((k) => !(k in spec.args) && !aliasOf.has(k) && !k.startsWith("_ansible_"));
  if (unsupported.length > 0) {
    const supported = Object.entries(spec.args)
      .map(([k, a]) => (a.aliases?.length ? `${k} (${a.aliases.join(", ")})` : k))
      .sort();
    return fail(
      `Unsupported parameters for (${name}) module: ${unsupported.sort().join(", ")}. ` +
        `Supported parameters include: ${supported.join(", ")}.`,
    );
  }

  for (const group of spec.mutuallyExclusive ?? []) {
    if (group.filter((k) => isSet(raw, k)).length > 1) return fail(`parameters are mutually exclusive: ${group.join("|")}`);
  }

  const missing = Object.entries(spec.args).filter(([k, a]) => a.required && !isSet(params, k)).map(([k]) => k);
  if (missing.length > 0) return fail(`missing required arguments: ${missing.sort().join(", ")}`);

  Object.assign(params, withDefaults(spec, params));

  for (const [key, arg] of Object.entries(spec.args)) {
    const v = params[key];
    if (v === null || v === undefined) continue;
    try {
      params[key] = convert(v, arg.type ?? "str", arg.elements);
    } catch (e) {
      return fail(
        `argument '${key}' is of type <class '${pyTypeName(v)}'> and we were unable to convert to ${arg.type ?? "str"}: ${(e as Error).message}`,
      );
    }
    if (arg.choices && !arg.choices.some((c) => c === params[key] || String(c) === String(params[key]))) {
      return fail(`value of ${key} must be one of: ${arg.choices.map(choiceText).join(", ")}, got: ${choiceText(params[key])}`);
    }
  }

  for (const group of spec.requiredTogether ?? []) {
    const n = group.filter((k) => isSet(params, k)).length;
    if (n > 0 && n < group.length) return fail(`parameters are required together: ${group.join(", ")}`);
  }
  for (const group of spec.requiredOneOf ?? []) {
    if (!group.some((k) => isSet(params, k))) return fail(`one of the following is required: ${group.join(", ")}`);
  }
  for (const [key, value, reqs, anyOf] of spec.requiredIf ?? []) {
    if (params[key] !== value) continue;
    const absent = reqs.filter((k) => !isSet(params, k));
    if (anyOf ? absent.length === reqs.length : absent.length > 0) {
      return fail(
        `${key} is ${String(value)} but ${anyOf ? "any" : "all"} of the following are missing: ${absent.join(", ")}`,
      );
    }
  }
  return { ok: true, params, invocation: maskNoLog(spec, params) };
}

/**
 * AnsibleModule's order: the given arguments, then options with a default, then the rest as None
 * (invocation.module_args shows this order, and AWX's job events carry it).
 */
function withDefaults(spec: ModuleSpec, params: ModuleParams): ModuleParams {
  const out: ModuleParams = { ...params };
  for (const [key, arg] of Object.entries(spec.args)) {
    if (!isSet(out, key) && arg.default !== undefined && arg.default !== null) out[key] = arg.default;
  }
  for (const key of Object.keys(spec.args)) if (!isSet(out, key)) out[key] = null;
  return out;
}

/** invocation.module_args for `params`: no_log values masked, `_ansible_*` keys left out. */
export function maskNoLog(spec: ModuleSpec, params: ModuleParams): ModuleParams {
  const out: ModuleParams = {};
  for (const [k, v] of Object.entries(params)) {
    if (k.startsWith("_ansible_")) continue;
    out[k] = spec.args[k]?.noLog && v !== null && v !== undefined ? NO_LOG_MASK : v;
  }
  return out;
}

export type { ArgSpec };
