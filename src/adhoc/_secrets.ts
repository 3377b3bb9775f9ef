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

export async function collectSecrets(opts: AdhocOptions, prompt?: PromptSecret): Promise<{ password?: Secret; becomePassword?: Secret }> {
  let password = opts.connectionPasswordFile ? await fromFile(opts.connectionPasswordFile, "connection password") : undefined;
  let becomePassword = opts.becomePasswordFile ? await fromFile(opts.becomePasswordFile, "become password") : undefined;
  const ask = async (text: string): Promise<string> => {
    const v = prompt ? await prompt(text) : undefined;
    if (v === undefined) throw new OptionError("OPTION_INVALID", `cannot ask for a password: there is no terminal`, { hint: "use --connection-password-file / --become-password-file" });
    return v;
  };
  if (opts.askPass && !password) password = new Secret(await ask("SSH password: "), "connection password");
  if (opts.askBecomePass && !becomePassword) {
    const method = opts.becomeMethod.toUpperCase();
    const v = await ask(password ? `${method} password[defaults to SSH password]: ` : `${method} password: `);
    becomePassword = v === "" && password ? password : new Secret(v, "become password");
  }
  return { password, becomePassword };
}
