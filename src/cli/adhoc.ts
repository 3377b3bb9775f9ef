// `ftl2 [options] pattern`: the ansible-compatible ad-hoc command.
import { EXIT, collectSecrets, describeError, exitCodeForError, parseAdhocArgv, planAdhoc, prepareAdhoc, renderAdhocUsage, resolveAdhocOptions, runAdhoc, type AdhocIO, type AdhocOptions } from "../adhoc/index.ts";
import { OptionError } from "../errors.ts";
import { exitCodeFor } from "../executor/index.ts";
import { versionText } from "../version.ts";

import type { CliIO } from "./_io.ts";
import { AdhocPrinter } from "./_printer.ts";
import { ProgressLine } from "./_progress.ts";

const PROGRESS_MIN_HOSTS = 10;

function parseOrUsage(io: CliIO): { opts?: AdhocOptions; rc?: number } {
  try {
    const parsed = parseAdhocArgv(io.argv);
    if (parsed.help) {
      io.stdout.write(renderAdhocUsage(io.argv0));
      return { rc: EXIT.OK };
    }
    if (parsed.version) {
      io.stdout.write(versionText());
      return { rc: EXIT.OK };
    }
    if (parsed.vault_ids || parsed.ask_vault_pass || parsed.vault_password_files) {
      throw new OptionError("OPTION_INVALID", "Ansible Vault is not supported by ftl2");
    }
    return { opts: resolveAdhocOptions(parsed, io.env) };
  } catch (e) {
    if (!(e instanceof OptionError)) throw e;
    // argparse's convention: usage line, then `prog: error: msg`, exit 2.
    io.stderr.write(`usage: ${io.argv0} [options] pattern\n${io.argv0}: error: ${e.message}\n`);
    return { rc: EXIT.ARGPARSE };
  }
}

export async function runAdhocCommand(io: CliIO): Promise<number> {
  const { opts, rc } = parseOrUsage(io);
  if (!opts) return rc ?? EXIT.ARGPARSE;
  const printer = new AdhocPrinter(io, { mode: opts.json ? "json" : opts.oneLine ? "oneline" : "minimal", verbosity: opts.verbosity, tree: opts.tree });
  const ctl = new AbortController();
  const offSignal = io.onSignal(() => ctl.abort(new Error("interrupted")));
  const adhocIO: AdhocIO = { cwd: io.cwd, env: io.env, signal: ctl.signal, warn: (m) => printer.warn(m) };
  try {
    adhocIO.secrets = await collectSecrets(opts, io.promptSecret, io.env);
    const plan = await planAdhoc(opts, adhocIO);
    if (opts.listHosts) {
      printer.listHosts(plan.hostNames);
      return EXIT.OK;
    }
    const prepared = await prepareAdhoc(opts, plan, adhocIO);
    const interactive = io.stdout.isTTY === true && io.stderr.isTTY === true && !opts.json;
    if (opts.progress !== "never" && interactive && (opts.progress === "always" || prepared.hosts.length >= PROGRESS_MIN_HOSTS)) {
      printer.progress = new ProgressLine(io.stderr, prepared.hosts.length);
    }
    const outcome = await runAdhoc(opts, prepared, adhocIO, {
      onResult: (hr) => {
        printer.result(hr, prepared.module.action);
        printer.progress?.record(hr.status);
      },
    });
    printer.progress?.clear();
    if (outcome.canceled) {
      io.stderr.write("\n[ERROR]: User interrupted execution\n");
      printer.summary(outcome.stats, EXIT.INTERRUPTED);
      return EXIT.INTERRUPTED;
    }
    const code = exitCodeFor(outcome.stats);
    printer.summary(outcome.stats, code);
    return code;
  } catch (e) {
    printer.progress?.clear();
    const code = exitCodeForError(e);
    // ansible prints its help before an options error (exit 5).
    if (code === EXIT.OPTIONS) printer.usage(renderAdhocUsage(io.argv0));
    printer.error(describeError(e, opts.verbosity));
    return code;
  } finally {
    offSignal();
  }
}
