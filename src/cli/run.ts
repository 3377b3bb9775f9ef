// `ftl2 run SCRIPT [options]`: loads a TypeScript/JavaScript script, hands its `run` (or default export) an
// automation context built from the command line, and prints every module call as ansible-playbook does.
// Exit code: the number the script returns, else ansible-playbook's (4 unreachable, 2 failed, 0); 1 for a
// script error (`ERROR! file:line:col: message`), 99 when interrupted, with every gate closed first.
import { EXIT, describeError, exitCodeForError } from "../adhoc/index.ts";
import * as api from "../automation/index.ts";
import {
  AutomationFailedError, automation, callScript, loadScript, registerScriptModule, setScriptAutomation, type AutomationOptions, type Ftl,
} from "../automation/index.ts";
import { FtlError, OptionError } from "../errors.ts";
import type { EngineEvent } from "../events/index.ts";
import { exitCodeFor } from "../executor/index.ts";
import type { CliIO } from "./_io.ts";
import { PlaybookPrinter } from "./_playbook-printer.ts";
import { automationOptionsFor, parseRunArgv, renderRunUsage, type RunCliOptions } from "./_run-options.ts";

function parseOrUsage(io: CliIO): { run?: RunCliOptions; rc?: number } {
  try {
    const run = parseRunArgv(io.argv.slice(1), io.env);
    if (run === "help") {
      io.stdout.write(renderRunUsage(io.argv0));
      return { rc: EXIT.OK };
    }
    return { run };
  } catch (e) {
    if (!(e instanceof OptionError)) throw e;
    io.stderr.write(`usage: ${io.argv0} run [options] script\n${io.argv0} run: error: ${e.message}\n`);
    return { rc: EXIT.ARGPARSE };
  }
}

function chain(a: ((e: EngineEvent) => void) | undefined, b: (e: EngineEvent) => void): (e: EngineEvent) => void {
  return a ? (e) => (a(e), b(e)) : b;
}

function scriptExitCode(value: unknown, file: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= 255) return value;
  throw new FtlError("SCRIPT_ERROR", `run() returned ${typeof value === "number" ? value : typeof value}, not an exit code (a whole number 0-255) or nothing`, { file });
}

export async function runScriptCommand(io: CliIO): Promise<number> {
  const { run, rc } = parseOrUsage(io);
  if (!run) return rc ?? EXIT.ARGPARSE;
  // Every context the script gets or makes, closed before the command returns, whatever happened.
  const contexts: Ftl[] = [];
  const printer = new PlaybookPrinter(io, run.adhoc.verbosity, () => contexts.flatMap((c) => Object.values(c.secrets)));
  const ctl = new AbortController();
  const offSignal = io.onSignal(() => ctl.abort(new Error("interrupted")));
  const open = async (o: AutomationOptions): Promise<Ftl> => {
    const ftl = await automation(o);
    contexts.push(ftl);
    return ftl;
  };
  let code: number;
  try {
    const base: AutomationOptions = {
      ...(await automationOptionsFor(run, { cwd: io.cwd, env: io.env, promptSecret: io.promptSecret })),
      onEvent: printer.onEvent, onWarning: (m) => printer.warn(m), signal: ctl.signal,
    };
    await registerScriptModule(api);
    // `import { automation } from "ftl2"` in the script: the command line's defaults, printed the same way.
    setScriptAutomation((o) => {
      const own = (o ?? {}) as AutomationOptions;
      return open({ ...base, ...own, onEvent: chain(own.onEvent, printer.onEvent), signal: own.signal ?? ctl.signal });
    });
    const script = await loadScript(run.script, { cwd: io.cwd });
    const ftl = await open(base);
    const value = await callScript(script, [ftl]);
    code = scriptExitCode(value, script.path) ?? exitCodeFor(printer.stats);
  } catch (e) {
    code = ctl.signal.aborted ? EXIT.INTERRUPTED : reportError(e, printer, run.adhoc.verbosity);
  } finally {
    setScriptAutomation(undefined);
    await Promise.allSettled(contexts.map((c) => c.close()));
    offSignal();
  }
  if (ctl.signal.aborted) {
    io.stderr.write("\n[ERROR]: User interrupted execution\n");
    return EXIT.INTERRUPTED;
  }
  printer.recap();
  return code;
}

function reportError(e: unknown, printer: PlaybookPrinter, verbosity: number): number {
  const failed = e instanceof AutomationFailedError ? e : e instanceof FtlError && e.cause instanceof AutomationFailedError ? e.cause : undefined;
  if (failed) {
    // fail-fast: the hosts' results are already printed; the exit code is the failed run's, as ansible-playbook's.
    printer.error(e instanceof FtlError ? e.describe() : failed.describe());
    return exitCodeFor(printer.stats) || EXIT.FAILED;
  }
  printer.error(describeError(e, verbosity));
  return exitCodeForError(e);
}
