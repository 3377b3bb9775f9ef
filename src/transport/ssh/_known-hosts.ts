// OpenSSH known_hosts verification, decided the way `ssh -o StrictHostKeyChecking=yes` decides (OpenSSH
// 9.2's hostfile.c and sshconnect.c, checked case by case against the real client in the tests):
// - A line is `[@marker] hosts keytype base64 [comment]`; a line that does not parse is skipped, never an error.
// - `hosts` is a comma list of `*`/`?` globs matched case-insensitively, where any matching `!pattern` vetoes the
//   line; or one hashed name `|1|salt|HMAC-SHA1(salt, name)`. The name is `host` on port 22, else `[host]:port`.
// - Every matching plain line of every file counts: an equal key is OK; otherwise any other key (of ANY type) makes
//   the host "changed", as OpenSSH does. A matching `@revoked` line with the offered key wins over both.
// - On a port other than 22, a host with no entry at all for `[host]:port` is looked up again as plain `host`
//   ("checking without port identifier"); only an equal key (or a revocation) counts on that second pass.
// - `@cert-authority` lines are skipped: ftl2 does not negotiate host certificates.
// Because any known key of another type reads as "changed", the client must offer the server the known types
// first (OpenSSH's order_hostkeyalgs): see hostKeyAlgorithms().
import { createHash, createHmac } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";

export type HostKeyVerdict =
  | { ok: true; file: string; line: number }
  | { ok: false; kind: "unknown" | "changed" | "revoked"; message: string; hint: string };

type Marker = "none" | "revoked" | "ca";

interface Entry {
  seq: number;
  file: string;
  line: number;
  marker: Marker;
  /** Comma-list patterns, or undefined for a hashed entry. */
  patterns?: { glob: string; negated: boolean }[];
  hashed?: { salt: Buffer; hash: Buffer };
  keyType: string;
  blob: Buffer;
}

// Key type names OpenSSH reads in known_hosts, by the type string inside the blob they must carry.
const BLOB_TYPE_OF_NAME: Record<string, string> = {
  "ssh-ed25519": "ssh-ed25519",
  "sk-ssh-ed25519@openssh.com": "sk-ssh-ed25519@openssh.com",
  "ssh-rsa": "ssh-rsa",
  "rsa-sha2-256": "ssh-rsa",
  "rsa-sha2-512": "ssh-rsa",
  "ssh-dss": "ssh-dss",
  "ecdsa-sha2-nistp256": "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384": "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521": "ecdsa-sha2-nistp521",
  "sk-ecdsa-sha2-nistp256@openssh.com": "sk-ecdsa-sha2-nistp256@openssh.com",
  "webauthn-sk-ecdsa-sha2-nistp256@openssh.com": "sk-ecdsa-sha2-nistp256@openssh.com",
};
for (const [name, blobType] of Object.entries(BLOB_TYPE_OF_NAME)) {
  const cert = (t: string) => t.replace(/(@openssh\.com)?$/, "-cert-v01@openssh.com");
  if (!name.startsWith("webauthn")) BLOB_TYPE_OF_NAME[cert(name)] = cert(blobType);
}

/** Per plain key type: wire strings after the type name (to reject truncated or padded blobs as OpenSSH does), and
 * OpenSSH's short name as in "No ED25519 host key is known". */
const KEY_INFO: Record<string, [fields: number, short: string]> = {
  "ssh-ed25519": [1, "ED25519"],
  "sk-ssh-ed25519@openssh.com": [2, "ED25519-SK"],
  "ssh-rsa": [2, "RSA"],
  "ssh-dss": [4, "DSA"],
  "ecdsa-sha2-nistp256": [2, "ECDSA"],
  "ecdsa-sha2-nistp384": [2, "ECDSA"],
  "ecdsa-sha2-nistp521": [2, "ECDSA"],
  "sk-ecdsa-sha2-nistp256@openssh.com": [3, "ECDSA-SK"],
};
const shortName = (type: string) => KEY_INFO[type]?.[1] ?? type;

