// What a callback writes for one event: lines with an optional colour, to stdout or stderr.
import type { HostStatus } from "../events/index.ts";
import { formatWarning, type ColorName } from "./_display.ts";

export interface DisplayLine {
  text: string;
  color?: ColorName;
  stderr?: boolean;
}

export interface HostEventView {
  host: string;
  status: HostStatus;
  result: Record<string, unknown>;
  /** The task's action as the user named it (`command`, `ansible.builtin.shell`, ...). */
  action: string;
}

const NO_JSON = ["command", "win_command", "ansible.windows.win_command", "shell", "win_shell", "ansible.windows.win_shell", "raw"];

/** C.MODULE_NO_JSON: modules whose output is printed as text (`| CHANGED | rc=0 >>`). */
export function isNoJsonAction(action: string): boolean {
  return NO_JSON.some((m) => action === m || action === `ansible.builtin.${m}` || action === `ansible.legacy.${m}`);
}

/** The exception line callbacks print before a failure (CallbackBase._handle_exception). */
export function exceptionLine(result: Record<string, unknown>, verbosity: number): DisplayLine | undefined {
  if (result.exception === undefined) return undefined;
  const text = String(result.exception);
  if (verbosity < 3) {
    const parts = text.trim().split("\n");
    const last = parts[parts.length - 1] ?? "";
    return {
      text: `An exception occurred during task execution. To see the full traceback, use -vvv. The error was: ${last}`,
      color: "error",
    };
  }
  return { text: `The full traceback is:\n${text}`, color: "error" };
}

/** Warnings and deprecations a result carries, printed on stderr and then removed from it. */
export function takeWarnings(result: Record<string, unknown>): string[] {
  const out: string[] = [];
  const w = result.warnings;
  if (Array.isArray(w) && w.length > 0) {
    for (const x of w) out.push(String(x));
    delete result.warnings;
  }
  const d = result.deprecations;
  if (Array.isArray(d) && d.length > 0) {
    for (const x of d) {
      const o = x as { msg?: string; version?: string; collection_name?: string };
      const ver = o.version ? ` This feature will be removed in version ${o.version}.` : "";
      out.push(`[DEPRECATION WARNING]: ${o.msg ?? String(x)}.${ver}`);
    }
    delete result.deprecations;
  }
  return out;
}

/** takeWarnings as the lines the callbacks print (stderr, warning colour), in the order they came. */
export function takeWarningLines(result: Record<string, unknown>): DisplayLine[] {
  return takeWarnings(result).map((w) => ({ text: w.startsWith("[DEPRECATION") ? w + "\n" : formatWarning(w), color: "warn", stderr: true }));
}
