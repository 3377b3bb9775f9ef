// Minimal-subset facts of ansible's setup (platform, distribution, user, env, date_time, pkg_mgr,
// service_mgr, selinux, apparmor), read from the same files ansible's collectors read.
import { existsSync, readFileSync } from "node:fs";
import { lookup, lookupService } from "node:dns/promises";
import os from "node:os";

export type Facts = Record<string, unknown>;

const read = (f: string): string | undefined => {
  try {
    return readFileSync(f, "utf8");
  } catch {
    return undefined;
  }
};

/** Python's socket.getfqdn(): the canonical name of the host name's address, the host name when it has none. */
async function fqdnOf(host: string): Promise<string> {
  try {
    const { address } = await lookup(host);
    return (await lookupService(address, 0)).hostname;
  } catch {
    return host;
  }
}

export async function platformFacts(): Promise<Facts> {
  const node = os.hostname();
  const fqdn = await fqdnOf(node);
  const machine = os.machine();
  const bits = ["x86_64", "aarch64", "ppc64le", "s390x", "riscv64"].includes(machine) ? "64" : "32";
  return {
    system: os.type(),
    kernel: os.release(),
    kernel_version: os.version(),
    machine,
    fqdn,
    hostname: node.split(".")[0],
    nodename: node,
    domain: fqdn.split(".").slice(1).join("."),
    userspace_bits: bits,
    architecture: /^i[3-6]86$/.test(machine) ? "i386" : machine,
    userspace_architecture: machine === "x86_64" && bits === "32" ? "i386" : machine,
    machine_id: read("/etc/machine-id")?.trim(),
  };
}

const NAMES: Record<string, string> = {
  debian: "Debian", ubuntu: "Ubuntu", fedora: "Fedora", centos: "CentOS", rhel: "RedHat", rocky: "Rocky",
  almalinux: "AlmaLinux", alpine: "Alpine", arch: "Archlinux", opensuse: "openSUSE", "opensuse-leap": "openSUSE Leap",
  sles: "SLES", amzn: "Amazon", ol: "OracleLinux", linuxmint: "Linux Mint", gentoo: "Gentoo",
};
const FAMILY: Record<string, string> = {
  Debian: "Debian", Ubuntu: "Debian", "Linux Mint": "Debian", Fedora: "RedHat", CentOS: "RedHat", RedHat: "RedHat",
  Rocky: "RedHat", AlmaLinux: "RedHat", Amazon: "RedHat", OracleLinux: "RedHat", Alpine: "Alpine",
  Archlinux: "Archlinux", openSUSE: "Suse", "openSUSE Leap": "Suse", SLES: "Suse", Gentoo: "Gentoo",
};

function osRelease(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of (read("/etc/os-release") ?? "").split("\n")) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) out[m[1]!] = m[2]!.replace(/^"(.*)"$/, "$1").replace(/^'(.*)'$/, "$1");
  }
  return out;
}

export function distributionFacts(): Facts {
  const rel = osRelease();
  const id = (rel.ID ?? "").toLowerCase();
  const name = NAMES[id] ?? (rel.NAME ?? os.type()).split(" ")[0]!;
  let version = rel.VERSION_ID ?? "NA";
  // Debian's point release lives in /etc/debian_version, as ansible's Debian parser reads it.
  const debianVersion = read("/etc/debian_version")?.trim();
  if (name === "Debian" && debianVersion && /^\d+(\.\d+)*$/.test(debianVersion)) version = debianVersion;
  const parts = version.split(".");
  const facts: Facts = {
    distribution: name,
    distribution_version: version,
    distribution_major_version: parts[0],
    distribution_release: rel.VERSION_CODENAME ?? rel.UBUNTU_CODENAME ?? "NA",
    os_family: FAMILY[name] ?? name,
  };
  if (parts.length > 1) facts.distribution_minor_version = parts[1];
  if (rel.ID) {
    facts.distribution_file_path = "/etc/os-release";
    facts.distribution_file_variety = FAMILY[name] === "Debian" ? "Debian" : name;
    facts.distribution_file_parsed = true;
  }
  return facts;
}