/** Splits an SSH wire blob into its length-prefixed strings; undefined when it does not split exactly. */
function splitBlob(blob: Uint8Array): Buffer[] | undefined {
  const b = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  const out: Buffer[] = [];
  let off = 0;
  while (off < b.length) {
    if (off + 4 > b.length) return undefined;
    const len = b.readUInt32BE(off);
    if (off + 4 + len > b.length) return undefined;
    out.push(b.subarray(off + 4, off + 4 + len));
    off += 4 + len;
  }
  return out;
}

/** The key type named inside a wire blob ("ssh-ed25519", ...), or "unknown". */
export function keyTypeOf(blob: Uint8Array): string {
  const b = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  if (b.length < 4 || b.readUInt32BE(0) > b.length - 4) return "unknown";
  return b.subarray(4, 4 + b.readUInt32BE(0)).toString("latin1");
}

function isWellFormed(blob: Buffer, type: string): boolean {
  if (type.includes("-cert-v01@")) return true; // never equal to a plain host key; only its type matters
  const parts = splitBlob(blob);
  if (!parts || parts.length !== 1 + (KEY_INFO[type]?.[0] ?? -1)) return false;
  if (type === "ssh-ed25519" || type === "sk-ssh-ed25519@openssh.com") return parts[1]!.length === 32;
  if (type.includes("ecdsa-sha2-")) return parts[1]!.toString("latin1") === type.replace(/^.*ecdsa-sha2-|@openssh\.com$/g, "");
  return true;
}

/** Strict base64 as OpenSSH's b64_pton: canonical alphabet, zero spare bits, padding optional. */
function decodeBase64(s: string): Buffer | undefined {
  const m = /^([A-Za-z0-9+/]*)(={0,2})$/.exec(s);
  if (!m || m[1]!.length % 4 === 1 || (m[2] && (m[1]!.length + m[2].length) % 4 !== 0)) return undefined;
  const bytes = Buffer.from(m[1]!, "base64");
  return bytes.toString("base64").replace(/=+$/, "") === m[1] ? bytes : undefined;
}

/** "SHA256:..." as `ssh-keygen -l` prints it. */
export function fingerprintSha256(keyBlob: Uint8Array): string {
  return `SHA256:${createHash("sha256").update(keyBlob).digest("base64").replace(/=+$/, "")}`;
}

/** The files OpenSSH reads by default: UserKnownHostsFile, then GlobalKnownHostsFile. */
export function defaultKnownHostsFiles(home: string): string[] {
  return [
    join(home, ".ssh", "known_hosts"),
    join(home, ".ssh", "known_hosts2"),
    "/etc/ssh/ssh_known_hosts",
    "/etc/ssh/ssh_known_hosts2",
  ];
}

/** OpenSSH's match_pattern: `*` any run, `?` any one character. */
function globMatch(s: string, p: string): boolean {
  let si = 0;
  let pi = 0;
  let star = -1;
  let mark = 0;
  while (si < s.length) {
    if (pi < p.length && (p[pi] === "?" || p[pi] === s[si])) {
      si++;
      pi++;
    } else if (pi < p.length && p[pi] === "*") {
      star = pi++;
      mark = si;
    } else if (star >= 0) {
      pi = star + 1;
      si = ++mark;
    } else return false;
  }
  while (p[pi] === "*") pi++;
  return pi === p.length;
}

