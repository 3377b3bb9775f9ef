// automation(): the scripting API's entry. Checks the options by name, reads secrets, loads the inventory
// (plus the state file's hosts), and opens a context over the same engine as the CLI. The context is
// async-disposable: `await using ftl = await automation({...})` shuts every gate down on exit, on error,
// and on SIGINT/SIGTERM (see _signals.ts).
import { expandHome } from "../adhoc/index.ts";
import { OptionError } from "../errors.ts";
import { toBool } from "../modules/index.ts";
import { Secret } from "../secret.ts";
import type { ConnectionDefaults } from "../transport/index.ts";
import { ContextCore } from "./_context.ts";
import { loadAutomationInventory } from "./_inventory.ts";
import { Masker } from "./_mask.ts";
import { checkAutomationOptions } from "./_options.ts";
import { createFtl } from "./_proxy.ts";
import { SecretBinder, boundSecretNames, readSecrets } from "./_secrets.ts";
import { closeOnSignals } from "./_signals.ts";
import { StateFile } from "./_state.ts";
import type { AutomationOptions, BecomeOptions, Ftl } from "./_types.ts";

type Env = Readonly<Record<string, string | undefined>>;
type SecretRef = Secret | { secret: string };

function envNumber(env: Env, name: string, fallback: number): number {
  const v = env[name];
  if (v === undefined || v === "") return fallback;
  if (!/^\s*\d+\s*$/.test(v)) throw new OptionError("OPTION_INVALID", `${name}=${v} is not a whole number`);
  return Number.parseInt(v, 10);
}

function paths(v: string | undefined): string[] {
  return (v ?? "").split(":").filter(Boolean).map(expandHome);
}

export async function automation(options?: AutomationOptions): Promise<Ftl> {
  const o = checkAutomationOptions(options);
  const cwd = o.cwd ?? process.cwd();
  const env: Env = o.env ?? process.env;
  const masker = new Masker();
  const warn = (m: string) => o.onWarning?.(masker.text(m));

  const become: BecomeOptions | undefined = o.become === true ? {} : o.become === false ? undefined : o.become;
  const refs = { becomePassword: become?.password ?? o.becomePassword, password: o.password };
  const bindings = o.secretBindings ?? {};
  const listed = o.secrets ?? [];
  const unlisted = (names: string[]) => names.filter((n) => !listed.includes(n));
  const named = (ref: SecretRef | undefined): string[] => (ref && !(ref instanceof Secret) ? [ref.secret] : []);
  const secrets = {
    ...readSecrets(listed, env),
    ...readSecrets(unlisted(boundSecretNames(bindings)), env, "secretBindings"),
    ...readSecrets(unlisted(named(refs.becomePassword)), env, become?.password ? "become.password" : "becomePassword"),
    ...readSecrets(unlisted(named(refs.password)), env, "password"),
  };
  for (const s of Object.values(secrets)) masker.add(s);
  const resolve = (ref: SecretRef | undefined): Secret | undefined => (ref instanceof Secret ? ref : ref ? secrets[ref.secret] : undefined);
  const becomePassword = resolve(refs.becomePassword);
  const password = resolve(refs.password);
  for (const s of [becomePassword, password, o.privateKey]) if (s) masker.add(s);

  const inventory = await loadAutomationInventory(o.inventory, cwd, env);
  for (const w of inventory.warnings.splice(0)) warn(w);
  const state = o.stateFile === undefined ? undefined : StateFile.open(o.stateFile, cwd);
  state?.mergeInto(inventory);

  const hkc = env.ANSIBLE_HOST_KEY_CHECKING;
  const defaults: ConnectionDefaults = {
    remoteUser: o.remoteUser ?? env.ANSIBLE_REMOTE_USER,
    privateKeyFile: o.privateKeyFile ?? (env.ANSIBLE_PRIVATE_KEY_FILE || undefined),
    becomePassword,
    password,
    privateKeyText: o.privateKey,
    connectTimeoutSec: o.connectTimeoutSec ?? envNumber(env, "ANSIBLE_TIMEOUT", 10),
    hostKeyChecking: o.hostKeyChecking ?? (hkc ? (toBool(hkc) ?? true) : true),
    become: become !== undefined,
    becomeMethod: become?.method ?? "sudo",
    becomeUser: become?.user,
    modulePaths: o.modulePaths ? o.modulePaths.map(expandHome) : paths(env.ANSIBLE_LIBRARY),
    collectionsPaths: o.collectionsPaths ? o.collectionsPaths.map(expandHome) : paths(env.ANSIBLE_COLLECTIONS_PATH ?? env.ANSIBLE_COLLECTIONS_PATHS),
    cwd,
    env,
  };
  const core = new ContextCore({
    options: o, inventory, extraVars: { ...(o.extraVars ?? {}) }, defaults,
    forks: o.forks ?? envNumber(env, "ANSIBLE_FORKS", 5),
    secrets, binder: new SecretBinder(bindings, secrets), masker, state, warn,
  });
  const signal = o.signal;
  if (signal) {
    const onAbort = () => void core.close("aborted by the signal option");
    if (signal.aborted) onAbort();
    else {
      signal.addEventListener("abort", onAbort, { once: true });
      core.onClose(() => signal.removeEventListener("abort", onAbort));
    }
  }
  if (o.handleSignals ?? signal === undefined) core.onClose(closeOnSignals(() => core.closeBySignal()));
  return createFtl(core);
}
