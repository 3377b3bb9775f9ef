// ansible.builtin.fetch for the local connection: the fetch action (_fetch-core.ts) reading the "remote" file
// from this machine, the stat through the native stat module, as ansible's local connection does it.
import { createReadStream } from "node:fs";
import { resolve } from "node:path";
import { expandUser } from "./_process.ts";
import { FetchReadError, runFetch, type FetchRemote } from "./_fetch-core.ts";
import { pyOSErrorText } from "./_fetch-write.ts";
import { runNativeModule } from "./_run-native.ts";
import { statModule } from "./stat.ts";
import type { ModuleContext, ModuleParams, ModuleResult, NativeModule } from "./_types.ts";

async function* readLocal(path: string): AsyncGenerator<Uint8Array> {
  try {
    for await (const c of createReadStream(path, { highWaterMark: 1 << 20 })) yield c as Buffer;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (typeof err.code === "string" && err.code.startsWith("E")) throw new FetchReadError(err.code, pyOSErrorText(err, path));
    throw e;
  }
}

function localRemote(ctx: ModuleContext): FetchRemote {
  const name = ctx.hostVars.inventory_hostname;
  return {
    become: false,
    hostName: typeof name === "string" ? name : "localhost",
    cwd: ctx.cwd,
    env: ctx.env,
    signal: ctx.signal,
    // ansible asks the shell for `echo ~<remote user>`, the current user's home from passwd (not $HOME).
    expandUser: async (p) => expandUser(p, { ...ctx.env, HOME: undefined }),
    async stat(path) {
      const r = await runNativeModule(statModule, { path, follow: true, get_checksum: true, checksum_algorithm: "sha1", get_mime: false, get_attributes: false }, ctx);
      return r;
    },
    read: (path) => readLocal(resolve(ctx.cwd, path)),
    // shutil.copyfile and open('wb') create with 0666 under the umask.
    newFileMode: () => 0o666,
  };
}

async function runFetchLocal(params: ModuleParams, ctx: ModuleContext): Promise<ModuleResult> {
  return runFetch(params, localRemote(ctx), ctx.checkMode);
}

// An action plugin takes its arguments raw: no type conversion, its own checks and messages.
export const fetchModule: NativeModule = {
  name: "fetch",
  spec: {
    args: { src: { type: "raw" }, dest: { type: "raw" }, flat: { type: "raw" }, fail_on_missing: { type: "raw" }, validate_checksum: { type: "raw" } },
    supportsCheckMode: true,
  },
  run: runFetchLocal,
};
