// Network facts of ansible's setup: interface list, per-interface facts (ansible_<dev>), all addresses, and
// default_ipv4 from /proc/net/route (ansible asks `ip route get`; the routing table answers the same locally).
import { readFileSync, readdirSync } from "node:fs";
import os from "node:os";
import type { Facts } from "./_facts-platform.ts";

const read = (f: string): string | undefined => {
  try {
    return readFileSync(f, "utf8").trim();
  } catch {
    return undefined;
  }
};

const ipNum = (a: string): number => a.split(".").reduce((n, o) => n * 256 + Number(o), 0);
const ipText = (n: number): string => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join(".");

function ipv4Entry(addr: os.NetworkInterfaceInfoIPv4, loopback: boolean): Facts {
  const a = ipNum(addr.address);
  const m = ipNum(addr.netmask);
  const prefix = addr.cidr?.split("/")[1] ?? String(m.toString(2).replaceAll("0", "").length);
  return {
    address: addr.address,
    broadcast: loopback ? "" : ipText(((a & m) | (~m >>> 0)) >>> 0),
    netmask: addr.netmask,
    network: ipText((a & m) >>> 0),
    prefix,
  };
}

function scopeOf(address: string): string {
  if (address === "::1") return "host";
  return address.toLowerCase().startsWith("fe80") ? "link" : "global";
}

export function networkFacts(): Facts {
  const names = (() => {
    try {
      return readdirSync("/sys/class/net");
    } catch {
      return Object.keys(os.networkInterfaces());
    }
  })();
  const addrs = os.networkInterfaces();
  const facts: Facts = { interfaces: names };
  const all4: string[] = [];
  const all6: string[] = [];
  for (const dev of names) {
    const sys = `/sys/class/net/${dev}`;
    const type = read(`${sys}/type`);
    const loopback = type === "772";
    const flags = Number.parseInt(read(`${sys}/flags`) ?? "0", 16);
    const info: Facts = {
      device: dev,
      active: (flags & 0x1) !== 0,
      mtu: Number(read(`${sys}/mtu`) ?? 0),
      promisc: (flags & 0x100) !== 0,
      type: loopback ? "loopback" : type === "1" ? "ether" : "unknown",
    };
    const mac = read(`${sys}/address`);
    if (!loopback && mac) info.macaddress = mac;
    const v4 = (addrs[dev] ?? []).filter((a): a is os.NetworkInterfaceInfoIPv4 => a.family === "IPv4");
    const v6 = (addrs[dev] ?? []).filter((a) => a.family === "IPv6");
    if (v4[0]) info.ipv4 = ipv4Entry(v4[0], loopback);
    if (v4.length > 1) info.ipv4_secondaries = v4.slice(1).map((a) => ipv4Entry(a, loopback));
    if (v6.length) info.ipv6 = v6.map((a) => ({ address: a.address, prefix: a.cidr?.split("/")[1] ?? "", scope: scopeOf(a.address) }));
    if (!loopback) {
      all4.push(...v4.map((a) => a.address));
      all6.push(...v6.map((a) => a.address));
    }
    facts[dev.replaceAll("-", "_")] = info;
  }
  facts.all_ipv4_addresses = all4;
  facts.all_ipv6_addresses = all6;
  facts.default_ipv4 = defaultIpv4(facts);
  return facts;
}

function defaultIpv4(facts: Facts): Facts {
  for (const line of (read("/proc/net/route") ?? "").split("\n").slice(1)) {
    const [iface, dest, gw] = line.split(/\s+/);
    if (!iface || dest !== "00000000" || !gw) continue;
    // The table is little-endian hex.
    const gateway = ipText(Number.parseInt(gw.match(/../g)!.reverse().join(""), 16));
    const info = facts[iface.replaceAll("-", "_")] as Facts | undefined;
    const v4 = (info?.ipv4 ?? {}) as Facts;
    return {
      gateway, interface: iface, address: v4.address, broadcast: v4.broadcast, netmask: v4.netmask, network: v4.network,
      prefix: v4.prefix, macaddress: info?.macaddress, mtu: info?.mtu, type: info?.type, alias: iface,
    };
  }
  return {};
}
