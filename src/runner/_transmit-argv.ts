// `ansible-runner transmit PRIVATE_DATA_DIR ...`: its argparse options, and the kwargs its run() call sends,
// in run_options order with argparse's defaults (nulls included), after dump_artifacts has written --cmdline to
// env/cmdline (and a --inventory that is not an existing path to inventory/hosts, as inline inventory text) in
// the private data dir, which it creates (0700). Roles (-r) need a generated playbook: not supported.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import { OptionError } from "../errors.ts";
import { parseArgs, type OptDef, type ParsedArgs } from "./_argparse.ts";

export const TRANSMIT_OPTIONS: readonly OptDef[] = [
  { dest: "help", kind: "flag", flags: ["-h", "--help"] },
  { dest: "version", kind: "flag", flags: ["--version"] },
  { dest: "debug", kind: "flag", flags: ["--debug"] },
  { dest: "logfile", kind: "store", flags: ["--logfile"] },
  { dest: "binary", kind: "store", flags: ["-b", "--binary"] },
  { dest: "ident", kind: "store", flags: ["-i", "--ident"] },
  { dest: "rotate_artifacts", kind: "int", flags: ["--rotate-artifacts"] },
  { dest: "artifact_dir", kind: "store", flags: ["--artifact-dir"] },
  { dest: "project_dir", kind: "store", flags: ["--project-dir"] },
  { dest: "inventory", kind: "store", flags: ["--inventory"] },
  { dest: "json", kind: "flag", flags: ["-j", "--json"] },
  { dest: "omit_event_data", kind: "flag", flags: ["--omit-event-data"] },
  { dest: "only_failed_event_data", kind: "flag", flags: ["--only-failed-event-data"] },
  { dest: "suppress_env_files", kind: "flag", flags: ["--omit-env-files"] },
  { dest: "quiet", kind: "flag", flags: ["-q", "--quiet"] },
  { dest: "v", kind: "count", flags: ["-v"] },
  { dest: "playbook", kind: "store", flags: ["-p", "--playbook"], group: "what" },
  { dest: "module", kind: "store", flags: ["-m", "--module"], group: "what" },
  { dest: "role", kind: "store", flags: ["-r", "--role"], group: "what" },
  { dest: "limit", kind: "store", flags: ["--limit"] },
  { dest: "cmdline", kind: "store", flags: ["--cmdline"] },
  { dest: "hosts", kind: "store", flags: ["--hosts"] },
  { dest: "forks", kind: "store", flags: ["--forks"] },
  { dest: "roles_path", kind: "store", flags: ["--roles-path"] },
  { dest: "role_vars", kind: "store", flags: ["--role-vars"] },
  { dest: "role_skip_facts", kind: "flag", flags: ["--role-skip-facts"] },
  { dest: "module_args", kind: "store", flags: ["-a", "--args"] },
  { dest: "container_image", kind: "store", flags: ["--container-image"] },
  { dest: "container_volume_mounts", kind: "append", flags: ["--container-volume-mount"] },
  { dest: "container_options", kind: "append", flags: ["--container-option"] },
];

export interface TransmitOptions {
  privateDataDir: string;
  args: ParsedArgs;
}

/**
 * Parses transmit's argv. Throws OptionError with argparse's wording (exit 2), or with exitCode 1 for the two
 * checks ansible-runner makes after parsing (their messages end with a newline, as it prints them).
 */
export function parseTransmitArgv(argv: readonly string[], env: Record<string, string | undefined> = {}): TransmitOptions {
  const args = parseArgs(argv, TRANSMIT_OPTIONS, ["private_data_dir"]);
  args.playbook ??= env.RUNNER_PLAYBOOK;
  args.module ??= env.RUNNER_MODULE;
  args.role ??= env.RUNNER_ROLE;
  args.binary ??= env.RUNNER_BINARY;
  args.roles_path ??= env.ANSIBLE_ROLES_PATH;
  if (args.help || args.version) return { privateDataDir: String(args.private_data_dir ?? ""), args };
  if (args.hosts && !(args.module || args.role)) throw exit1("The --hosts option can only be used with -m or -r\n");
  if (!(args.module || args.role) && !args.playbook) throw exit1("The -p option must be specified when not using -m or -r\n");
  if (args.role) throw new OptionError("OPTION_INVALID", "-r/--role is not supported by ftl2 transmit: send a playbook or a module");
  return { privateDataDir: String(args.private_data_dir), args };
}

