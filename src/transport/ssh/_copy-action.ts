// The copy action for remote hosts, as Ansible's copy action plugin does it for one file: compare the
// controller file's sha1 with the host's (stat), and only when they differ stream the file through the gate
// (chunked Put, never whole in memory) to a private temp path and let the real copy module move it into
// place (mode, owner, backup, validate); when they match, the file module applies the attributes.
import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { basename, isAbsolute, join } from "node:path";
import type { GateSession } from "../../gate/_session.ts";
import type { ModuleParams, ModuleResult } from "../../modules/_types.ts";
import type { ConnectionDefaults, ModuleRequest } from "../_types.ts";

export interface GateRunner {
  runOnGate(gate: GateSession, req: ModuleRequest, args: ModuleParams): Promise<ModuleResult>;
}

const CHUNK = 4 << 20;

async function sha1OfFile(path: string): Promise<string> {
  const h = createHash("sha1");
  for await (const c of createReadStream(path, { highWaterMark: CHUNK })) h.update(c as Buffer);
  return h.digest("hex");
}

async function* fileChunks(path: string): AsyncGenerator<Uint8Array> {
  for await (const c of createReadStream(path, { highWaterMark: CHUNK })) yield c as Buffer;
}

async function* bytesChunks(b: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < b.length; i += CHUNK) yield b.subarray(i, i + CHUNK);
  if (b.length === 0) yield b;
}

const asModule = (req: ModuleRequest, name: string): ModuleRequest => ({ ...req, module: { name, action: req.module.action } });

export async function runCopyAction(gate: GateSession, conn: GateRunner, req: ModuleRequest, d: ConnectionDefaults): Promise<ModuleResult> {
  const a = req.args;
  if (a.remote_src === true || a.remote_src === "yes" || a.remote_src === "true") return conn.runOnGate(gate, req, a);
  const dest = typeof a.dest === "string" ? a.dest : undefined;
  if (!dest) return { failed: true, msg: "dest is required" };
  if (a.src === undefined && a.content === undefined) return { failed: true, msg: "src (or content) is required" };
  if (a.src !== undefined && a.content !== undefined) return { failed: true, msg: "src and content are mutually exclusive" };

  let localSha1: string;
  let chunks: () => AsyncGenerator<Uint8Array>;
  let originalBasename: string;
  if (a.content !== undefined) {
    const text = typeof a.content === "string" ? a.content : JSON.stringify(a.content);
    const bytes = new TextEncoder().encode(text);
    localSha1 = createHash("sha1").update(bytes).digest("hex");
    chunks = () => bytesChunks(bytes);
    originalBasename = `ftl2-content-${randomBytes(4).toString("hex")}`;
  } else {
    const src = String(a.src);
    const path = isAbsolute(src) ? src : join(d.cwd, src);
    const st = await stat(path).catch(() => undefined);
    if (!st) return { failed: true, msg: `Could not find or access '${src}' on the Ansible Controller.\nIf you are using a module and expect the file to exist on the remote, see the remote_src option` };
    if (st.isDirectory()) return { failed: true, msg: `copying the directory '${src}' to a remote host is not supported by ftl2 yet; copy its files one by one` };
    localSha1 = await sha1OfFile(path);
    chunks = () => fileChunks(path);
    originalBasename = basename(path);
  }

  // Where the file would land: into dest, or into dest/<basename> when dest is a directory.
  let destFile = dest;
  const statArgs = { path: dest, follow: a.follow === true, get_checksum: true, checksum_algorithm: "sha1", get_mime: false, get_attributes: false };
  let remote = await conn.runOnGate(gate, asModule(req, "ansible.legacy.stat"), statArgs);
  let st = remote.stat as { exists?: boolean; isdir?: boolean; checksum?: string } | undefined;
  if (st?.isdir || dest.endsWith("/")) {
    destFile = join(dest, originalBasename);
    remote = await conn.runOnGate(gate, asModule(req, "ansible.legacy.stat"), { ...statArgs, path: destFile });
    st = remote.stat as typeof st;
  }
  const force = a.force === undefined || a.force === true || a.force === "yes";
  const same = st?.exists === true && st.checksum === localSha1;
  const passThrough = Object.fromEntries(Object.entries(a).filter(([k]) => !["src", "content", "dest", "remote_src", "local_follow", "decrypt"].includes(k)));

  if (same || (st?.exists === true && !force)) {
    const r = await conn.runOnGate(gate, asModule(req, "ansible.legacy.file"), { ...passThrough, path: destFile, state: "file", _original_basename: originalBasename });
    return { ...r, dest: destFile, checksum: localSha1 };
  }
  if (req.checkMode) return { changed: true, dest: destFile, checksum: localSha1 };

  const tmpdir = `~/.ansible/tmp/ftl2-${Date.now()}-${randomBytes(6).toString("hex")}`;
  try {
    const put = await gate.put(`${tmpdir}/source`, chunks(), 0o600);
    return await conn.runOnGate(gate, asModule(req, "ansible.legacy.copy"), {
      ...passThrough, src: put.path, dest, _original_basename: originalBasename, checksum: localSha1,
    });
  } finally {
    await conn.runOnGate(gate, asModule(req, "ansible.legacy.file"), { path: tmpdir, state: "absent" }).catch(() => undefined);
  }
}
