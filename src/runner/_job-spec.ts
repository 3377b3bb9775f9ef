// A runner job as ansible-runner's RunnerConfig sees it: the kwargs (from transmit or the library API) over the
// files of the private data dir (env/settings, env/envvars, env/passwords, env/ssh_key, env/cmdline, env/extravars,
// inventory/, args), turned into the `ansible` command line ansible-runner would run. The worker then runs that
// command line through the same ad-hoc parser as the CLI, so AWX's `env/cmdline` means exactly what it means
// to ansible.
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { parse as parseYaml } from "yaml";
import { pyJsonDumps } from "../events/index.ts";
import { Secret } from "../secret.ts";
import { shlexSplit } from "../text/index.ts";
import { RunnerJobError } from "./_job-error.ts";
import { compilePasswordPrompts, type PasswordPrompt } from "./_passwords.ts";

type Env = Record<string, string>;

export interface RunnerSettings {
  jobTimeout: number;
  idleTimeout: number;
  suppressOutputFile: boolean;
  suppressAnsibleOutput: boolean;
}

export interface RunnerJob {
  ident: string;
  privateDataDir: string;
  artifactDir: string;
  /** The `ansible ...` command line ansible-runner would have run for these inputs. */
  command: string[];
  cwd: string;
  env: Env;
  settings: RunnerSettings;
  passwords: PasswordPrompt[];
  sshKey?: Secret;
  /** env/extravars merged with the extravars kwarg (the kwarg wins), for script jobs. */
  extravars: Record<string, unknown>;
  inventory?: string;
  /** A script job: the script to run (FTL2_SCRIPT, or the baked /opt/ftl2/main.ts|js for a playbook job). */
  script?: string;
}

/** Every kwarg ansible-runner 2.3's `run()` accepts; the ones marked ignored only matter to containers or logging. */
const RUN_KWARGS = new Set([
  "private_data_dir", "ident", "json_mode", "playbook", "module", "module_args", "host_pattern", "inventory",
  "roles_path", "envvars", "extravars", "passwords", "settings", "ssh_key", "cmdline", "limit", "forks", "verbosity",
  "quiet", "artifact_dir", "project_dir", "rotate_artifacts", "timeout", "suppress_output_file", "suppress_ansible_output",
  "fact_cache", "fact_cache_type", "omit_event_data", "only_failed_event_data", "check_job_event_data", "tags",
  "skip_tags", "binary", "host_cwd", "suppress_env_files", "role", "role_vars", "role_skip_facts", "directory_isolation_base_path",
  "process_isolation", "process_isolation_executable", "process_isolation_path", "process_isolation_hide_paths",
  "process_isolation_show_paths", "process_isolation_ro_paths", "container_image", "container_volume_mounts",
  "container_options", "container_workdir", "container_auth_data", "debug", "logfile", "ignore_logging",
]);

function loadEnvFile(pdd: string, name: string): string | undefined {
  const path = join(pdd, "env", name);
  if (!existsSync(path)) return undefined;
  return readFileSync(path, "utf8");
}

/** ansible-runner's ArtifactLoader: JSON first, then YAML; must give the expected shape. */
function loadMapping(pdd: string, name: string): Record<string, unknown> | undefined {
  const text = loadEnvFile(pdd, name);
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    try {
      value = parseYaml(text);
    } catch (e) {
      throw new RunnerJobError(`env/${name} is neither JSON nor YAML: ${(e as Error).message.split("\n")[0]}`);
    }
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== "object" || Array.isArray(value)) throw new RunnerJobError(`env/${name} must hold a mapping, not ${Array.isArray(value) ? "a list" : typeof value}`);
  return value as Record<string, unknown>;
}

function kwargMapping(kwargs: Record<string, unknown>, key: string): Record<string, unknown> | undefined {
  const v = kwargs[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "object" || Array.isArray(v)) throw new RunnerJobError(`kwarg '${key}' must be a mapping`);
  return v as Record<string, unknown>;
}

function toInt(v: unknown, what: string): number {
  if (v === undefined || v === null || v === "") return 0;
  const n = typeof v === "number" ? v : Number(String(v));
  if (!Number.isFinite(n) || n < 0) throw new RunnerJobError(`${what} must be a non-negative number of seconds, got ${JSON.stringify(v)}`);
  return Math.floor(n);
}

function resolveSettings(kwargs: Record<string, unknown>, pdd: string): RunnerSettings {
  const s = { ...(kwargMapping(kwargs, "settings") ?? {}), ...(loadMapping(pdd, "settings") ?? {}) };
  const jobTimeout = kwargs.timeout ? toInt(kwargs.timeout, "kwarg 'timeout'") : toInt(s.job_timeout, "settings job_timeout");
  return {
    jobTimeout,
    idleTimeout: toInt(s.idle_timeout, "settings idle_timeout"),
    suppressOutputFile: s.suppress_output_file === true || kwargs.suppress_output_file === true,
    suppressAnsibleOutput: s.suppress_ansible_output === true || kwargs.suppress_ansible_output === true,
  };
}

