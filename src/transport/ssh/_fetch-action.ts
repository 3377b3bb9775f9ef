// The fetch action for remote hosts: ansible's fetch action plugin (modules/_fetch-core.ts) with the stat
// module run on the gate and the file's bytes streamed back with chunked Get requests, one chunk in memory
// at a time, into a temp file beside dest that is renamed into place. The gate runs as the become user, so
// become needs no slurp: the same stream reads what only the become user may read.
import { constants } from "node:os";
import type { GateSession } from "../../gate/_session.ts";
import { FetchReadError, runFetch, type FetchRemote } from "../../modules/_fetch-core.ts";
import type { ModuleResult } from "../../modules/_types.ts";
import type { ConnectionDefaults, ModuleRequest } from "../_types.ts";
import type { GateRunner } from "./_copy-action.ts";
import type { SshTarget } from "./_target.ts";

const ERRNO_NAME = new Map(Object.entries(constants.errno as Record<string, number>).map(([k, v]) => [v, k]));

/** A Get the gate refused with an OS error ("[Errno 2] No such file or directory: '/x'") as a FetchReadError. */
async function* readThroughGate(gate: GateSession, path: string): AsyncGenerator<Uint8Array> {
  try {
    yield* gate.get(path);
  } catch (e) {
    const m = e instanceof Error ? /the gate answered io_error: (\[Errno (\d+)\] [^]*)$/.exec(e.message) : null;
    if (!m) throw e;
    throw new FetchReadError(ERRNO_NAME.get(Number(m[2])) ?? "EIO", m[1]!);
  }
}

function posixJoin(a: string, b: string): string {
  return b.startsWith("/") ? b : a.endsWith("/") ? a + b : `${a}/${b}`;
}

export async function runFetchAction(gate: GateSession, conn: GateRunner, req: ModuleRequest, d: ConnectionDefaults, t: SshTarget): Promise<ModuleResult> {
  const stat = (path: string, checksum: boolean) => conn.runOnGate(
    gate,
    { ...req, module: { name: "ansible.legacy.stat", action: req.module.action } },
    { path, follow: true, get_checksum: checksum, checksum_algorithm: "sha1", get_mime: false, get_attributes: false },
  );
  const remote: FetchRemote = {
    become: t.become,
    hostName: t.inventoryName,
    cwd: d.cwd,
    env: d.env,
    signal: req.signal,
    // _remote_expand_user: `~` is the become user's home under become, else the login user's; the stat
    // module expands `~user` on the host (ansible asks the host's shell for `echo ~user`).
    async expandUser(path) {
      if (!path.startsWith("~")) return path;
      const slash = path.indexOf("/");
      let head = slash < 0 ? path : path.slice(0, slash);
      if (head === "~") head = `~${t.become ? t.becomeUser : t.user}`;
      const st = (await stat(head, false)).stat as { path?: unknown } | undefined;
      if (typeof st?.path !== "string") return path;
      return slash < 0 ? st.path : posixJoin(st.path, path.slice(slash + 1));
    },
    stat: (path) => stat(path, true),
    read: (path) => readThroughGate(gate, path),
    // ansible's sftp get creates the file with the remote mode plus u+w; a slurped file is written with 0666.
    newFileMode(st) {
      const mode = typeof st?.mode === "string" ? parseInt(st.mode, 8) : NaN;
      return Number.isNaN(mode) ? 0o666 : (mode & 0o777) | 0o200;
    },
  };
  return runFetch(req.args, remote, req.checkMode);
}
