// openSsh against real OpenSSH daemons: the key exchange preference (ecdh-sha2-nistp256 first: sshd computes it with
// OpenSSL instead of its reference curve25519 code, ~2.3 ms CPU less per connection on the host; a server without it
// negotiates the next algorithm), and key files parsed once per process but read again when they change.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "ssh2";
import { KEX_ORDER, openSsh } from "../../src/transport/ssh/_client.ts";
import type { SshTarget } from "../../src/transport/ssh/_target.ts";
import { Secret } from "../../src/secret.ts";
import { startSshd, type SshFixture } from "../helpers/sshd.ts";

let plain: SshFixture;
let curveOnly: SshFixture;
beforeAll(async () => {
  [plain, curveOnly] = await Promise.all([startSshd(), startSshd({ config: ["KexAlgorithms curve25519-sha256"] })]);
});
const dir = mkdtempSync(join(tmpdir(), "ftl2-ssh-connect-"));
afterAll(async () => {
  await Promise.all([plain?.stop(), curveOnly?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

async function run(c: Awaited<ReturnType<typeof openSsh>>, cmd: string): Promise<string> {
  const out = await new Promise<string>((resolve, reject) => {
    c.exec(cmd, (err, s) => {
      if (err) return reject(err);
      let text = "";
      s.on("data", (b: Buffer) => (text += b.toString()));
      s.on("close", () => resolve(text));
    });
  });
  c.end();
  return out;
}

/** The key exchange a real ssh2 client with `kex` settles on with the fixture's sshd. */
function negotiatedKex(fx: SshFixture, kex: string[]): Promise<string> {
  const h = fx.hosts[0]!;
  return new Promise((resolve, reject) => {
    const c = new Client();
    let kexName = "";
    c.on("handshake", (n: { kex: string }) => (kexName = n.kex));
    c.on("ready", () => (c.end(), resolve(kexName)));
    c.on("error", reject);
    c.connect({ host: h.address, port: h.port, username: "root", privateKey: readFileSync(fx.clientKey), readyTimeout: 5000, algorithms: { kex: kex as never } });
  });
}

function target(fx: SshFixture): SshTarget {
  const h = fx.hosts[0]!;
  return {
    inventoryName: h.name, host: h.address, port: h.port, user: "root", privateKeyFile: fx.clientKey, connectTimeoutSec: 5,
    hostKeyChecking: true, knownHostsFiles: [fx.knownHosts], retries: 0, keepaliveSec: 0, become: false, becomeMethod: "sudo",
    becomeUser: "root",
  };
}

describe("key exchange", () => {
  test("OpenSSH's default server settles on ecdh-sha2-nistp256 with ftl2's order", async () => {
    expect(await negotiatedKex(plain, KEX_ORDER)).toBe("ecdh-sha2-nistp256");
  });

  test("a server without P-256 negotiates curve25519, and openSsh connects to it", async () => {
    expect(await negotiatedKex(curveOnly, KEX_ORDER)).toBe("curve25519-sha256");
    const c = await openSsh(target(curveOnly), new AbortController().signal);
    expect(await run(c, "echo kex-ok")).toBe("kex-ok\n");
  });
});

describe("key files", () => {
  test("a key file is reused while unchanged and read again once it changes", async () => {
    const key = join(dir, "key");
    copyFileSync(plain.clientKey, key);
    const t = { ...target(plain), privateKeyFile: key };
    const signal = new AbortController().signal;
    expect(await run(await openSsh(t, signal), "echo one")).toBe("one\n");
    expect(await run(await openSsh(t, signal), "echo two")).toBe("two\n");
    writeFileSync(key, "not a key at all\n");
    await expect(openSsh(t, signal)).rejects.toThrow(`${key} cannot be used`);
    copyFileSync(plain.clientKey, key);
    expect(await run(await openSsh(t, signal), "echo three")).toBe("three\n");
  });

  test("a key held in memory connects every time", async () => {
    const t = { ...target(plain), privateKeyFile: undefined, privateKey: new Secret(plain.clientKeyText, "ssh_key") };
    const signal = new AbortController().signal;
    for (const word of ["a", "b"]) expect(await run(await openSsh(t, signal), `echo ${word}`)).toBe(`${word}\n`);
  });
});