function parseLine(text: string, file: string, line: number, seq: number): Entry | undefined {
  let rest = text.replace(/\r$/, "").replace(/^[ \t]+/, "");
  if (rest === "" || rest.startsWith("#")) return undefined;
  let marker: Marker = "none";
  if (rest.startsWith("@")) {
    // OpenSSH ends a marker at the first space, or at the first tab only when the line has no space.
    const end = rest.includes(" ") ? rest.indexOf(" ") : rest.indexOf("\t");
    const word = end < 0 ? "" : rest.slice(0, end);
    if (word !== "@revoked" && word !== "@cert-authority") return undefined;
    marker = word === "@revoked" ? "revoked" : "ca";
    rest = rest.slice(end).replace(/^[ \t]+/, "");
    if (rest.startsWith("@")) return undefined; // one marker only
  }
  const [hosts, name, b64] = rest.split(/[ \t]+/);
  if (!hosts || !name || !b64) return undefined;
  const blobType = BLOB_TYPE_OF_NAME[name];
  const blob = decodeBase64(b64);
  if (!blobType || !blob || keyTypeOf(blob) !== blobType || !isWellFormed(blob, blobType)) return undefined;
  const entry: Entry = { seq, file, line, marker, keyType: blobType, blob };
  if (hosts.startsWith("|")) {
    const h = /^\|1\|([^|]+)\|(.*)$/.exec(hosts);
    const salt = h ? decodeBase64(h[1]!) : undefined;
    if (!salt || salt.length !== 20) return undefined;
    // OpenSSH re-encodes salt and HMAC and compares the text, so only a canonical field can ever match.
    const hash = Buffer.from(h![2]!, "base64");
    const canonical = `|1|${salt.toString("base64")}|${hash.toString("base64")}` === hosts && hash.length === 20;
    entry.hashed = { salt, hash: canonical ? hash : Buffer.alloc(0) };
  } else {
    entry.patterns = hosts
      .split(",")
      .map((p) => ({ negated: p.startsWith("!"), glob: (p.startsWith("!") ? p.slice(1) : p).toLowerCase() }));
  }
  return entry;
}

function matchesName(e: Entry, name: string): boolean {
  if (e.hashed) {
    return e.hashed.hash.length > 0 && createHmac("sha1", e.hashed.salt).update(name).digest().equals(e.hashed.hash);
  }
  let positive = false;
  for (const p of e.patterns!) {
    if (p.glob.length >= 1023) return false; // OpenSSH gives up on the whole list
    if (globMatch(name, p.glob)) {
      if (p.negated) return false;
      positive = true;
    }
  }
  return positive;
}

interface FileState {
  path: string;
  status: string; // "read", "missing", or why it could not be read
}

type Lookup =
  | { status: "ok" | "changed" | "revoked"; entry: Entry }
  | { status: "new" };

/** Entries whose every pattern is a literal name can be found by name; the rest must be tried one by one. */
function isLiteral(e: Entry): boolean {
  return !!e.patterns && e.patterns.every((p) => !p.negated && !/[*?]/.test(p.glob) && p.glob.length < 1023);
}

export class KnownHosts {
  private readonly byName = new Map<string, Entry[]>();
  private readonly scanned: Entry[] = [];

  private constructor(
    entries: readonly Entry[],
    private readonly files: readonly FileState[],
  ) {
    for (const e of entries) {
      if (e.marker === "ca") continue;
      if (!isLiteral(e)) {
        this.scanned.push(e);
        continue;
      }
      for (const p of new Set(e.patterns!.map((x) => x.glob))) {
        const list = this.byName.get(p);
        if (list) list.push(e);
        else this.byName.set(p, [e]);
      }
    }
  }

  /** The non-CA entries whose host field matches `name`, in file order. */
  private matching(name: string): Entry[] {
    const found = [...(this.byName.get(name) ?? []), ...this.scanned.filter((e) => matchesName(e, name))];
    return found.sort((a, b) => a.seq - b.seq);
  }

  /** Reads the files in order; a missing or unreadable file counts as empty (as OpenSSH) and is named in messages. */
  static async load(paths: readonly string[]): Promise<KnownHosts> {
    const files: FileState[] = [];
    const entries: Entry[] = [];
    for (const path of paths) {
      let text: string;
      try {
        text = await readFile(path, "utf8");
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        files.push({ path, status: code === "ENOENT" || code === "ENOTDIR" ? "missing" : `unreadable: ${code ?? String(e)}` });
        continue;
      }
      files.push({ path, status: "read" });
      text.split("\n").forEach((t, i) => {
        const e = parseLine(t, path, i + 1, entries.length);
        if (e) entries.push(e);
      });
    }
    return new KnownHosts(entries, files);
  }

  /** Builds a set straight from known_hosts text (for tests and for keys given inline). */
  static parse(text: string, file = "<inline>"): KnownHosts {
    const entries: Entry[] = [];
    text.split("\n").forEach((t, i) => {
      const e = parseLine(t, file, i + 1, entries.length);
      if (e) entries.push(e);
    });
    return new KnownHosts(entries, [{ path: file, status: "read" }]);
  }

