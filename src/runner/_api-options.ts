// The library API's options: ansible-runner's run() kwargs in camelCase plus its callbacks. Options are checked
// by name here (a JavaScript caller has no compiler to catch a typo) and turned into the snake_case kwargs that
// resolveRunnerJob reads, so the library API and the worker resolve a job by the same code.
import { RunnerJobError } from "./_job-error.ts";
import type { RunnerEvent } from "./_adhoc-events.ts";
import type { RunnerJob } from "./_job-spec.ts";
import type { Runner } from "./_runner-object.ts";

/** An inline inventory: a path, an INI text, a host list (one INI line each) or a YAML/JSON-shaped object. */
export type InventoryInput = string | readonly string[] | Record<string, unknown>;

export type RunnerStatus = "unstarted" | "starting" | "running" | "successful" | "failed" | "canceled" | "timeout" | "error";

/** What statusHandler receives, as ansible-runner's status_callback builds it. */
export interface StatusData {
  status: RunnerStatus;
  runner_ident: string;
  /** On `starting` only. */
  command?: string[];
  env?: Record<string, string>;
  cwd?: string;
  /** On `error` only: what went wrong. */
  job_explanation?: string;
}

export interface RunnerCallbacks {
  /** Every event, in order; return false to not keep its job_events/ file (any other value keeps it). */
  eventHandler?: (event: RunnerEvent) => boolean | void;
  statusHandler?: (statusData: StatusData, runnerConfig: RunnerJob) => void;
  /** Called once with artifacts/<ident>/ after the final status is written. */
  artifactsHandler?: (artifactDir: string) => void;
  /** Called last, with the finished Runner. */
  finishedCallback?: (runner: Runner) => void;
  /** Polled while the job runs (every `cancelPollMs`); true cancels it. */
  cancelCallback?: () => boolean;
}

export interface RunnerOptions extends RunnerCallbacks {
  /** Default: a new temporary directory (left in place, as ansible-runner leaves it). */
  privateDataDir?: string;
  ident?: string | number;
  module?: string;
  /** `-a`: a string as ansible reads it, or an object (sent as JSON). */
  moduleArgs?: string | Record<string, unknown>;
  /** Default: "all" when there is an inventory, "localhost" when there is none (implicit localhost). */
  hostPattern?: string;
  inventory?: InventoryInput;
  limit?: string;
  forks?: number;
  verbosity?: number;
  extravars?: Record<string, unknown>;
  envvars?: Record<string, string>;
  /** Extra ansible command-line options, e.g. "--check -u deploy". */
  cmdline?: string;
  /** job_timeout in seconds: the job ends with status `timeout`. */
  timeout?: number;
  /** Prompt regular expression -> answer, as ansible-runner's `passwords`. Kept in memory only. */
  passwords?: Record<string, string>;
  /** A private key used from memory; never written to disk. */
  sshKey?: string;
  /** env/settings values: job_timeout, idle_timeout, suppress_output_file, suppress_ansible_output. */
  settings?: Record<string, unknown>;
  artifactDir?: string;
  suppressOutputFile?: boolean;
  /** Do not write envvars, extravars, settings and cmdline under env/ (ansible-runner's suppress_env_files). */
  suppressEnvFiles?: boolean;
  omitEventData?: boolean;
  onlyFailedEventData?: boolean;
  /** Receives the job's human output (ansible-runner prints it to the console); ftl2 never writes to stdout itself. */
  display?: (text: string) => void;
  /** No output to `display`. */
  quiet?: boolean;
  /** How often cancelCallback is polled; default 100 ms. */
  cancelPollMs?: number;
  /** Not supported by ftl2's runner; accepted by name so the error says so instead of "unknown option". */
  playbook?: unknown;
  role?: unknown;
  binary?: unknown;
}

/** camelCase option -> ansible-runner kwarg; undefined marks options the API handles itself. */
const KWARG_NAMES: Record<keyof RunnerOptions, string | undefined> = {
  privateDataDir: "private_data_dir", ident: "ident", module: "module", moduleArgs: "module_args", hostPattern: "host_pattern",
  inventory: "inventory", limit: "limit", forks: "forks", verbosity: "verbosity", extravars: "extravars", envvars: "envvars",
  cmdline: "cmdline", timeout: "timeout", passwords: "passwords", sshKey: "ssh_key", settings: "settings", artifactDir: "artifact_dir",
  suppressOutputFile: "suppress_output_file", suppressEnvFiles: "suppress_env_files", omitEventData: "omit_event_data",
  onlyFailedEventData: "only_failed_event_data", quiet: "quiet", playbook: "playbook", role: "role", binary: "binary",
  display: undefined, cancelPollMs: undefined, eventHandler: undefined, statusHandler: undefined, artifactsHandler: undefined,
  finishedCallback: undefined, cancelCallback: undefined,
};

const CALLBACKS = ["eventHandler", "statusHandler", "artifactsHandler", "finishedCallback", "cancelCallback", "display"] as const;

function typeName(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "an array" : typeof v;
}

/** Checks option names and callback types; returns the kwargs (inventory still in its input form). */
export function optionsToKwargs(opts: RunnerOptions): Record<string, unknown> {
  if (opts === null || typeof opts !== "object" || Array.isArray(opts)) throw new RunnerJobError(`runner options must be an object, not ${typeName(opts)}`);
  const kwargs: Record<string, unknown> = {};
  const unknown: string[] = [];
  for (const [key, value] of Object.entries(opts)) {
    if (!(key in KWARG_NAMES)) {
      unknown.push(key);
      continue;
    }
    const kw = KWARG_NAMES[key as keyof RunnerOptions];
    if (kw !== undefined && value !== undefined) kwargs[kw] = value;
  }
  if (unknown.length > 0) {
    throw new RunnerJobError(`unknown runner option${unknown.length > 1 ? "s" : ""} ${unknown.map((k) => `'${k}'`).join(", ")}`);
  }
  for (const name of CALLBACKS) {
    const fn = opts[name];
    if (fn !== undefined && typeof fn !== "function") throw new RunnerJobError(`runner option '${name}' must be a function, not ${typeName(fn)}`);
  }
  if (opts.cancelPollMs !== undefined && !(typeof opts.cancelPollMs === "number" && opts.cancelPollMs > 0)) {
    throw new RunnerJobError(`runner option 'cancelPollMs' must be a positive number of milliseconds, got ${JSON.stringify(opts.cancelPollMs)}`);
  }
  return kwargs;
}
