// Ansible's `oneline` stdout callback (`-o`), line for line.
import { dumpResult } from "./_dump.ts";
import { isNoJsonAction, type DisplayLine, type HostEventView } from "./_lines.ts";

const esc = (s: unknown): string => String(s ?? "").replace(/\n/g, "\\n").replace(/\r/g, "\\r");

function commandGenericMsg(host: string, result: Record<string, unknown>, caption: string): string {
  const rc = result.rc === undefined ? -1 : result.rc;
  const stdout = esc(result.stdout);
  if (result.stderr) return `${host} | ${caption} | rc=${String(rc)} | (stdout) ${stdout} (stderr) ${esc(result.stderr)}`;
  return `${host} | ${caption} | rc=${String(rc)} | (stdout) ${stdout}`;
}

const compact = (r: Record<string, unknown>, verbosity: number): string => dumpResult(r, { indent: 0, verbosity }).replace(/\n/g, "");

export function onelineLines(ev: HostEventView, verbosity: number): DisplayLine[] {
  const result = ev.result;
  switch (ev.status) {
    case "failed": {
      const lines: DisplayLine[] = [];
      if (result.exception !== undefined) {
        const text = String(result.exception);
        const msg =
          verbosity < 3
            ? `An exception occurred during task execution. To see the full traceback, use -vvv. The error was: ${text.trim().split("\n").pop() ?? ""}`
            : `An exception occurred during task execution. The full traceback is:\n${text.replace(/\n/g, "")}`;
        if (isNoJsonAction(ev.action) && result.module_stderr === undefined) {
          lines.push({ text: commandGenericMsg(ev.host, result, "FAILED"), color: "error" });
        } else {
          lines.push({ text: msg, color: "error" });
        }
      }
      lines.push({ text: `${ev.host} | FAILED! => ${compact(result, verbosity)}`, color: "error" });
      return lines;
    }
    case "ok":
    case "changed": {
      const state = result.changed === true ? "CHANGED" : "SUCCESS";
      const color = result.changed === true ? "changed" : "ok";
      if (isNoJsonAction(ev.action) && result.ansible_job_id === undefined) {
        return [{ text: commandGenericMsg(ev.host, result, state), color }];
      }
      return [{ text: `${ev.host} | ${state} => ${compact(result, verbosity)}`, color }];
    }
    case "unreachable":
      return [{ text: `${ev.host} | UNREACHABLE!: ${String(result.msg ?? "")}`, color: "unreachable" }];
    case "skipped":
      return [{ text: `${ev.host} | SKIPPED`, color: "skip" }];
  }
}
