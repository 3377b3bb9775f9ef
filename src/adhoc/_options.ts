// Ad-hoc job options: the parsed command line over ANSIBLE_* environment defaults, checked the way
// ansible's post_process_args checks them.
import { homedir } from "node:os";
import { OptionError } from "../errors.ts";
import { toBool } from "../modules/index.ts";
import type { ParsedArgv } from "./_argv.ts";

export interface AdhocOptions {
  pattern: string;
  moduleName: string;
  moduleArgs: string;
  /** Inventory sources; `inventoryExplicit` is false when they come from the default (/etc/ansible/hosts). */
  inventory: string[];
  inventoryExplicit: boolean;
  limit?: string;
  listHosts: boolean;
  forks: number;
  verbosity: number;
  checkMode: boolean;
  diffMode: boolean;
  extraVars: string[];
  oneLine: boolean;
  tree?: string;
  json: boolean;
  failFast: boolean;
  progress: "auto" | "always" | "never";
  taskTimeout: number;
  remoteUser?: string;
  connection?: string;
  connectTimeout: number;
  privateKeyFile?: string;
  askPass: boolean;
  askBecomePass: boolean;
  connectionPasswordFile?: string;
  becomePasswordFile?: string;
  become: boolean;
  becomeMethod: string;
  becomeUser?: string;
  hostKeyChecking: boolean;
  sshCommonArgs?: string;
  modulePaths: string[];
  collectionsPaths: string[];
  playbookDir?: string;
  backgroundSeconds: number;
}

type Env = Readonly<Record<string, string | undefined>>;

function envInt(env: Env, name: string, fallback: number): number {
  const v = env[name];
  if (v === undefined || v === "") return fallback;
  if (!/^\s*\d+\s*$/.test(v)) throw new OptionError("OPTION_INVALID", `${name}=${v} is not a whole number`);
  return Number.parseInt(v, 10);
}

function envBool(env: Env, name: string, fallback: boolean): boolean {
  const v = env[name];
  if (v === undefined || v === "") return fallback;
  const b = toBool(v);
  if (b === undefined) throw new OptionError("OPTION_INVALID", `${name}=${v} is not a boolean (use true or false)`);
  return b;
}

function splitPaths(v: string | undefined): string[] {
  return (v ?? "").split(":").filter(Boolean);
}

export function expandHome(p: string): string {
  return p === "~" || p.startsWith("~/") ? homedir() + p.slice(1) : p;
}

export function resolveAdhocOptions(a: ParsedArgv, env: Env): AdhocOptions {
  if (a.args.length === 0) throw new OptionError("OPTION_INVALID", "the following arguments are required: pattern");
  if (a.args.length > 1) throw new OptionError("OPTION_INVALID", `unrecognized arguments: ${a.args.slice(1).join(" ")}`);
  const forks = (a.forks as number | undefined) ?? envInt(env, "ANSIBLE_FORKS", 5);
  if (forks < 1) throw new OptionError("OPTION_INVALID", "The number of processes (--forks) must be >= 1");
  const taskTimeout = (a.task_timeout as number | undefined) ?? envInt(env, "ANSIBLE_TASK_TIMEOUT", 0);
  if (taskTimeout < 0) throw new OptionError("OPTION_INVALID", "The task timeout must be a positive integer");
  const inv = a.inventory as string[] | undefined;
  const envInv = env.ANSIBLE_INVENTORY ? env.ANSIBLE_INVENTORY.split(",").filter(Boolean) : undefined;
  const modulePaths = [
    ...((a.module_path as string[] | undefined) ?? []).flatMap(splitPaths),
    ...splitPaths(env.ANSIBLE_LIBRARY),
  ].map(expandHome);
  const collectionsPaths = splitPaths(env.ANSIBLE_COLLECTIONS_PATH ?? env.ANSIBLE_COLLECTIONS_PATHS).map(expandHome);
  const verbosity = (a.verbosity as number | undefined) ?? envInt(env, "ANSIBLE_VERBOSITY", 0);

  return {
    pattern: a.args[0] as string,
    moduleName: (a.module_name as string | undefined) ?? env.ANSIBLE_MODULE_NAME ?? "command",
    moduleArgs: (a.module_args as string | undefined) ?? "",
    inventory: (inv ?? envInv ?? ["/etc/ansible/hosts"]).map(expandHome),
    inventoryExplicit: inv !== undefined || envInv !== undefined,
    limit: a.subset as string | undefined,
    listHosts: a.listhosts === true,
    forks,
    verbosity,
    checkMode: a.check === true,
    diffMode: a.diff === true,
    extraVars: (a.extra_vars as string[] | undefined) ?? [],
    oneLine: a.one_line === true,
    tree: a.tree as string | undefined,
    json: a.json === true,
    failFast: a.fail_fast === true,
    progress: a.no_progress ? "never" : a.progress ? "always" : "auto",
    taskTimeout,
    remoteUser: (a.remote_user as string | undefined) ?? env.ANSIBLE_REMOTE_USER,
    connection: (a.connection as string | undefined) ?? env.ANSIBLE_TRANSPORT,
    connectTimeout: (a.timeout as number | undefined) ?? envInt(env, "ANSIBLE_TIMEOUT", 10),
    privateKeyFile: ((a.private_key_file as string | undefined) ?? env.ANSIBLE_PRIVATE_KEY_FILE) || undefined,
    askPass: a.ask_pass === true,
    askBecomePass: a.become_ask_pass === true,
    connectionPasswordFile: (a.connection_password_file as string | undefined) ?? env.ANSIBLE_CONNECTION_PASSWORD_FILE,
    becomePasswordFile: (a.become_password_file as string | undefined) ?? env.ANSIBLE_BECOME_PASSWORD_FILE,
    become: a.become === true || envBool(env, "ANSIBLE_BECOME", false),
    becomeMethod: (a.become_method as string | undefined) ?? env.ANSIBLE_BECOME_METHOD ?? "sudo",
    becomeUser: (a.become_user as string | undefined) ?? env.ANSIBLE_BECOME_USER,
    hostKeyChecking: envBool(env, "ANSIBLE_HOST_KEY_CHECKING", true),
    sshCommonArgs: a.ssh_common_args as string | undefined,
    modulePaths,
    collectionsPaths,
    playbookDir: a.playbook_dir as string | undefined,
    backgroundSeconds: (a.seconds as number | undefined) ?? 0,
  };
}
