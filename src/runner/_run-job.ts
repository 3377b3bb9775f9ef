// Runs a resolved runner job (an ad-hoc command line) on the engine and reports it as ansible-runner events.
// The worker and the library API both call this; they differ only in where the events and statuses go.
import {
  EXIT, collectSecrets, describeError, exitCodeForError, parseAdhocArgv, planAdhoc, prepareAdhoc, resolveAdhocOptions,
  runAdhoc, type AdhocIO, type AdhocOptions,
} from "../adhoc/index.ts";
import { OptionError } from "../errors.ts";
import type { RunStats } from "../events/index.ts";
import { exitCodeFor } from "../executor/index.ts";
import type { Transport } from "../transport/index.ts";
import { AdhocEventBuilder, type RunnerEvent } from "./_adhoc-events.ts";
import type { RunnerJob } from "./_job-spec.ts";
import { answerPrompt } from "./_passwords.ts";

export type JobStatus = "successful" | "failed" | "canceled" | "timeout";

export interface JobOutcome {
  status: JobStatus;
  rc: number;
  stats?: RunStats;
}

export interface RunJobIO {
  emit: (event: RunnerEvent) => void;
  /** Aborted with reason "timeout" for job_timeout, anything else for a cancel. */
  signal?: AbortSignal;
  transports?: readonly Transport[];
  now?: () => Date;
}

/** rc 254 for a canceled or timed-out job, as ansible-runner reports it. */
export const RC_CANCELED = 254;

function stopped(signal: AbortSignal | undefined): JobOutcome | undefined {
  if (!signal?.aborted) return undefined;
  return { status: signal.reason === "timeout" ? "timeout" : "canceled", rc: RC_CANCELED };
}

/** The job's command line as ansible's argparse reads it, or the usage error ansible would print. */
function parseCommand(job: RunnerJob): { opts?: AdhocOptions; usage?: string } {
  try {
    return { opts: resolveAdhocOptions(parseAdhocArgv(job.command.slice(1)), job.env) };
  } catch (e) {
    if (!(e instanceof OptionError)) throw e;
    return { usage: `usage: ansible [options] pattern\nansible: error: ${e.message}` };
  }
}

export async function runAdhocJob(job: RunnerJob, io: RunJobIO): Promise<JobOutcome> {
  const { opts, usage } = parseCommand(job);
  const events = new AdhocEventBuilder({
    ident: job.ident, env: job.env, verbosity: opts?.verbosity ?? 0, module: opts?.moduleName ?? "", emit: io.emit, now: io.now,
  });
  if (!opts) {
    events.verbose(usage ?? "");
    return { status: "failed", rc: EXIT.ARGPARSE };
  }
  // ftl2 reads no ansible.cfg; at -v ansible says so in these words.
  if (opts.verbosity > 0) events.verbose("No config file found; using defaults", "verbose");
  const adhocIO: AdhocIO = {
    cwd: job.cwd, env: job.env, signal: io.signal, transports: io.transports, warn: (m) => events.warning(m),
  };
  try {
    const secrets = await collectSecrets(opts, async (prompt) => answerPrompt(job.passwords, prompt)?.reveal(), job.env);
    adhocIO.secrets = { ...secrets, privateKey: job.sshKey };
    const plan = await planAdhoc(opts, adhocIO);
    if (opts.listHosts) {
      events.verbose(`  hosts (${plan.hostNames.length}):\n${plan.hostNames.map((h) => `    ${h}`).join("\n")}`);
      return { status: "successful", rc: 0 };
    }
    const prepared = await prepareAdhoc(opts, plan, adhocIO);
    events.playbookStart();
    const outcome = await runAdhoc(opts, prepared, adhocIO, {
      onStart: (host) => events.hostStart(host),
      onResult: (hr) => events.hostResult(hr),
    });
    const halted = stopped(io.signal);
    if (halted || outcome.canceled) return { ...(halted ?? { status: "canceled", rc: RC_CANCELED }), stats: outcome.stats };
    events.stats(outcome.stats);
    const rc = exitCodeFor(outcome.stats);
    return { status: rc === 0 ? "successful" : "failed", rc, stats: outcome.stats };
  } catch (e) {
    const halted = stopped(io.signal);
    if (halted) return halted;
    events.error(describeError(e, opts.verbosity));
    return { status: "failed", rc: exitCodeForError(e) };
  }
}
