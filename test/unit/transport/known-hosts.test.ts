// known_hosts checked against OpenSSH itself: fingerprints against `ssh-keygen -l`, host matching against
// `ssh-keygen -F` (plain and `ssh-keygen -H` hashed files), and whole verdicts against the real `ssh` client with
// StrictHostKeyChecking=yes connecting to a real sshd.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KnownHosts, defaultKnownHostsFiles, fingerprintSha256 } from "../../../src/transport/ssh/_known-hosts.ts";
import { startSshd, type SshFixture } from "../../helpers/sshd.ts";

const dir = mkdtempSync(join(tmpdir(), "ftl2-known-hosts-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sh(cmd: string, args: string[]) {
  return spawnSync(cmd, args, { encoding: "utf8" });
}
function str(b: Buffer | string): Buffer {
  const body = typeof b === "string" ? Buffer.from(b) : b;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  return Buffer.concat([len, body]);
}
/** A syntactically valid ed25519 public key nobody holds; one per known_hosts line keeps lines apart. */
function fakeEd25519(): Buffer {
  return Buffer.concat([str("ssh-ed25519"), str(randomBytes(32))]);
}
function line(hosts: string, blob: Buffer): string {
  return `${hosts} ${Buffer.from(blob.subarray(4, 4 + blob.readUInt32BE(0))).toString()} ${blob.toString("base64")}`;
}
function pubBlob(pubLine: string): Buffer {
  return Buffer.from(pubLine.trim().split(/\s+/)[1]!, "base64");
}
let keyN = 0;
function keygen(type: string, bits?: number): { path: string; blob: Buffer; pub: string } {
  const path = join(dir, `key${keyN++}`);
  const r = sh("ssh-keygen", ["-q", "-t", type, ...(bits ? ["-b", String(bits)] : []), "-N", "", "-f", path]);
  if (r.status !== 0) throw new Error(r.stderr);
  const pub = readFileSync(`${path}.pub`, "utf8").trim();
  return { path, blob: pubBlob(pub), pub };
}

describe("fingerprintSha256", () => {
  const sk = {
    "sk-ssh-ed25519@openssh.com": Buffer.concat([str("sk-ssh-ed25519@openssh.com"), str(randomBytes(32)), str("ssh:")]),
    "sk-ecdsa-sha2-nistp256@openssh.com": Buffer.concat([
      str("sk-ecdsa-sha2-nistp256@openssh.com"), str("nistp256"),
      str(pubBlob(keygen("ecdsa", 256).pub).subarray(39)), str("ssh:"),
    ]),
  };
  const cases: [string, Buffer][] = [
    ["ed25519", keygen("ed25519").blob],
    ["rsa", keygen("rsa", 2048).blob],
    ["ecdsa-256", keygen("ecdsa", 256).blob],
    ["ecdsa-384", keygen("ecdsa", 384).blob],
    ["ecdsa-521", keygen("ecdsa", 521).blob],
    ...Object.entries(sk),
  ];
  for (const [name, blob] of cases) {
    test(`${name} matches ssh-keygen -l`, () => {
      const f = join(dir, `fp-${name}.pub`);
      writeFileSync(f, line("x", blob).split(" ").slice(1).join(" ") + "\n");
      const r = sh("ssh-keygen", ["-l", "-E", "sha256", "-f", f]);
      expect(r.status).toBe(0);
      expect(r.stdout.split(" ")[1]).toBe(fingerprintSha256(blob));
    });
  }

  test("every key type is recognised in known_hosts, sk-* included", () => {
    for (const [, blob] of cases) {
      const kh = KnownHosts.parse(line("h", blob) + "\n");
      expect(kh.check("h", 22, blob).ok).toBe(true);
    }
  });
});

describe("host matching agrees with ssh-keygen -F", () => {
  const patterns = [
    "host1", "HOST2", "host3,host4", "*.example.com", "web?.example.com", "!bad.example.com,*.example.com",
    "*,!10.0.0.*", "[host5]:2222", "[host6]:*", "[10.0.0.?]:2200", "10.0.0.7", "[10.0.0.8]:22", "host9,!host9",
    "*host10*", "x,,host11", "!host12", "[host13]:2222,host13", "hOsT14.Example.COM", "?", "ho*st15",
  ];
  const names = [
    "host1", "host2", "HOST1", "host3", "host4", "www.example.com", "web1.example.com", "web12.example.com",
    "bad.example.com", "10.0.0.3", "10.1.0.3", "[host5]:2222", "host5", "[host6]:2200", "[10.0.0.1]:2200",
    "[10.0.0.10]:2200", "10.0.0.7", "10.0.0.8", "host9", "ahost10b", "host11", "host12", "host13",
    "[host13]:2222", "host14.example.com", "h", "ho-st15", "nothing",
  ];
  const blobs = patterns.map(() => fakeEd25519());
  const text = patterns.map((p, i) => line(p, blobs[i]!)).join("\n") + "\n";
  const kh = KnownHosts.parse(text);

  function keygenFound(file: string, name: string): Set<number> {
    const r = sh("ssh-keygen", ["-F", name, "-f", file]);
    return new Set([...r.stdout.matchAll(/found: line (\d+)/g)].map((m) => Number(m[1])));
  }
  function ours(name: string, k: KnownHosts): Set<number> {
    const m = /^\[(.*)\]:(\d+)$/.exec(name);
    const [host, port] = m ? [m[1]!, Number(m[2])] : [name, 22];
    const found = new Set<number>();
    blobs.forEach((b, i) => {
      const v = k.check(host, port, b);
      if (v.ok) found.add(i + 1);
    });
    return found;
  }
  /** OpenSSH's lookup: `[h]:p` first; with no entry at all, the plain `h` ("checking without port identifier"). */
  function expected(file: string, name: string): Set<number> {
    const first = keygenFound(file, name);
    const m = /^\[(.*)\]:(\d+)$/.exec(name);
    if (first.size > 0 || !m || m[2] === "22") return first;
    return keygenFound(file, m[1]!.toLowerCase());
  }

  test("plain patterns, globs, negation, comma lists, ports", () => {
    const file = join(dir, "match.kh");
    writeFileSync(file, text);
    for (const name of names) {
      expect({ name, lines: [...ours(name, kh)] }).toEqual({ name, lines: [...expected(file, name.toLowerCase())] });
    }
  });

  test("hashed entries written by ssh-keygen -H", () => {
    const literal = patterns.filter((p) => !/[*?!,]/.test(p));
    const hblobs = literal.map(() => fakeEd25519());
    const file = join(dir, "hashed.kh");
    writeFileSync(file, literal.map((p, i) => line(p, hblobs[i]!)).join("\n") + "\n");
    expect(sh("ssh-keygen", ["-H", "-f", file]).status).toBe(0);
    const hashedText = readFileSync(file, "utf8");
    expect(hashedText).toContain("|1|");
    const hk = KnownHosts.parse(hashedText, file);
    for (const name of names) {
      const m = /^\[(.*)\]:(\d+)$/.exec(name);
      const [host, port] = m ? [m[1]!, Number(m[2])] : [name, 22];
      const got = new Set(hblobs.flatMap((b, i) => (hk.check(host, port, b).ok ? [i + 1] : [])));
      expect({ name, lines: [...got] }).toEqual({ name, lines: [...expected(file, name.toLowerCase())] });
    }
  });
});

describe("verdict messages", () => {
  const offered = fakeEd25519();
  const other = fakeEd25519();
  const fp = fingerprintSha256(offered);

  test("unknown names the host, key, files searched and the fix", () => {
    const missing = join(dir, "nope", "known_hosts");
    const kh0 = join(dir, "unreadable.kh");
    writeFileSync(kh0, line("x", other));
    chmodSync(kh0, 0o000);
    return KnownHosts.load([missing, kh0]).then((kh) => {
      const v = kh.check("Web1", 2222, offered);
      expect(v.ok).toBe(false);
      if (v.ok) return;
      expect(v.kind).toBe("unknown");
      expect(v.message).toContain("no ED25519 host key is known for [web1]:2222");
      expect(v.message).toContain(fp);
      expect(v.message).toContain(`${missing} (missing)`);
      // root reads mode-000 files; either way the file must be listed
      expect(v.message).toContain(kh0);
      expect(v.hint).toContain(`ssh-keyscan -p 2222 web1 >> ${missing}`);
      expect(v.hint).toContain("ANSIBLE_HOST_KEY_CHECKING=False");
      const v22 = kh.check("web1", 22, offered);
      expect(!v22.ok && v22.hint).toContain("ssh-keyscan web1 >>");
    });
  });

  test("changed names the expected line, both fingerprints and ssh-keygen -R", () => {
    const kh = KnownHosts.parse(`# comment\n\n${line("[h]:2200", other)}\n`, "/k/known_hosts");
    const v = kh.check("h", 2200, offered);
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.kind).toBe("changed");
    expect(v.message).toContain("REMOTE HOST IDENTIFICATION HAS CHANGED");
    expect(v.message).toContain("/k/known_hosts:3");
    expect(v.message).toContain(fp);
    expect(v.message).toContain(fingerprintSha256(other));
    expect(v.hint).toContain("ssh-keygen -f '/k/known_hosts' -R '[h]:2200'");
  });

  test("revoked names the line", () => {
    const kh = KnownHosts.parse(`${line("h", offered)}\n@revoked * ${line("", offered).trim()}\n`, "/k/kh");
    const v = kh.check("h", 22, offered);
    expect(!v.ok && v.kind).toBe("revoked");
    expect(!v.ok && v.message).toContain("/k/kh:2");
  });

  test("default files are OpenSSH's user then global files", () => {
    expect(defaultKnownHostsFiles("/home/u")).toEqual([
      "/home/u/.ssh/known_hosts", "/home/u/.ssh/known_hosts2", "/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts2",
    ]);
  });

  test("hostKeyAlgorithms puts the known types first", () => {
    const rsa = keygen("rsa", 2048).blob;
    const kh = KnownHosts.parse(line("[h]:2200", rsa));
    const algs = ["ssh-ed25519", "ecdsa-sha2-nistp256", "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"];
    expect(kh.hostKeyAlgorithms("h", 2200, algs)).toEqual(["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa", "ssh-ed25519", "ecdsa-sha2-nistp256"]);
    expect(kh.hostKeyAlgorithms("other", 22, algs)).toEqual(algs);
  });
});

