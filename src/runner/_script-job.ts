// A worker script job (FTL2_SCRIPT, or the baked /opt/ftl2/main.ts for a playbook job): the script's
// `run(inventoryPath, extravars, runner)` is called with a ScriptRunner whose automation() contexts default to
// the job's inventory, extra vars, cwd and env and stream every module call into the job's events, shaped as a
// playbook run. The number returned is the rc; a failed or unreachable host makes the job failed; a throw is an
// error event at the script's file:line, rc 1; cancel and job_timeout abort every context (rc 254).
import { basename } from "node:path";
import * as api from "../automation/index.ts";
import {
  Masker, automation, callScript, loadScript, registerScriptModule, scriptError, setScriptAutomation, type AutomationOptions, type Ftl, type ScriptRunner,
} from "../automation/index.ts";
import { describeError } from "../adhoc/index.ts";
import type { EngineEvent } from "../events/index.ts";
import { exitCodeFor } from "../executor/index.ts";
import type { RunnerJob } from "./_job-spec.ts";
import { answerPrompt } from "./_passwords.ts";
import { PlaybookEventBuilder } from "./_playbook-events.ts";
import { RC_CANCELED, runAdhocJob, type JobOutcome, type RunJobIO } from "./_run-job.ts";

/** The job as its kind says: a script job, else the ad-hoc command line. */
export function runRunnerJob(job: RunnerJob, io: RunJobIO): Promise<JobOutcome> {
  return job.script ? runScriptJob(job, io) : runAdhocJob(job, io);
}

function chain(a: ((e: EngineEvent) => void) | undefined, b: (e: EngineEvent) => void): (e: EngineEvent) => void {
  return a ? (e) => (a(e), b(e)) : b;
}

function stopped(signal: AbortSignal | undefined): JobOutcome | undefined {
  if (!signal?.aborted) return undefined;
  return { status: signal.reason === "timeout" ? "timeout" : "canceled", rc: RC_CANCELED };
}

export async function runScriptJob(job: RunnerJob, io: RunJobIO): Promise<JobOutcome> {
  const script = job.script as string;
  const events = new PlaybookEventBuilder({ ident: job.ident, env: job.env, now: io.now, playbook: basename(script), verbosity: 0, emit: io.emit });
  const contexts: Ftl[] = [];
  // Every context's secrets: the engine masks what it reports; what the script itself emits or throws is masked here.
  const masker = new Masker();
  // The machine credential: its key from memory, and passwords only where AWX sent a real answer (it sends
  // every prompt, most with an empty answer).
  const answer = (prompt: string) => {
    const s = answerPrompt(job.passwords, prompt);
    return s && s.reveal() !== "" ? s : undefined;
  };
  const base: AutomationOptions = {
    inventory: job.inventory, extraVars: job.extravars, cwd: job.cwd, env: job.env, signal: io.signal, handleSignals: false,
    privateKey: job.sshKey, password: answer("SSH password:"), becomePassword: answer("BECOME password:"),
  };
  const runner: ScriptRunner = {
    async automation(options?: AutomationOptions): Promise<Ftl> {
      const own = options ?? {};
      const ftl = await automation({ ...base, ...own, onEvent: chain(own.onEvent, events.onEvent), signal: own.signal ?? io.signal });
      contexts.push(ftl);
      for (const s of Object.values(ftl.secrets)) masker.add(s);
      return ftl;
    },
    emitEvent(event: Record<string, unknown>): void {
      events.custom(masker.deep(event));
    },
  };
  let value: unknown;
  try {
    await registerScriptModule(api);
    // `import { automation } from "ftl2"` inside the script streams into the job as runner.automation() does.
    setScriptAutomation((o) => runner.automation(o as AutomationOptions));
    const loaded = await loadScript(script, { cwd: job.cwd });
    events.start();
    value = await callScript(loaded, [job.inventory ?? "", { ...job.extravars }, runner]);
    if (value !== undefined && value !== null && !(typeof value === "number" && Number.isInteger(value))) {
      throw scriptError(new TypeError(`run() returned ${typeof value}, not a whole number (the job's rc) or nothing`), loaded.path);
    }
  } catch (e) {
    const halted = stopped(io.signal);
    if (halted) return { ...halted, stats: events.stats };
    events.error(masker.text(describeError(e, 0)));
    return { status: "failed", rc: 1, stats: events.stats };
  } finally {
    setScriptAutomation(undefined);
    await Promise.allSettled(contexts.map((c) => c.close()));
  }
  const halted = stopped(io.signal);
  if (halted) return { ...halted, stats: events.stats };
  events.end();
  const hostsFailed = exitCodeFor(events.stats);
  const rc = typeof value === "number" ? value : hostsFailed;
  return { status: rc === 0 && hostsFailed === 0 ? "successful" : "failed", rc, stats: events.stats };
}