function resolveEnv(kwargs: Record<string, unknown>, pdd: string, processEnv: Readonly<Record<string, string | undefined>>): Env {
  const env: Env = {};
  for (const [k, v] of Object.entries(processEnv)) if (v !== undefined) env[k] = v;
  for (const src of [kwargMapping(kwargs, "envvars"), loadMapping(pdd, "envvars")]) {
    for (const [k, v] of Object.entries(src ?? {})) env[k] = v === null || v === undefined ? "" : typeof v === "string" ? v : JSON.stringify(v);
  }
  if (env.AD_HOC_COMMAND_ID === undefined) env.AD_HOC_COMMAND_ID = "1";
  // ansible-runner turns host key checking off unless the job's env says otherwise (AWX always says).
  if (env.ANSIBLE_HOST_KEY_CHECKING === undefined) env.ANSIBLE_HOST_KEY_CHECKING = "False";
  env.ANSIBLE_RETRY_FILES_ENABLED = "False";
  env.RUNNER_OMIT_EVENTS = kwargs.omit_event_data === true ? "True" : "False";
  env.RUNNER_ONLY_FAILED_EVENTS = kwargs.only_failed_event_data === true ? "True" : "False";
  return env;
}

function resolveInventory(kwargs: Record<string, unknown>, pdd: string): string | undefined {
  const inv = kwargs.inventory;
  if (inv === undefined || inv === null || inv === "") {
    const dflt = join(pdd, "inventory");
    return existsSync(dflt) ? dflt : undefined;
  }
  if (typeof inv !== "string") {
    throw new RunnerJobError("kwarg 'inventory' must be a path (transmit writes inline inventories into inventory/ first)");
  }
  // The worker joins the inventory to the private data dir (an absolute path stays as it is), as ansible-runner does.
  const path = isAbsolute(inv) ? inv : join(pdd, inv);
  if (!existsSync(path)) throw new RunnerJobError(`inventory ${inv} does not exist${path === inv ? "" : ` (looked for ${path})`}`);
  return path;
}

function extravarsArg(extra: Record<string, unknown>): string {
  // ansible-runner's own spelling: {"k":json,...} with Python's json.dumps for each value.
  return `{${Object.entries(extra).map(([k, v]) => `"${k}":${pyJsonDumps(v)}`).join(",")}}`;
}

function buildCommand(kwargs: Record<string, unknown>, pdd: string, inventory: string | undefined): string[] {
  const args = kwargs.cmdline !== undefined && kwargs.cmdline !== null && kwargs.cmdline !== "" ? String(kwargs.cmdline) : loadEnvFile(pdd, "cmdline");
  const cmd = ["ansible"];
  if (args !== undefined) {
    try {
      cmd.push(...shlexSplit(args));
    } catch (e) {
      throw new RunnerJobError(`${kwargs.cmdline ? "kwarg 'cmdline'" : "env/cmdline"} is not a valid shell command line: ${(e as Error).message}`);
    }
  }
  if (inventory !== undefined) cmd.push("-i", inventory);
  if (kwargs.limit !== undefined && kwargs.limit !== null) cmd.push("--limit", String(kwargs.limit));
  if (existsSync(join(pdd, "env", "extravars"))) cmd.push("-e", `@${join(pdd, "env", "extravars")}`);
  const extra = kwargs.extravars;
  if (extra && typeof extra === "object" && !Array.isArray(extra) && Object.keys(extra).length > 0) cmd.push("-e", extravarsArg(extra as Record<string, unknown>));
  const verbosity = toInt(kwargs.verbosity, "kwarg 'verbosity'");
  if (verbosity > 0) cmd.push(`-${"v".repeat(verbosity)}`);
  if (kwargs.tags) cmd.push("--tags", String(kwargs.tags));
  if (kwargs.skip_tags) cmd.push("--skip-tags", String(kwargs.skip_tags));
  if (kwargs.forks) cmd.push("--forks", String(kwargs.forks));
  cmd.push("-m", String(kwargs.module));
  if (kwargs.module_args !== undefined && kwargs.module_args !== null) cmd.push("-a", typeof kwargs.module_args === "string" ? kwargs.module_args : JSON.stringify(kwargs.module_args));
  if (kwargs.host_pattern !== undefined && kwargs.host_pattern !== null) cmd.push(String(kwargs.host_pattern));
  return cmd;
}

function resolveExtravars(kwargs: Record<string, unknown>, pdd: string): Record<string, unknown> {
  const fromFile = loadMapping(pdd, "extravars") ?? {};
  const kw = kwargs.extravars;
  return { ...fromFile, ...(kw && typeof kw === "object" && !Array.isArray(kw) ? (kw as Record<string, unknown>) : {}) };
}

