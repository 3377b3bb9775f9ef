// Module arguments from `-a` text, exactly as `ansible` ad-hoc reads them (cli/adhoc.py _play_ds,
// parsing/splitter.py parse_kv/split_args, parsing/mod_args.py): a JSON object when the text is `{...}`,
// otherwise `k=v` words with quoting and escapes; free-form modules keep their other words in `_raw_params`.
// Jinja2 blocks are kept whole while splitting (as split_args does) but never templated.
import { ArgsError } from "../errors.ts";
import type { ModuleParams } from "./_types.ts";

/** Ansible's names for a module in every spelling: NAME, ansible.builtin.NAME, ansible.legacy.NAME. */
function withInternalFqcns(names: readonly string[]): string[] {
  return names.flatMap((n) => (n.includes(".") ? [n] : [n, `ansible.builtin.${n}`, `ansible.legacy.${n}`]));
}

// C.MODULE_REQUIRE_ARGS: these take free-form text (check_raw=True).
const FREE_FORM = new Set(
  withInternalFqcns([
    "command", "win_command", "ansible.windows.win_command", "shell", "win_shell", "ansible.windows.win_shell",
    "raw", "script",
  ]),
);
// mod_args.RAW_PARAM_MODULES: the only modules allowed to keep `_raw_params`.
const RAW_PARAM_MODULES = [
  ...FREE_FORM,
  ...withInternalFqcns([
    "include", "include_vars", "include_tasks", "include_role", "import_tasks", "import_role", "add_host",
    "group_by", "set_fact", "meta",
  ]),
];
// C._ACTION_HAS_CMD: modules whose old `cmd` argument becomes `_raw_params` (playbook/task.py).
const HAS_CMD = new Set(withInternalFqcns(["command", "shell", "script"]));
// The k=v keys a free-form module accepts; any other `k=v` word stays part of the command.
const FREE_FORM_KEYS = new Set([
  "creates", "removes", "chdir", "executable", "warn", "stdin", "stdin_add_newline", "strip_empty_ends",
]);

/** True for modules whose `-a` text is a free-form command (command, shell, raw, script, win_*). */
export function isFreeFormModule(name: string): boolean {
  return FREE_FORM.has(name);
}

// Python's str.isspace() set, which str.strip() removes (JS trim() differs on \x1c-\x1f, \x85, \ufeff).
const PY_SPACE = "\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const PY_STRIP = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, "g");

export function pyStrip(s: string): string {
  return s.replace(PY_STRIP, "");
}

