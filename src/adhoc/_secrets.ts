// Connection and become passwords for an ad-hoc run, as ansible's ask_passwords gathers them: password
// files first (their whole content, one trailing newline removed), then terminal prompts for -k/-K; the
// become password defaults to the connection password when left empty.
import { readFile } from "node:fs/promises";
import { OptionError } from "../errors.ts";
import { Secret } from "../secret.ts";
import { expandHome, type AdhocOptions } from "./_options.ts";

export type PromptSecret = (prompt: string) => Promise<string | undefined>;

async function fromFile(path: string, what: string): Promise<Secret> {
  try {
    const text = await readFile(expandHome(path), "utf8");
    return new Secret(text.replace(/\r?\n$/, ""), what);
  } catch (e) {
    throw new OptionError("OPTION_INVALID", `cannot read the ${what} file ${path}: ${(e as Error).message}`);
  }
}

export async function collectSecrets(
  opts: AdhocOptions,
  prompt?: PromptSecret,
  env: Readonly<Record<string, string | undefined>> = {},
): Promise<{ password?: Secret; becomePassword?: Secret }> {
  let password = opts.connectionPasswordFile ? await fromFile(opts.connectionPasswordFile, "connection password") : undefined;
  let becomePassword = opts.becomePasswordFile ? await fromFile(opts.becomePasswordFile, "become password") : undefined;
  const ask = async (text: string): Promise<string> => {
    const v = prompt ? await prompt(text) : undefined;
    if (v === undefined) throw new OptionError("OPTION_INVALID", `cannot ask for a password: there is no terminal`, { hint: "use --connection-password-file / --become-password-file" });
    return v;
  };
  if (opts.askPass && !password) password = new Secret(await ask("SSH password: "), "connection password");
  if (opts.askBecomePass && !becomePassword) {
    // ANSIBLE_AGNOSTIC_BECOME_PROMPT (default true) words the prompt "BECOME" whatever the method.
    const agnostic = !/^(0|false|no|off|n|f)$/i.test(env.ANSIBLE_AGNOSTIC_BECOME_PROMPT ?? "true");
    const method = agnostic ? "BECOME" : opts.becomeMethod.toUpperCase();
    const v = await ask(opts.askPass ? `${method} password[defaults to SSH password]: ` : `${method} password: `);
    becomePassword = v === "" && opts.askPass && password ? password : new Secret(v, "become password");
  }
  return { password, becomePassword };
}