function resolveSshKey(kwargs: Record<string, unknown>, pdd: string): Secret | undefined {
  const key = typeof kwargs.ssh_key === "string" && kwargs.ssh_key ? kwargs.ssh_key : loadEnvFile(pdd, "ssh_key");
  return key ? new Secret(key) : undefined;
}

export interface ResolveJobContext {
  privateDataDir: string;
  processEnv: Readonly<Record<string, string | undefined>>;
  /** Where a baked script (main.ts, then main.js) is looked for when a playbook job names none. Default /opt/ftl2. */
  scriptDir?: string;
}

export const DEFAULT_SCRIPT_DIR = "/opt/ftl2";

/**
 * The script a job runs, if any: FTL2_SCRIPT in the job's env (relative to the private data dir), else for a
 * playbook job the baked main.ts or main.js. An ad-hoc module job without FTL2_SCRIPT stays ad-hoc.
 */
function resolveScript(kwargs: Record<string, unknown>, env: Env, pdd: string, scriptDir: string): string | undefined {
  const named = env.FTL2_SCRIPT;
  if (named) {
    const path = isAbsolute(named) ? named : join(pdd, named);
    if (!existsSync(path)) throw new RunnerJobError(`FTL2_SCRIPT names ${named}, which does not exist${path === named ? "" : ` (looked for ${path})`}`);
    return path;
  }
  if (kwargs.playbook === undefined || kwargs.playbook === null) return undefined;
  const baked = ["main.ts", "main.js"].map((f) => join(scriptDir, f)).find((p) => existsSync(p));
  if (!baked) {
    throw new RunnerJobError(
      `playbook jobs run an ftl2 script, and there is none (playbook ${String(kwargs.playbook)}): set FTL2_SCRIPT or install ${join(scriptDir, "main.ts")}`,
    );
  }
  return baked;
}

/** Checks the kwargs and reads the private data dir; throws RunnerJobError with the job_explanation on bad input. */
export function resolveRunnerJob(kwargs: Record<string, unknown>, ctx: ResolveJobContext): RunnerJob {
  const unknown = Object.keys(kwargs).filter((k) => !RUN_KWARGS.has(k));
  if (unknown.length > 0) {
    throw new RunnerJobError(`unknown kwarg${unknown.length > 1 ? "s" : ""} ${unknown.map((k) => `'${k}'`).join(", ")} (not an ansible-runner run() argument)`);
  }
  const pdd = ctx.privateDataDir;
  if (!existsSync(pdd) || !statSync(pdd).isDirectory()) throw new RunnerJobError(`private data dir ${pdd} does not exist`);
  if (kwargs.role) throw new RunnerJobError("role jobs are not supported by the ftl2 worker; run ad-hoc commands or an ftl2 script");
  if (kwargs.binary) throw new RunnerJobError(`a custom binary (${String(kwargs.binary)}) is not supported by the ftl2 worker`);
  if (existsSync(join(pdd, "args"))) throw new RunnerJobError("a raw 'args' command line is not supported by the ftl2 worker; send module and module_args");
  const env = resolveEnv(kwargs, pdd, ctx.processEnv);
  const script = resolveScript(kwargs, env, pdd, ctx.scriptDir ?? DEFAULT_SCRIPT_DIR);
  if (!script && (typeof kwargs.module !== "string" || kwargs.module === "")) {
    throw new RunnerJobError("the job names no module: the ftl2 worker runs ad-hoc jobs (kwarg 'module') and script jobs (FTL2_SCRIPT)");
  }
  const ident = kwargs.ident === undefined || kwargs.ident === null || kwargs.ident === "" ? randomUUID() : String(kwargs.ident);
  if (ident.includes("/") || ident === "." || ident === "..") throw new RunnerJobError(`ident ${JSON.stringify(ident)} cannot name an artifacts directory`);
  const artifactRoot = typeof kwargs.artifact_dir === "string" && kwargs.artifact_dir ? kwargs.artifact_dir : join(pdd, "artifacts");
  const inventory = resolveInventory(kwargs, pdd);
  const passwordMap = { ...(kwargMapping(kwargs, "passwords") ?? {}), ...(loadMapping(pdd, "passwords") ?? {}) };
  return {
    ident,
    privateDataDir: pdd,
    artifactDir: join(artifactRoot, ident),
    command: script ? scriptCommand(script, inventory) : buildCommand(kwargs, pdd, inventory),
    cwd: pdd,
    env,
    settings: resolveSettings(kwargs, pdd),
    passwords: compilePasswordPrompts(passwordMap),
    sshKey: resolveSshKey(kwargs, pdd),
    extravars: resolveExtravars(kwargs, pdd),
    inventory,
    script,
  };
}

/** What the `starting` line and artifacts/command show for a script job. */
function scriptCommand(script: string, inventory: string | undefined): string[] {
  return ["ftl2", "run", script, ...(inventory ? ["-i", inventory] : [])];
}