function exit1(message: string): OptionError {
  return Object.assign(new OptionError("OPTION_INVALID", message), { exitCode: 1 });
}

/** dump_artifact: the file (0400) in a directory made 0700, unless it already holds the same text. */
function dumpArtifact(text: string, dir: string, name: string): string {
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, name);
  if (existsSync(file) && readFileSync(file, "utf8") === text) return file;
  if (existsSync(file)) chmodSync(file, 0o600);
  writeFileSync(file, text);
  chmodSync(file, 0o400);
  return file;
}

/** What transmit sends as kwargs, after preparing the private data dir as ansible-runner does. */
export function buildTransmitKwargs(opts: TransmitOptions, ctx: { cwd: string; ident: () => string }): Record<string, unknown> {
  const a = opts.args;
  const pdd = resolve(ctx.cwd, opts.privateDataDir);
  mkdirSync(pdd, { recursive: true, mode: 0o700 });
  const kwargs: Record<string, unknown> = {
    ident: a.ident ?? ctx.ident(),
    binary: a.binary ?? null,
    playbook: a.playbook ?? null,
    module: a.module ?? null,
    module_args: a.module_args ?? null,
    host_pattern: a.hosts ?? null,
    verbosity: a.v ?? null,
    quiet: a.quiet ?? false,
    rotate_artifacts: a.rotate_artifacts ?? 0,
    json_mode: a.json ?? false,
    omit_event_data: a.omit_event_data ?? false,
    only_failed_event_data: a.only_failed_event_data ?? false,
    inventory: a.inventory ?? null,
    forks: a.forks ?? null,
    project_dir: a.project_dir ?? null,
    artifact_dir: a.artifact_dir ?? null,
    roles_path: a.roles_path ? [a.roles_path] : null,
    process_isolation: null,
    process_isolation_executable: null,
    process_isolation_path: null,
    process_isolation_hide_paths: null,
    process_isolation_show_paths: null,
    process_isolation_ro_paths: null,
    container_image: a.container_image ?? "quay.io/ansible/ansible-runner:devel",
    container_volume_mounts: a.container_volume_mounts ?? null,
    container_options: a.container_options ?? null,
    directory_isolation_base_path: null,
    cmdline: a.cmdline ?? null,
    limit: a.limit ?? null,
    suppress_env_files: a.suppress_env_files ?? false,
  };
  const inv = kwargs.inventory;
  if (typeof inv === "string" && inv && !existsSync(resolve(ctx.cwd, inv))) {
    kwargs.inventory = dumpArtifact(inv, join(pdd, "inventory"), "hosts");
  }
  if (!kwargs.suppress_env_files && kwargs.cmdline && !existsSync(join(pdd, "env", "cmdline"))) {
    dumpArtifact(String(kwargs.cmdline), join(pdd, "env"), "cmdline");
    delete kwargs.cmdline;
  }
  // init_runner's streamer case: paths inside the private data dir travel relative to it.
  const project = join(pdd, "project");
  if (typeof kwargs.playbook === "string" && isAbsolute(kwargs.playbook) && kwargs.playbook.startsWith(project)) {
    kwargs.playbook = relative(project, kwargs.playbook);
  }
  if (typeof kwargs.inventory === "string" && isAbsolute(kwargs.inventory) && kwargs.inventory.startsWith(pdd)) {
    kwargs.inventory = relative(pdd, kwargs.inventory);
  }
  return kwargs;
}
