// Starts the gate over one exec channel: runs the bootstrap, uploads the pyz only when the host asks
// (FTL2_NEED), answers a sudo password prompt, and hands the channel to a GateSession once FTL2_GATE says
// the framed protocol begins. Gate trouble is reported precisely: no Python, a refused become, a gate that
// exits before Hello.
import type { Client, ClientChannel } from "ssh2";
import { FtlError, UnreachableError } from "../../errors.ts";
import { GateSession, type ByteChannel } from "../../gate/_session.ts";
import { readGatePyz } from "../../gate/_asset.ts";
import { gateSha256 } from "../../version.ts";
import { MARK, SUDO_PROMPT, SU_FAIL, bootstrapCommand, isSuPrompt, needsPty } from "./_bootstrap.ts";
import { describeTarget, type SshTarget } from "./_target.ts";

/** A host-side problem that fails the module (the host itself was reachable), as ansible reports it. */
export class GateStartError extends FtlError {
  constructor(message: string, hint?: string) {
    super("UNREACHABLE", message, { hint });
  }
}

function exec(client: Client, cmd: string, pty: boolean): Promise<ClientChannel> {
  return new Promise((resolve, reject) => client.exec(cmd, pty ? { pty: { term: "dumb" } } : {}, (err, ch) => (err ? reject(err) : resolve(ch))));
}

export async function startGate(client: Client, t: SshTarget, signal: AbortSignal): Promise<GateSession> {
  const pyz = await readGatePyz();
  const become = t.become ? { method: t.becomeMethod, user: t.becomeUser, password: t.becomePassword !== undefined } : undefined;
  let cmd: string;
  try {
    cmd = bootstrapCommand({ sha256: gateSha256(), size: pyz.length, python: t.python, become });
  } catch (e) {
    throw new GateStartError((e as Error).message);
  }
  const pty = become !== undefined && needsPty({ become });
  const ch = await exec(client, cmd, pty).catch((e: Error) => {
    throw new UnreachableError(`Failed to connect to the host via ssh: could not open a session on ${describeTarget(t)}: ${e.message}`);
  });

  let stderr = "";
  let preamble = "";
  let python = "";
  let gateStarted = false;
  let sentPassword = false;
  const dataListeners: ((b: Uint8Array) => void)[] = [];
  const closeListeners: ((why?: string) => void)[] = [];
  let resolveStart!: () => void;
  let rejectStart!: (e: Error) => void;
  const started = new Promise<void>((res, rej) => {
    resolveStart = res;
    rejectStart = rej;
  });

  // su asks on its terminal: on the pty (one stream, with a password) or, without one, on stderr.
  const answerSu = (pending: string) => {
    if (gateStarted || become?.method !== "su" || sentPassword || !isSuPrompt(pending)) return;
    sentPassword = true;
    if (t.becomePassword) return void ch.write(t.becomePassword.reveal() + "\n");
    rejectStart(new GateStartError("Missing su password", "give it with -K or ansible_become_password"));
    ch.close();
  };
  ch.stderr.on("data", (b: Buffer) => {
    stderr += b.toString("utf8");
    if (stderr.length > 65536) stderr = stderr.slice(-65536);
    answerSu(stderr.slice(stderr.lastIndexOf("\n") + 1));
    if (gateStarted || !t.becomePassword || become?.method === "su") return;
    const prompts = stderr.split(SUDO_PROMPT).length - 1;
    if (prompts === 1 && !sentPassword) {
      sentPassword = true;
      ch.write(t.becomePassword.reveal() + "\n");
    } else if (prompts > 1) {
      // sudo asks again after a wrong password; answering once more would only repeat the failure.
      rejectStart(new GateStartError(`Incorrect ${t.becomeMethod} password`, "check -K / ansible_become_password"));
      ch.close();
    }
  });
  ch.on("data", (b: Buffer) => {
    if (gateStarted) {
      for (const l of dataListeners) l(b);
      return;
    }
    preamble += b.toString("latin1");
    for (;;) {
      const nl = preamble.indexOf("\n");
      if (nl < 0) return answerSu(Buffer.from(preamble, "latin1").toString("utf8"));
      const line = preamble.slice(0, nl).replace(/\r$/, "");
      preamble = preamble.slice(nl + 1);
      // On a pty su's words come here, not on stderr.
      if (pty && !line.startsWith("FTL2_")) stderr += `${Buffer.from(line, "latin1").toString("utf8")}\n`;
      if (become?.method === "su" && line.includes(SU_FAIL)) {
        rejectStart(new GateStartError(`Incorrect su password`, "check -K / ansible_become_password"));
        ch.close();
        return;
      }
      if (line === MARK.need) ch.write(pyz);
      else if (line.startsWith(MARK.ready + " ")) python = line.slice(MARK.ready.length + 1);
      else if (line === MARK.noPython) {
        rejectStart(new GateStartError(`no Python interpreter found on ${t.host} (looked for python3.8 and newer, /usr/bin/python3, python3)`, "install python3 on the host, or set ansible_python_interpreter"));
      } else if (line === MARK.gate) {
        gateStarted = true;
        resolveStart();
        if (preamble.length > 0) {
          const rest = Buffer.from(preamble, "latin1");
          preamble = "";
          for (const l of dataListeners) l(rest);
        }
        return;
      }
    }
  });
  ch.on("close", (code: number | null, sig?: string) => {
    const why = (stderr.trim().split("\n").pop() ?? "") || (code !== null && code !== undefined ? `exit status ${code}` : sig ? `signal ${sig}` : "");
    if (!gateStarted) {
      if (become && /password is required|incorrect password|Sorry, try again|a terminal is required/.test(stderr)) {
        rejectStart(new GateStartError(t.becomePassword ? `Incorrect ${t.becomeMethod} password` : `Missing ${t.becomeMethod} password`, "give it with -K or ansible_become_password"));
      } else {
        rejectStart(new GateStartError(`the gate did not start on ${t.host}${python ? ` with ${python}` : ""}: ${why || "the session closed"}`));
      }
    }
    for (const l of closeListeners) l(why);
  });
  const onAbort = () => ch.close();
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    await started;
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
  const channel: ByteChannel = {
    write: (bytes) => void ch.write(bytes),
    onData: (cb) => void dataListeners.push(cb),
    onClose: (cb) => void closeListeners.push(cb),
    end: () => ch.end(),
  };
  try {
    return await GateSession.open(channel, { describe: `gate on ${describeTarget(t)}` });
  } catch (e) {
    const last = stderr.trim().split("\n").pop();
    throw new GateStartError(`${(e as Error).message}${last ? `: ${last}` : ""}`);
  }
}