/** date_time as ansible formats it (local time, iso8601 in UTC). */
export function dateTimeFacts(now = new Date()): Facts {
  const p = (n: number, w = 2): string => String(n).padStart(w, "0");
  const off = -now.getTimezoneOffset();
  const tzOffset = `${off >= 0 ? "+" : "-"}${p(Math.floor(Math.abs(off) / 60))}${p(Math.abs(off) % 60)}`;
  const tz = new Intl.DateTimeFormat("en-US", { timeZoneName: "short" }).formatToParts(now).find((x) => x.type === "timeZoneName")?.value ?? "UTC";
  const jan1 = new Date(now.getFullYear(), 0, 1);
  const yday = Math.floor((now.getTime() - jan1.getTime()) / 86400000);
  // %W: weeks starting on Monday; days before the first Monday are week 0.
  const weekNumber = Math.floor((yday + 7 - ((now.getDay() + 6) % 7)) / 7);
  const epoch = Math.floor(now.getTime() / 1000);
  const micro = `${p(now.getMilliseconds(), 3)}000`;
  const u = now.toISOString();
  const [date, time] = [`${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`, `${p(now.getHours())}:${p(now.getMinutes())}:${p(now.getSeconds())}`];
  return {
    year: String(now.getFullYear()), month: p(now.getMonth() + 1), weekday: now.toLocaleDateString("en-US", { weekday: "long" }),
    weekday_number: String(now.getDay()), weeknumber: p(weekNumber), day: p(now.getDate()), hour: p(now.getHours()),
    minute: p(now.getMinutes()), second: p(now.getSeconds()), epoch: String(epoch), epoch_int: String(epoch), date, time,
    iso8601_micro: `${u.slice(0, 19)}.${micro}Z`, iso8601: `${u.slice(0, 19)}Z`,
    iso8601_basic: `${date.replaceAll("-", "")}T${time.replaceAll(":", "")}${micro}`,
    iso8601_basic_short: `${date.replaceAll("-", "")}T${time.replaceAll(":", "")}`,
    tz, tz_dst: tz, tz_offset: tzOffset,
  };
}

export function userFacts(env: Readonly<Record<string, string | undefined>>): Facts {
  const rows = (read("/etc/passwd") ?? "").split("\n").map((l) => l.split(":"));
  // getpass.getuser(): the login name from the environment first, then the password database.
  const uid = process.getuid?.() ?? 0;
  const name = env.LOGNAME ?? env.USER ?? env.LNAME ?? env.USERNAME ?? rows.find((r) => Number(r[2]) === uid)?.[0] ?? String(uid);
  const row = rows.find((r) => r[0] === name);
  return {
    user_id: name,
    user_uid: row ? Number(row[2]) : uid,
    user_gid: row ? Number(row[3]) : process.getgid?.(),
    user_gecos: row?.[4],
    user_dir: row?.[5],
    user_shell: row?.[6],
    real_user_id: uid,
    effective_user_id: process.geteuid?.(),
    real_group_id: process.getgid?.(),
    effective_group_id: process.getegid?.(),
  };
}

const PKG_MGRS: [string, string][] = [
  ["/usr/bin/rpm-ostree", "atomic_container"], ["/usr/bin/dnf", "dnf"], ["/usr/bin/yum", "yum"], ["/usr/bin/apt-get", "apt"],
  ["/sbin/apk", "apk"], ["/usr/bin/pacman", "pacman"], ["/usr/bin/zypper", "zypper"], ["/usr/bin/emerge", "portage"],
];

export function systemFacts(): Facts {
  const comm = read("/proc/1/comm")?.trim();
  let svc: string;
  if (comm && comm !== "init" && !comm.endsWith("sh")) {
    svc = { "runit-init": "runit", "openrc-init": "openrc", "systemd": "systemd" }[comm] ?? comm;
  } else if (existsSync("/run/systemd/system")) svc = "systemd";
  else if (existsSync("/sbin/openrc")) svc = "openrc";
  else svc = existsSync("/etc/init.d") ? "sysvinit" : "service";
  const enforce = read("/sys/fs/selinux/enforce");
  return {
    pkg_mgr: PKG_MGRS.find(([f]) => existsSync(f))?.[1] ?? "unknown",
    service_mgr: svc,
    selinux: enforce === undefined ? { status: "disabled" } : { status: "enabled", mode: enforce.trim() === "1" ? "enforcing" : "permissive" },
    apparmor: { status: existsSync("/sys/kernel/security/apparmor") ? "enabled" : "disabled" },
  };
}
