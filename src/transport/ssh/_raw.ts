// ansible.builtin.raw over SSH: the text runs through the login shell on a plain exec channel, no Python
// and no gate (how one bootstraps Python onto a bare host). Become wraps it with sudo/doas as Ansible does.
import type { Client } from "ssh2";
import { pySplitLines } from "../../modules/_ansible-local.ts";
import type { ModuleParams, ModuleResult } from "../../modules/_types.ts";
import { shQuote } from "./_bootstrap.ts";
import type { SshTarget } from "./_target.ts";

export function rawCommand(args: ModuleParams, t: SshTarget): string {
  let cmd = String(args._raw_params ?? "");
  if (typeof args.executable === "string" && args.executable) cmd = `${args.executable} -c ${shQuote(cmd)}`;
  if (t.become && t.becomeMethod === "sudo") cmd = `sudo -H -n -u ${shQuote(t.becomeUser)} -- /bin/sh -c ${shQuote(cmd)}`;
  if (t.become && t.becomeMethod === "doas") cmd = `doas -n -u ${shQuote(t.becomeUser)} /bin/sh -c ${shQuote(cmd)}`;
  return cmd;
}

export function runRaw(client: Client, t: SshTarget, args: ModuleParams, signal: AbortSignal): Promise<ModuleResult> {
  return new Promise((resolve, reject) => {
    client.exec(rawCommand(args, t), (err, ch) => {
      if (err) return reject(err);
      const out: Buffer[] = [];
      const errb: Buffer[] = [];
      const onAbort = () => ch.close();
      signal.addEventListener("abort", onAbort, { once: true });
      ch.on("data", (b: Buffer) => out.push(b));
      ch.stderr.on("data", (b: Buffer) => errb.push(b));
      ch.on("close", (code: number | null) => {
        signal.removeEventListener("abort", onAbort);
        const stdout = Buffer.concat(out).toString("utf8");
        const stderr = Buffer.concat(errb).toString("utf8");
        const rc = code ?? -1;
        const r: ModuleResult = { changed: true, rc, stdout, stdout_lines: pySplitLines(stdout), stderr, stderr_lines: pySplitLines(stderr) };
        if (rc !== 0) Object.assign(r, { failed: true, msg: "non-zero return code" });
        resolve(r);
      });
    });
  });
}