const SINGLE_ESCAPES: Record<string, string> = {
  "\\": "\\", "'": "'", '"': '"', a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v",
};
// \N{NAME} is matched (so it is not split up) but left as written: JS has no Unicode name table.
const ESCAPE_RE = /\\U[0-9a-fA-F]{8}|\\u[0-9a-fA-F]{4}|\\x[0-9a-fA-F]{2}|\\N\{[^}]+\}|\\[\\'"abfnrtv]/g;

function decodeEscapes(s: string): string {
  return s.replace(ESCAPE_RE, (m) => {
    const kind = m[1] as string;
    if (kind === "N") return m;
    if (kind === "U" || kind === "u" || kind === "x") {
      const cp = Number.parseInt(m.slice(2), 16);
      if (cp > 0x10ffff) throw new ArgsError("MODULE_ARGS_INVALID", `illegal Unicode character in escape ${m}`);
      return String.fromCodePoint(cp);
    }
    return SINGLE_ESCAPES[kind] ?? m;
  });
}

function unquote(s: string): string {
  const quoted = s.length > 1 && s[0] === s[s.length - 1] && (s[0] === '"' || s[0] === "'") && s[s.length - 2] !== "\\";
  return quoted ? s.slice(1, -1) : s;
}

/** Python's `list[-1]` on an empty list: split_args relies on this raising (IndexError). */
class IndexError extends Error {}

function quoteState(token: string, quoteChar: string | null): string | null {
  for (let i = 0; i < token.length; i++) {
    const c = token[i] as string;
    if ((c === '"' || c === "'") && (i === 0 || token[i - 1] !== "\\")) {
      if (quoteChar === null) quoteChar = c;
      else if (c === quoteChar) quoteChar = null;
    }
  }
  return quoteChar;
}

function countOccurrences(s: string, sub: string): number {
  return s.split(sub).length - 1;
}

function blockDepth(token: string, depth: number, open: string, close: string): number {
  const diff = countOccurrences(token, open) - countOccurrences(token, close);
  return diff === 0 ? depth : Math.max(0, depth + diff);
}

/** split_args: split on spaces and newlines, keeping quoted strings and Jinja2 blocks whole. */
export function splitArgs(args: string): string[] {
  const params: string[] = [];
  const appendLast = (s: string): void => {
    if (params.length === 0) throw new IndexError();
    params[params.length - 1] += s;
  };
  const items = args.split("\n");
  let quoteChar: string | null = null;
  let insideQuotes = false;
  let printDepth = 0;
  let blockDepthN = 0;
  let commentDepth = 0;
  items.forEach((item, itemIdx) => {
    const tokens = item.split(" ");
    let lineContinuation = false;
    tokens.forEach((token, idx) => {
      if (token.length === 0 && idx !== 0) return appendLast(" ");
      if (token === "\\" && !insideQuotes) {
        lineContinuation = true;
        return;
      }
      const wasInsideQuotes = insideQuotes;
      quoteChar = quoteState(token, quoteChar);
      insideQuotes = quoteChar !== null;
      const inBlock = (): boolean => printDepth > 0 || blockDepthN > 0 || commentDepth > 0;
      let appended = false;
      if (insideQuotes && !wasInsideQuotes && !inBlock()) {
        params.push(token);
        appended = true;
      } else if (inBlock() || insideQuotes || wasInsideQuotes) {
        if (idx === 0 && wasInsideQuotes) appendLast(token);
        else if (tokens.length > 1) appendLast(`${idx > 0 ? " " : ""}${token}`);
        else appendLast(`\n${token}`);
        appended = true;
      }
      for (const [open, close] of [["{{", "}}"], ["{%", "%}"], ["{#", "#}"]] as const) {
        const before = open === "{{" ? printDepth : open === "{%" ? blockDepthN : commentDepth;
        const after = blockDepth(token, before, open, close);
        if (open === "{{") printDepth = after;
        else if (open === "{%") blockDepthN = after;
        else commentDepth = after;
        if (after !== before && !appended) {
          params.push(token);
          appended = true;
        }
      }
      if (!inBlock() && !insideQuotes && !appended && token !== "") params.push(token);
    });
    if (items.length > 1 && itemIdx !== items.length - 1 && !lineContinuation) appendLast("\n");
  });
  if (printDepth || blockDepthN || commentDepth || insideQuotes) {
    throw new ArgsError(
      "MODULE_ARGS_INVALID",
      `failed at splitting arguments, either an unbalanced jinja2 block or quotes: ${args}`,
      { hint: "close every quote you open, or quote the entire value" },
    );
  }
  return params;
}

function joinArgs(parts: readonly string[]): string {
  let out = "";
  for (const p of parts) out += out.length === 0 || out.endsWith("\n") ? p : ` ${p}`;
  return out;
}

/** parse_kv: `k=v` words to a dict; other words (and, with checkRaw, unknown keys) go to `_raw_params`. */
export function parseKv(args: string, checkRaw = false): ModuleParams {
  let words: string[];
  try {
    words = splitArgs(args);
  } catch (e) {
    if (e instanceof IndexError) {
      throw new ArgsError("MODULE_ARGS_INVALID", "Unable to parse argument string. list index out of range", {
        hint: "remove leading or doubled spaces and newlines from the module arguments",
      });
    }
    throw e;
  }
  const options: ModuleParams = {};
  const raw: string[] = [];
  for (const orig of words) {
    const x = decodeEscapes(orig);
    if (!x.includes("=")) {
      raw.push(orig);
      continue;
    }
    // The first unescaped '=' after position 0 splits key from value.
    let pos = 0;
    for (;;) {
      pos = x.indexOf("=", pos + 1);
      if (pos < 0 || x[pos - 1] !== "\\") break;
    }
    if (pos < 0) {
      raw.push(x.replaceAll("\\=", "="));
      continue;
    }
    const key = x.slice(0, pos);
    if (checkRaw && !FREE_FORM_KEYS.has(key)) raw.push(orig);
    else options[pyStrip(key)] = unquote(pyStrip(x.slice(pos + 1)));
  }
  if (raw.length > 0) options._raw_params = joinArgs(raw);
  return options;
}

/**
 * What ansible's Task does before the module sees its arguments: command, shell and script take `cmd` as
 * `_raw_params`. Callers that build params themselves (the scripting API) should pass them through this too.
 */
export function normalizeCmdArg(module: string, params: ModuleParams): ModuleParams {
  if (!HAS_CMD.has(module) || !("cmd" in params)) return params;
  const { cmd, ...rest } = params;
  if (rest._raw_params !== undefined && rest._raw_params !== "") {
    throw new ArgsError(
      "MODULE_ARGS_INVALID",
      "The 'cmd' argument cannot be used when other raw parameters are specified. Please put everything in one or the other place.",
      { hint: `give ${module} its command either as free-form text or as cmd=..., not both` },
    );
  }
  return { ...rest, _raw_params: cmd };
}

/** The `-a` text of an ad-hoc run for `module`, as the arguments ansible would pass to it. */
export function parseModuleArgs(module: string, text: string): ModuleParams {
  let params: ModuleParams | undefined;
  if (text.startsWith("{") && text.endsWith("}")) {
    try {
      const parsed: unknown = JSON.parse(text.trim());
      if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) params = parsed as ModuleParams;
    } catch {
      // Not JSON after all: ansible falls back to k=v parsing too.
    }
    if (params && Object.keys(params).length === 0) params = undefined;
  }
  params ??= parseKv(text, isFreeFormModule(module));
  const rawParams = params._raw_params;
  if (rawParams !== undefined && rawParams !== "" && !RAW_PARAM_MODULES.includes(module)) {
    throw new ArgsError(
      "MODULE_ARGS_INVALID",
      `this task '${module}' has extra params, which is only allowed in the following modules: ${RAW_PARAM_MODULES.join(", ")}`,
      { hint: `give ${module} its arguments as key=value pairs: ${JSON.stringify(String(rawParams))} is not one` },
    );
  }
  return normalizeCmdArg(module, params);
}
