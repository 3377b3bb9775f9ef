// Ansible's `minimal` stdout callback (the ad-hoc default), line for line.
import { dumpResult } from "./_dump.ts";
import { exceptionLine, isNoJsonAction, takeWarningLines, type DisplayLine, type HostEventView } from "./_lines.ts";

function commandGenericMsg(host: string, result: Record<string, unknown>, caption: string): string {
  const rc = result.rc === undefined ? -1 : result.rc;
  return `${host} | ${caption} | rc=${String(rc)} >>\n${str(result.stdout)}${str(result.stderr)}${str(result.msg)}\n`;
}

function str(v: unknown): string {
  return v === undefined || v === null ? "" : String(v);
}

export function minimalLines(ev: HostEventView, verbosity: number): DisplayLine[] {
  const result = { ...ev.result };
  const lines: DisplayLine[] = [];
  const warn = (): void => void lines.push(...takeWarningLines(result));
  switch (ev.status) {
    case "failed": {
      const ex = exceptionLine(result, verbosity);
      if (ex) lines.push(ex);
      warn();
      if (isNoJsonAction(ev.action) && result.module_stderr === undefined) {
        lines.push({ text: commandGenericMsg(ev.host, result, "FAILED"), color: "error" });
      } else {
        lines.push({ text: `${ev.host} | FAILED! => ${dumpResult(result, { indent: 4, verbosity })}`, color: "error" });
      }
      break;
    }
    case "ok":
    case "changed": {
      warn();
      const state = result.changed === true ? "CHANGED" : "SUCCESS";
      const color = result.changed === true ? "changed" : "ok";
      if (isNoJsonAction(ev.action) && result.ansible_job_id === undefined) {
        lines.push({ text: commandGenericMsg(ev.host, result, state), color });
      } else {
        lines.push({ text: `${ev.host} | ${state} => ${dumpResult(result, { indent: 4, verbosity })}`, color });
      }
      break;
    }
    case "skipped":
      lines.push({ text: `${ev.host} | SKIPPED`, color: "skip" });
      break;
    case "unreachable":
      lines.push({ text: `${ev.host} | UNREACHABLE! => ${dumpResult(result, { indent: 4, verbosity })}`, color: "unreachable" });
      break;
  }
  return lines;
}
