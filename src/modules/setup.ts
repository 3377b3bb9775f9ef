// ansible.builtin.setup in TypeScript for local hosts: a useful subset of ansible's facts with the same key
// names and value formats, honouring gather_subset (all, min, hardware, network, !x) and filter globs.
// The `python` facts describe the interpreter Ansible modules would run with here, not Bun.
import { fnmatch } from "../text/index.ts";
import { cpuFacts, memoryFacts } from "./_facts-hardware.ts";
import { networkFacts } from "./_facts-network.ts";
import { type Facts, dateTimeFacts, distributionFacts, platformFacts, systemFacts, userFacts } from "./_facts-platform.ts";
import { describePython, discoverPython } from "./_python.ts";
import type { ModuleContext, ModuleParams, ModuleResult, ModuleSpec, NativeModule } from "./_types.ts";

const spec: ModuleSpec = {
  args: {
    gather_subset: { type: "list", elements: "str", default: ["all"] },
    gather_timeout: { type: "int", default: 10 },
    filter: { type: "list", elements: "str", default: [] },
    fact_path: { type: "path", default: "/etc/ansible/facts.d" },
  },
  supportsCheckMode: true,
};

/** ansible's minimal_gather_subset collectors that we implement. */
const MIN = ["apparmor", "date_time", "distribution", "env", "pkg_mgr", "platform", "python", "selinux", "service_mgr", "user"];
const OTHER = ["hardware", "network"];
/** Subset names ansible accepts (its collectors and groups); the ones we do not implement gather nothing. */
const VALID = new Set([
  ...MIN, ...OTHER, "all", "min", "caps", "cmdline", "dns", "fips", "local", "lsb", "ssh_pub_keys", "virtual", "ohai",
  "facter", "devices", "dmi", "interfaces", "mounts", "loadavg", "chroot", "fibre_channel_wwn", "iscsi", "nvme", "system",
]);

/** get_collector_names: which subsets to gather for a gather_subset list. */
export function selectSubsets(requested: readonly string[]): Set<string> | string {
  const add = new Set<string>();
  const explicit = new Set<string>();
  const exclude = new Set<string>();
  let withMin = true;
  for (const raw of requested.length ? requested : ["all"]) {
    const neg = raw.startsWith("!");
    const name = neg ? raw.slice(1) : raw;
    if (!VALID.has(name)) {
      return `Bad subset '${name}' given to Ansible. gather_subset options allowed: ${["all", ...[...VALID].filter((v) => v !== "all").sort()].join(", ")}`;
    }
    if (name === "all") {
      if (neg) for (const o of OTHER) exclude.add(o);
      else for (const s of [...MIN, ...OTHER]) add.add(s);
    } else if (name === "min") {
      if (neg) withMin = false;
      else for (const s of MIN) add.add(s);
    } else if (neg) exclude.add(name);
    else explicit.add(name);
  }
  if (withMin) for (const s of MIN) if (!exclude.has(s)) add.add(s);
  if (!withMin) for (const s of MIN) if (!requested.includes(s)) add.delete(s);
  for (const e of exclude) add.delete(e);
  // A subset named outright wins over a `!all` exclusion, as in ansible's get_collector_names.
  for (const x of explicit) add.add(x);
  return add;
}

async function collect(subsets: Set<string>, ctx: ModuleContext): Promise<Facts> {
  const facts: Facts = {};
  if (subsets.has("platform")) Object.assign(facts, await platformFacts());
  if (subsets.has("distribution")) Object.assign(facts, distributionFacts());
  if (subsets.has("date_time")) facts.date_time = dateTimeFacts();
  if (subsets.has("env")) facts.env = Object.fromEntries(Object.entries(ctx.env).filter(([, v]) => v !== undefined));
  if (subsets.has("user")) Object.assign(facts, userFacts(ctx.env));
  const sys = systemFacts();
  for (const k of ["pkg_mgr", "service_mgr", "selinux", "apparmor"]) if (subsets.has(k)) facts[k] = sys[k];
  if (subsets.has("python") || subsets.has("platform")) {
    const info = await discoverPython(ctx.hostVars, ctx.env).then((p) => describePython(p, ctx.env)).catch(() => undefined);
    if (info && subsets.has("python")) {
      facts.python = { version: info.version, version_info: info.versionInfo, executable: info.executable, has_sslcontext: info.hasSslContext, type: info.type };
    }
    if (info && subsets.has("platform")) facts.python_version = info.versionText;
  }
  if (subsets.has("hardware")) Object.assign(facts, cpuFacts(), memoryFacts());
  if (subsets.has("network")) Object.assign(facts, networkFacts());
  return facts;
}

async function runSetup(p: ModuleParams, ctx: ModuleContext): Promise<ModuleResult> {
  const requested = p.gather_subset as string[];
  const subsets = selectSubsets(requested);
  if (typeof subsets === "string") return { failed: true, changed: false, msg: subsets };
  const bare = await collect(subsets, ctx);
  const facts: Facts = {};
  for (const [k, v] of Object.entries(bare)) if (v !== undefined) facts[`ansible_${k}`] = v;
  facts.gather_subset = requested;
  facts.module_setup = true;
  const filters = (p.filter as string[]).filter((f) => f !== "");
  const kept = filters.length === 0 || filters.includes("*")
    ? facts
    : Object.fromEntries(Object.entries(facts).filter(([k]) => filters.some((f) => fnmatch(k, f) || fnmatch(k.replace(/^ansible_/, ""), f))));
  return { ansible_facts: kept, changed: false };
}

export const setupModule: NativeModule = { name: "setup", spec, run: runSetup };