describe("verdicts agree with the real ssh client (StrictHostKeyChecking=yes)", () => {
  let sshd: SshFixture;
  let hostKey: Buffer;
  beforeAll(async () => {
    // Port 22 as well, on the fixture's own loopback address, for the plain-`host` form.
    sshd = await startSshd({ config: ["Port 22"] });
    hostKey = pubBlob(sshd.hostPublicKey);
  });
  afterAll(() => sshd.stop());

  /** What ssh decides for this known_hosts text: ok, unknown, changed or revoked. */
  function sshVerdict(file: string, port: number): string {
    const h = sshd.hosts[0]!;
    const r = spawnSync("ssh", [
      "-F", "/dev/null", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-o", `UserKnownHostsFile=${file}`,
      "-o", "GlobalKnownHostsFile=/dev/null", "-o", "HostKeyAlgorithms=ssh-ed25519", "-o", "ConnectTimeout=10",
      "-i", sshd.clientKey, "-p", String(port), `root@${h.address}`, "true",
    ], { encoding: "utf8" });
    if (r.status === 0) return "ok";
    if (r.stderr.includes("REVOKED HOST KEY")) return "revoked";
    if (r.stderr.includes("REMOTE HOST IDENTIFICATION HAS CHANGED")) return "changed";
    if (r.stderr.includes("host key is known for")) return "unknown";
    throw new Error(`ssh failed otherwise: ${r.stderr}`);
  }

  test("table of known_hosts files", () => {
    const a = sshd.hosts[0]!.address;
    const p = sshd.hosts[0]!.port;
    const good = line("", hostKey).trim();
    const other = line("", fakeEd25519()).trim();
    const rsa = keygen("rsa", 2048).pub.split(" ").slice(0, 2).join(" ");
    const ecdsa384 = keygen("ecdsa", 384).pub.split(" ").slice(0, 2).join(" ");
    const goodB64 = good.split(" ")[1]!;
    const cases: [string, string, number][] = [
      ["exact [a]:p", `[${a}]:${p} ${good}`, p],
      ["empty file", "", p],
      ["other host only", `other ${good}`, p],
      ["plain a on port p (fallback)", `${a} ${good}`, p],
      ["plain a on port 22", `${a} ${good}`, 22],
      ["[a]:22 on port 22", `[${a}]:22 ${good}`, 22],
      ["[a]:p on port 22", `[${a}]:${p} ${good}`, 22],
      ["wrong key same type", `[${a}]:${p} ${other}`, p],
      ["rsa only (other type)", `[${a}]:${p} ${rsa}`, p],
      ["ecdsa-384 only (other type)", `[${a}]:${p} ${ecdsa384}`, p],
      ["mismatch then match", `[${a}]:${p} ${other}\n[${a}]:${p} ${good}`, p],
      ["match then other type", `[${a}]:${p} ${good}\n[${a}]:${p} ${rsa}`, p],
      ["wrong key for [a]:p, right for plain a", `[${a}]:${p} ${other}\n${a} ${good}`, p],
      ["wrong key only for plain a", `${a} ${other}`, p],
      ["wrong key only for plain a, port 22", `${a} ${other}`, 22],
      ["glob", `[${a.split(".").slice(0, 3).join(".")}.*]:${p} ${good}`, p],
      ["glob ?", `[${a.slice(0, -1)}?]:${p} ${good}`, p],
      ["negated", `*,![${a}]:${p} ${good}`, p],
      ["negated on 22", `*,!${a} ${good}`, 22],
      ["comma list", `foo,${a},bar ${good}`, 22],
      ["revoked", `[${a}]:${p} ${good}\n@revoked [${a}]:${p} ${good}`, p],
      ["revoked star", `@revoked * ${good}`, 22],
      ["revoked other host", `@revoked other ${good}\n[${a}]:${p} ${good}`, p],
      ["revoked plain, port p", `@revoked ${a} ${good}\n${a} ${good}`, p],
      ["cert-authority only", `@cert-authority * ${good}`, p],
      ["bad marker", `@foo [${a}]:${p} ${good}`, p],
      ["two markers", `@revoked @revoked [${a}]:${p} ${good}\n[${a}]:${p} ${good}`, p],
      ["tabs, comment, CRLF", `\t [${a}]:${p}\t${good.replace(" ", "\t")}  a comment\r`, p],
      ["key type name mismatch", `[${a}]:${p} ssh-rsa ${goodB64}`, p],
      ["unknown key type name", `[${a}]:${p} ssh-foo ${goodB64}`, p],
      ["rsa-sha2-256 names an rsa key", `[${a}]:${p} ${rsa.replace("ssh-rsa", "rsa-sha2-256")}`, p],
      ["base64 unpadded", `[${a}]:${p} ssh-ed25519 ${goodB64.replace(/=+$/, "")}`, p],
      ["base64 extra padding", `[${a}]:${p} ssh-ed25519 ${goodB64}==`, p],
      ["truncated blob", `[${a}]:${p} ssh-ed25519 ${pubBlob(good).subarray(0, 40).toString("base64")}`, p],
      ["blob with trailing byte", `[${a}]:${p} ssh-ed25519 ${Buffer.concat([pubBlob(good), Buffer.from("x")]).toString("base64")}`, p],
      ["no key", `[${a}]:${p} ssh-ed25519`, p],
      ["uppercase pattern", `[${a}]:${p},HOST.EXAMPLE ${other}`, p],
    ];
    const hashable = new Set(["exact [a]:p", "plain a on port p (fallback)", "plain a on port 22", "wrong key same type", "wrong key for [a]:p, right for plain a", "rsa only (other type)", "revoked"]);
    const rows: { name: string; ssh: string; ours: string }[] = [];
    for (const [name, text, port] of cases) {
      const file = join(dir, `case-${rows.length}.kh`);
      writeFileSync(file, text + "\n");
      const variants: [string, string][] = [[name, file]];
      if (hashable.has(name)) {
        const hashed = join(dir, `case-${rows.length}-hashed.kh`);
        writeFileSync(hashed, text + "\n");
        expect(sh("ssh-keygen", ["-H", "-f", hashed]).status).toBe(0);
        variants.push([`${name} (hashed)`, hashed]);
      }
      for (const [label, f] of variants) {
        const v = KnownHosts.parse(readFileSync(f, "utf8"), f).check(a, port, hostKey);
        rows.push({ name: label, ssh: sshVerdict(f, port), ours: v.ok ? "ok" : v.kind });
      }
    }
    expect(rows.filter((r) => r.ssh !== r.ours)).toEqual([]);
    // The table must exercise every outcome, or it proves little.
    expect(new Set(rows.map((r) => r.ssh))).toEqual(new Set(["ok", "unknown", "changed", "revoked"]));
  }, 120_000);
});
