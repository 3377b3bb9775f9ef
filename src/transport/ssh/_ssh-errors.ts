// Turns a failed ssh2 connect into the UNREACHABLE message Ansible users know. Ansible's ssh plugin reports
// "Failed to connect to the host via ssh: " followed by OpenSSH's own stderr, so each message below is the text
// OpenSSH 9.2 prints for the same failure (checked against the real client in test/integration/ssh-errors.test.ts),
// with ssh's "\r\n" between lines as Ansible shows them. `transient` marks what a retry with backoff may cure.
import { utils } from "ssh2";
import type { HostKeyVerdict } from "./_known-hosts.ts";

export interface ConnectFailureContext {
  host: string;
  port: number;
  user: string;
  /** The private key file the client read, to name it when it cannot be used. */
  keyFile?: string;
  /** The methods the server offered in its last USERAUTH_FAILURE (ssh2's authHandler gets them as methodsLeft). */
  authMethods?: readonly string[];
  /** True once the TCP connection was up (ssh2's "connect" event): tells a connect timeout from a banner timeout. */
  tcpConnected?: boolean;
  /** The known_hosts verdict when the host verifier refused the server's key. */
  hostKey?: HostKeyVerdict;
}

export interface ConnectFailure {
  message: string;
  transient: boolean;
  hint?: string;
}

const PREFIX = "Failed to connect to the host via ssh: ";

/** strerror(3) wording for the socket errors a connect can meet. */
const STRERROR: Record<string, string> = {
  ECONNREFUSED: "Connection refused",
  ETIMEDOUT: "Connection timed out",
  ECONNRESET: "Connection reset by peer",
  EHOSTUNREACH: "No route to host",
  ENETUNREACH: "Network is unreachable",
  EHOSTDOWN: "Host is down",
  ENETDOWN: "Network is down",
  EACCES: "Permission denied",
  EPERM: "Operation not permitted",
  EINVAL: "Invalid argument",
  EADDRNOTAVAIL: "Cannot assign requested address",
  EADDRINUSE: "Address already in use",
  ENOENT: "No such file or directory",
  EISDIR: "Is a directory",
  ENOTDIR: "Not a directory",
};
/** A host that is rebooting refuses, drops or resets; a missing route or a bad address will not heal by itself. */
const TRANSIENT_SOCKET = new Set(["ECONNREFUSED", "ETIMEDOUT", "ECONNRESET", "EHOSTUNREACH", "EHOSTDOWN"]);

/** gai_strerror(3) wording, as `ssh: Could not resolve hostname H: ...` prints it. */
const GAI: Record<string, string> = {
  ENOTFOUND: "Name or service not known",
  EAI_NONAME: "Name or service not known",
  EAI_NODATA: "No address associated with hostname",
  ENODATA: "No address associated with hostname",
  EAI_AGAIN: "Temporary failure in name resolution",
  ETIMEOUT: "Temporary failure in name resolution",
  ECONNREFUSED: "Temporary failure in name resolution",
  EAI_FAIL: "Non-recoverable failure in name resolution",
  ESERVFAIL: "Non-recoverable failure in name resolution",
};

const NEGOTIATION: [RegExp, string][] = [
  [/key exchange/, "no matching key exchange method found"],
  [/host key/, "no matching host key type found"],
  [/cipher/, "no matching cipher found"],
  [/MAC/, "no matching MAC found"],
  [/compression/, "no matching compression method found"],
];

interface ErrorFields {
  message: string;
  code?: string;
  syscall?: string;
  path?: string;
  level?: string;
}

function fieldsOf(e: unknown): ErrorFields {
  if (e instanceof Error) {
    const x = e as Error & Partial<Record<"code" | "syscall" | "path" | "level", unknown>>;
    const s = (v: unknown) => (typeof v === "string" ? v : undefined);
    return { message: e.message, code: s(x.code), syscall: s(x.syscall), path: s(x.path), level: s(x.level) };
  }
  return { message: String(e) };
}

function fail(message: string, transient: boolean, hint?: string): ConnectFailure {
  return hint === undefined ? { message: PREFIX + message, transient } : { message: PREFIX + message, transient, hint };
}

function describeKeyProblem(why: string, t: { keyFile?: string }): ConnectFailure {
  const key = t.keyFile ? `the private key ${t.keyFile}` : "the private key";
  if (/no passphrase given/.test(why)) {
    return fail(`${key} is encrypted and no passphrase was given`, false, "use an unencrypted key, give its passphrase, or load it into ssh-agent");
  }
  if (/bad passphrase|integrity check failed/i.test(why)) {
    return fail(`the passphrase for ${key} is wrong`, false, "check the key's passphrase");
  }
  return fail(`${key} cannot be used: ${why}`, false, "point ansible_ssh_private_key_file at an OpenSSH, PEM or PuTTY private key");
}

/**
 * Checks a private key before connecting. ssh2 silently skips a key it cannot parse and then reports only
 * "Permission denied", so the client calls this first to name the file and the reason instead.
 */