  private lookup(name: string, blob: Buffer): Lookup {
    const matching = this.matching(name);
    const revoked = matching.find((e) => e.marker === "revoked" && e.blob.equals(blob));
    if (revoked) return { status: "revoked", entry: revoked };
    let changed: Entry | undefined;
    for (const e of matching) {
      if (e.marker !== "none") continue;
      if (e.blob.equals(blob)) return { status: "ok", entry: e };
      changed = e; // OpenSSH reports the last mismatching line as the offending one
    }
    return changed ? { status: "changed", entry: changed } : { status: "new" };
  }

  /** Judges the key a server offered for `host`:`port`; keyBlob is the key in SSH wire format. */
  check(host: string, port: number, keyBlob: Uint8Array): HostKeyVerdict {
    const blob = Buffer.from(keyBlob.buffer, keyBlob.byteOffset, keyBlob.byteLength);
    const plain = host.toLowerCase();
    const name = port === 22 ? plain : `[${plain}]:${port}`;
    let found = this.lookup(name, blob);
    if (found.status === "new" && port !== 22) {
      const again = this.lookup(plain, blob);
      if (again.status === "ok" || again.status === "revoked") found = again;
    }
    if (found.status === "ok") return { ok: true, file: found.entry.file, line: found.entry.line };
    const type = keyTypeOf(blob);
    const offered = `${shortName(type)} key (${type}) ${fingerprintSha256(blob)}`;
    if (found.status === "revoked") {
      const e = found.entry;
      return {
        ok: false,
        kind: "revoked",
        message: `WARNING: REVOKED HOST KEY DETECTED! The ${offered} offered by ${name} is marked as revoked in ${e.file}:${e.line}. Host key verification failed.`,
        hint: "a stolen key may be in use to impersonate this host; contact the host's administrator and do not connect until it has a new key",
      };
    }
    if (found.status === "changed") {
      const e = found.entry;
      return {
        ok: false,
        kind: "changed",
        message:
          `WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! ${name} offered the ${offered}, but ${e.file}:${e.line} expects the ` +
          `${shortName(e.keyType)} key (${e.keyType}) ${fingerprintSha256(e.blob)}. Someone could be eavesdropping ` +
          "on you right now (man-in-the-middle attack), or the host key has just been changed. Host key verification failed.",
        hint: `if the change is expected, remove the old key with: ssh-keygen -f '${e.file}' -R '${name}', then check the new fingerprint and add it`,
      };
    }
    const searched = this.files.map((f) => (f.status === "read" ? f.path : `${f.path} (${f.status})`)).join(", ");
    const target = this.files[0]?.path ?? "~/.ssh/known_hosts";
    const scan = port === 22 ? `ssh-keyscan ${plain}` : `ssh-keyscan -p ${port} ${plain}`;
    return {
      ok: false,
      kind: "unknown",
      message: `Host key verification failed: no ${shortName(type)} host key is known for ${name}; it offered the ${offered}. Searched: ${searched || "no known_hosts files"}.`,
      hint: `check the fingerprint with the host's administrator, then run: ${scan} >> ${target} (or set ANSIBLE_HOST_KEY_CHECKING=False to skip the check)`,
    };
  }

  /**
   * Orders `supported` host key algorithms so the types already known for the host come first, as OpenSSH's
   * order_hostkeyalgs does; otherwise a server with several keys could offer one we don't know and read as changed.
   */
  hostKeyAlgorithms(host: string, port: number, supported: readonly string[]): string[] {
    const plain = host.toLowerCase();
    const names = port === 22 ? [plain] : [`[${plain}]:${port}`, plain];
    const known = new Set<string>();
    for (const e of names.flatMap((n) => this.matching(n))) {
      if (e.marker === "none") known.add(e.keyType);
    }
    const isKnown = (alg: string) => known.has(BLOB_TYPE_OF_NAME[alg] ?? alg);
    return [...supported.filter(isKnown), ...supported.filter((a) => !isKnown(a))];
  }
}
