// automation()'s options and a call's options checked by name and type: a JavaScript caller has no compiler,
// so a typo or a wrong type is one OPTION_INVALID error naming the option, never a silently ignored setting.
import { OptionError } from "../errors.ts";
import { Secret } from "../secret.ts";
import type { AutomationOptions, CallOptions } from "./_types.ts";

type Check = (v: unknown) => string | undefined;

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
const bool: Check = (v) => (typeof v === "boolean" ? undefined : "a boolean");
const str: Check = (v) => (typeof v === "string" && v !== "" ? undefined : "a non-empty string");
const fn: Check = (v) => (typeof v === "function" ? undefined : "a function");
const strList: Check = (v) => (Array.isArray(v) && v.every((x) => typeof x === "string" && x !== "") ? undefined : "an array of non-empty strings");
const positive: Check = (v) => (typeof v === "number" && Number.isFinite(v) && v > 0 ? undefined : "a number > 0");
const forks: Check = (v) => (Number.isInteger(v) && (v as number) >= 1 ? undefined : "a whole number >= 1");
const record: Check = (v) => (isObj(v) ? undefined : "an object");
const env: Check = (v) => (isObj(v) && Object.values(v).every((x) => x === undefined || typeof x === "string") ? undefined : "an object of strings");
const inventory: Check = (v) =>
  typeof v === "string" || isObj(v) || (Array.isArray(v) && v.every((x) => typeof x === "string"))
    ? undefined
    : "a path, an INI text, a host list (string[]) or an inventory object";
const signal: Check = (v) =>
  isObj(v) && typeof v.aborted === "boolean" && typeof v.addEventListener === "function" && typeof v.removeEventListener === "function"
    ? undefined
    : "an AbortSignal";
const secretRef = (v: unknown): boolean => v instanceof Secret || (isObj(v) && Object.keys(v).length === 1 && typeof v.secret === "string");
const secretOption: Check = (v) => (secretRef(v) ? undefined : "a Secret or { secret: NAME }");
const secretValue: Check = (v) => (v instanceof Secret ? undefined : "a Secret");
const become: Check = (v) => {
  if (typeof v === "boolean") return undefined;
  const want = "true/false or { method?, user?, password? } (password: a Secret or { secret: NAME })";
  if (!isObj(v)) return want;
  for (const [k, x] of Object.entries(v)) {
    if (k === "method" || k === "user" ? str(x) : k === "password" ? (secretRef(x) ? undefined : "x") : "x") return `${want}; bad key ${k}`;
  }
  return undefined;
};
const bindings: Check = (v) => {
  const want = "an object of module glob -> { argument: secret name }";
  if (!isObj(v)) return want;
  for (const [glob, args] of Object.entries(v)) {
    if (!isObj(args) || !Object.values(args).every((x) => typeof x === "string" && x !== "")) return `${want}; bad entry ${JSON.stringify(glob)}`;
  }
  return undefined;
};

const OPTIONS: Record<keyof AutomationOptions, Check> = {
  inventory, extraVars: record, forks, check: bool, diff: bool, failFast: bool, become, limit: str, password: secretOption,
  becomePassword: secretOption, privateKey: secretValue, remoteUser: str,
  privateKeyFile: str, hostKeyChecking: bool, connectTimeoutSec: positive, secrets: strList, secretBindings: bindings,
  stateFile: str, onEvent: fn, onWarning: fn, signal, handleSignals: bool, cwd: str, env, modulePaths: strList,
  collectionsPaths: strList,
};

const CALL_OPTIONS: Record<keyof CallOptions, Check> = {
  check: bool, diff: bool, failFast: bool,
  timeoutSec: (v) => (typeof v === "number" && Number.isFinite(v) && v >= 0 ? undefined : "a number >= 0 (0 = no timeout)"),
};

function checkAll(what: string, table: Record<string, Check>, given: unknown): void {
  if (given === undefined) return;
  if (!isObj(given)) throw new OptionError("OPTION_INVALID", `${what}: options must be an object, got ${describe(given)}`);
  for (const [name, value] of Object.entries(given)) {
    const check = table[name];
    if (!check) {
      throw new OptionError("OPTION_INVALID", `${what}: unknown option ${JSON.stringify(name)}`, {
        hint: `known options: ${Object.keys(table).join(", ")}`,
      });
    }
    if (value === undefined) continue;
    const want = check(value);
    if (want) throw new OptionError("OPTION_INVALID", `${what}: option ${name} must be ${want}, got ${describe(value)}`);
  }
}

function describe(v: unknown): string {
  if (v instanceof Secret) return "a Secret";
  if (typeof v === "string") return v.length > 40 ? `a string of ${v.length} characters` : JSON.stringify(v);
  if (Array.isArray(v)) return "an array";
  if (v === null) return "null";
  return typeof v === "object" ? "an object" : `${typeof v} ${String(v)}`;
}

export function checkAutomationOptions(options: unknown): AutomationOptions {
  checkAll("automation()", OPTIONS, options);
  return (options ?? {}) as AutomationOptions;
}

export function checkCallOptions(module: string, options: unknown): CallOptions {
  checkAll(`${module}()`, CALL_OPTIONS, options);
  return (options ?? {}) as CallOptions;
}
