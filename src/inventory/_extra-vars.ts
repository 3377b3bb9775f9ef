// -e/--extra-vars values as Ansible's load_extra_vars reads them, in order, later ones replacing earlier keys:
// `@file` (YAML or JSON, relative to cwd), a JSON/YAML document starting with `{` or `[`, or `k=v` pairs.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { ArgsError, FtlError, errorMessage } from "../errors.ts";
import { type SplitArgsFailure, SplitArgsError, parseKv } from "../text/index.ts";
import { loadYamlOrJson } from "./_yaml-load.ts";

const KV_HINTS: Record<SplitArgsFailure, string> = {
  unbalanced: "close the quote or the {{ }} block",
  index: "remove the spaces or newline at the start",
  escape: "a \\U escape names a code point up to 10FFFF",
};

const isMapping = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

export async function parseExtraVars(values: string[], cwd: string): Promise<Record<string, unknown>> {
  let extra: Record<string, unknown> = {};
  for (const opt of values) {
    if (!opt) continue;
    let data: unknown;
    if (opt.startsWith("@")) data = await loadFile(resolve(cwd, opt.slice(1)), opt);
    else if (opt[0] === "/" || opt[0] === ".") {
      throw new ArgsError("EXTRA_VARS_INVALID", `Please prepend extra_vars filename '${opt}' with '@'`, {
        hint: `write -e @${opt}`,
      });
    } else if (opt[0] === "[" || opt[0] === "{") data = parseDocument(opt);
    else {
      try {
        data = parseKv(opt);
      } catch (e) {
        if (!(e instanceof SplitArgsError)) throw e;
        throw new ArgsError("EXTRA_VARS_INVALID", e.message, { hint: KV_HINTS[e.failure] });
      }
    }
    if (!isMapping(data)) {
      throw new ArgsError("EXTRA_VARS_INVALID", `Invalid extra vars data supplied. '${opt}' could not be made into a dictionary`, {
        hint: "extra vars must be key=value pairs, a JSON/YAML mapping, or @file holding one",
      });
    }
    extra = { ...extra, ...data };
  }
  return extra;
}

function parseDocument(text: string): unknown {
  try {
    return loadYamlOrJson(text, "<extra vars>");
  } catch (e) {
    throw new ArgsError("EXTRA_VARS_INVALID", `Syntax error in extra vars: ${e instanceof FtlError ? e.message : errorMessage(e)}`, {
      hint: "write valid JSON or YAML, e.g. -e '{\"key\": \"value\"}'",
    });
  }
}

async function loadFile(path: string, opt: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    throw new ArgsError("EXTRA_VARS_INVALID", `Could not find or access '${opt.slice(1)}': ${errorMessage(e)}`, {
      file: path,
      hint: "the path after @ is relative to the current directory",
    });
  }
  try {
    return loadYamlOrJson(text, path);
  } catch (e) {
    if (e instanceof FtlError) {
      throw new ArgsError("EXTRA_VARS_INVALID", e.message, { file: e.file, line: e.line, hint: e.hint });
    }
    throw e;
  }
}