export function describeKeyFileError(key: Buffer | string, file: string, passphrase?: string): ConnectFailure | undefined {
  const parsed = utils.parseKey(key, passphrase);
  if (parsed instanceof Error) return describeKeyProblem(parsed.message, { keyFile: file });
  const first = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!first?.isPrivateKey()) {
    return fail(`${file} holds a public key, not a private key`, false, "point ansible_ssh_private_key_file at the private half of the key pair");
  }
  return undefined;
}

/** Describes why connecting to `t` failed, in OpenSSH's words, and whether retrying may help. */
export function describeConnectError(e: unknown, t: ConnectFailureContext): ConnectFailure {
  const f = fieldsOf(e);
  const where = `connect to host ${t.host} port ${t.port}`;

  if (/Host denied \(verification failed\)/.test(f.message) || (t.hostKey && !t.hostKey.ok)) {
    if (t.hostKey && !t.hostKey.ok) return fail(t.hostKey.message, false, t.hostKey.hint);
    return fail("Host key verification failed.", false);
  }
  if (f.level === "client-authentication" || /All configured authentication methods failed/.test(f.message)) {
    const methods = t.authMethods?.length ? t.authMethods.join(",") : "publickey,password";
    const tried = t.keyFile ? ` with the key ${t.keyFile}` : "";
    return fail(`${t.user}@${t.host}: Permission denied (${methods}).`, false, `the server accepts ${methods}; check the user name and the credentials${tried}`);
  }
  const parse = /^Cannot parse privateKey: (.*)$/s.exec(f.message);
  if (parse) return describeKeyProblem(parse[1]!, t);
  if (/passphrase/i.test(f.message) && /key/i.test(f.message)) return describeKeyProblem(f.message, t);
  // A key file that could not be read: Node's fs errors carry the path and an open/read syscall.
  if (f.path && f.code && (f.syscall === "open" || f.syscall === "read")) {
    return fail(`Identity file ${f.path} not accessible: ${STRERROR[f.code] ?? f.code}.`, false, "check --private-key / ansible_ssh_private_key_file");
  }

  // Name resolution: Node's getaddrinfo errors, or ssh2's own lookup when forceIPv4/6 is set.
  const dnsCode = f.syscall === "getaddrinfo" || f.syscall === "queryA" || f.level === "client-dns"
    ? (f.code ?? /\b(ENOTFOUND|EAI_[A-Z]+|ENODATA|ETIMEOUT|ESERVFAIL|ECONNREFUSED)\b/.exec(f.message)?.[1] ?? "ENOTFOUND")
    : undefined;
  if (dnsCode) {
    const transient = dnsCode === "EAI_AGAIN" || dnsCode === "ETIMEOUT" || dnsCode === "ECONNREFUSED";
    return fail(`ssh: Could not resolve hostname ${t.host}: ${GAI[dnsCode] ?? "Name or service not known"}`, transient);
  }

  if (f.code && STRERROR[f.code] && f.level !== "client-timeout") {
    const transient = TRANSIENT_SOCKET.has(f.code);
    if (f.syscall === "connect" || !t.tcpConnected && f.code !== "ECONNRESET") {
      // Bun (1.4.5) reports EHOSTUNREACH and ENETUNREACH as ECONNREFUSED, so "refused" may mean "no route".
      const hint = f.code === "ECONNREFUSED" ? `nothing listens on ${t.host} port ${t.port}, or the host cannot be reached at all` : undefined;
      return fail(`ssh: ${where}: ${STRERROR[f.code]}`, transient, hint);
    }
    if (f.code === "ECONNRESET") {
      return fail(`kex_exchange_identification: read: Connection reset by peer\r\nConnection reset by ${t.host} port ${t.port}`, true);
    }
    return fail(`Connection to ${t.host} port ${t.port}: ${STRERROR[f.code]}`, transient);
  }
  if (/Timed out while waiting for handshake/.test(f.message) || f.code === "ETIMEDOUT") {
    if (t.tcpConnected) return fail(`Connection timed out during banner exchange\r\nConnection to ${t.host} port ${t.port} timed out`, true);
    return fail(`ssh: ${where}: Connection timed out`, true);
  }
  if (/Connection lost before handshake/.test(f.message)) {
    return fail(`kex_exchange_identification: Connection closed by remote host\r\nConnection closed by ${t.host} port ${t.port}`, true);
  }
  if (/Invalid identification string/.test(f.message)) {
    return fail(`banner exchange: Connection to ${t.host} port ${t.port}: could not read protocol version`, false, "the port answers, but not with SSH protocol 2; is this the right port?");
  }
  if (/no matching/.test(f.message)) {
    const what = NEGOTIATION.find(([re]) => re.test(f.message))?.[1] ?? f.message;
    return fail(`Unable to negotiate with ${t.host} port ${t.port}: ${what}`, false, "the server and ftl2 share no algorithm; check the server's sshd_config");
  }
  return fail(`${where} as ${t.user}: ${f.message}`, false);
}
