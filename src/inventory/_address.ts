// Host addresses as Ansible's parsing/utils/addresses.py reads them: an IPv4 or IPv6 address or a hostname, each
// possibly holding [x:y] ranges, with an optional :port. The regexes are the same grammar, so the same strings
// are accepted and rejected (INI host lines, comma lists and host patterns all depend on it).

const NUMERIC_RANGE = String.raw`\[(?:[0-9]+:[0-9]+)(?::[0-9]+)?\]`;
const HEX_RANGE = String.raw`\[(?:[0-9a-f]+:[0-9a-f]+)(?::[0-9]+)?\]`;
const ALNUM_RANGE = String.raw`\[(?:[a-z]:[a-z]|[0-9]+:[0-9]+)(?::[0-9]+)?\]`;
const V6 = `(?:[0-9a-f]{1,4}|${HEX_RANGE})`;
const V4 = `(?:[01]?[0-9]{1,2}|2[0-4][0-9]|25[0-5]|${NUMERIC_RANGE})`;
// Python's \w is Unicode-aware; this is its closest JavaScript spelling.
const W = String.raw`[\p{L}\p{N}_]`;
const LABEL = `(?:${W}|${ALNUM_RANGE})(?:${W}|[_-]|${ALNUM_RANGE})*(?<![_-])`;

const BRACKETED_HOSTPORT = /^\[(.+)\]:([0-9]+)$/su;
const HOSTPORT = /^((?:[^:[\]]|\[[^\]]*\])*):([0-9]+)$/su;
const IPV4 = new RegExp(`^(?:${V4}\\.){3}${V4}$`, "iu");
const IPV6 = new RegExp(
  "^(?:" +
    [
      `(?:${V6}:){7}${V6}`,
      `(?:${V6}:){1,6}:`,
      `(?:${V6}:)(?::${V6}){1,6}`,
      `(?:${V6}:){2}(?::${V6}){1,5}`,
      `(?:${V6}:){3}(?::${V6}){1,4}`,
      `(?:${V6}:){4}(?::${V6}){1,3}`,
      `(?:${V6}:){5}(?::${V6}){1,2}`,
      `(?:${V6}:){6}(?::${V6})`,
      `:(?::${V6}){1,6}`,
      `${V6}?::`,
      `(?:0:){6}(?:${V6}\\.){3}${V6}`,
      `::(?:ffff:)?(?:${V6}\\.){3}${V6}`,
      `(?:0:){5}ffff:(?:${V6}\\.){3}${V6}`,
    ].join("|") +
    ")$",
  "iu",
);
const HOSTNAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`, "iu");

export interface ParsedAddress {
  host: string;
  port?: number;
}

export function isIpAddress(name: string): boolean {
  return IPV4.test(name) || IPV6.test(name);
}

/** parse_address(): throws Error with Ansible's message when the text is not an address. */
export function parseAddress(address: string, allowRanges: boolean): ParsedAddress {
  let port: number | undefined;
  // Both port forms are tried in turn, each on what the previous one left, as Ansible does.
  for (const re of [BRACKETED_HOSTPORT, HOSTPORT]) {
    const m = re.exec(address);
    if (m) {
      address = m[1] ?? "";
      port = Number.parseInt(m[2] ?? "", 10);
    }
  }
  const ok = IPV4.test(address) || IPV6.test(address) || HOSTNAME.test(address);
  if (!ok) throw new Error(`Not a valid network hostname: ${address}`);
  if (!allowRanges && address.includes("[")) throw new Error("Detected range in host but was asked to ignore ranges");
  return port === undefined ? { host: address } : { host: address, port };
}
