import { beforeAll, describe, expect, test } from "bun:test";
import { runNativeModule, defaultModuleContext } from "../../../src/modules/_run-native.ts";
import { selectSubsets, setupModule } from "../../../src/modules/setup.ts";
import { SYSTEM_PYTHON, runAnsibleAdhoc } from "../../helpers/ansible.ts";

type Facts = Record<string, unknown>;
const ctx = defaultModuleContext({ hostVars: { ansible_python_interpreter: SYSTEM_PYTHON } });
async function ours(args: Record<string, unknown>): Promise<Facts> {
  const r = await runNativeModule(setupModule, args, ctx);
  return r.ansible_facts as Facts;
}
const theirsOf = (args: string): Facts => runAnsibleAdhoc("setup", args).ansible_facts as Facts;

// Values that change between two runs a second apart.
const VOLATILE = new Set(["ansible_date_time", "ansible_memfree_mb", "ansible_memory_mb", "ansible_env"]);

describe("setup facts against ansible", () => {
  let mine: Facts;
  let theirs: Facts;
  beforeAll(async () => {
    mine = await ours({});
    theirs = theirsOf("");
  }, 30_000);

  test("every deterministic fact we produce equals ansible's", () => {
    const checked: string[] = [];
    for (const [k, v] of Object.entries(mine)) {
      if (VOLATILE.has(k)) continue;
      expect(k in theirs ? k : `missing ${k}`).toBe(k);
      const t = theirs[k];
      if (k === "ansible_interfaces") expect([...(v as string[])].sort()).toEqual([...(t as string[])].sort());
      else if (v && typeof v === "object" && !Array.isArray(v) && k !== "ansible_python") {
        // Per-interface and other dicts: we produce a subset of ansible's keys, each equal.
        for (const [sk, sv] of Object.entries(v)) expect([k, sk, sv]).toEqual([k, sk, (t as Facts)[sk]]);
      } else expect([k, v]).toEqual([k, t]);
      checked.push(k);
    }
    for (const k of ["ansible_hostname", "ansible_fqdn", "ansible_distribution_version", "ansible_python", "ansible_processor_vcpus", "ansible_memtotal_mb", "ansible_lo", "ansible_default_ipv4", "ansible_all_ipv4_addresses", "ansible_service_mgr", "ansible_pkg_mgr", "ansible_user_shell", "gather_subset", "module_setup"]) {
      expect(checked).toContain(k);
    }
  });

  test("volatile facts have ansible's shape", () => {
    const dt = mine.ansible_date_time as Facts;
    expect(Object.keys(dt).sort()).toEqual(Object.keys(theirs.ansible_date_time as Facts).sort());
    for (const k of ["tz", "tz_dst", "tz_offset", "date", "year", "weekday", "weekday_number", "weeknumber"]) {
      expect([k, dt[k]]).toEqual([k, (theirs.ansible_date_time as Facts)[k]]);
    }
    expect(Math.abs(Number(dt.epoch) - Number((theirs.ansible_date_time as Facts).epoch))).toBeLessThan(60);
    expect(Object.keys(mine.ansible_memory_mb as Facts).sort()).toEqual(Object.keys(theirs.ansible_memory_mb as Facts).sort());
    expect((mine.ansible_env as Facts).PATH).toBe(process.env.PATH);
  });

  test("gather_subset and filter select the same keys as ansible (among the keys we implement)", async () => {
    for (const args of ["gather_subset=!all", "gather_subset=!all,!min", "gather_subset=!all,network filter=*ipv4*", "filter=ansible_distribution*", "filter=distribution", "gather_subset=!hardware"]) {
      const kv = Object.fromEntries(args.split(" ").map((a) => a.split("=") as [string, string]));
      const mineKeys = Object.keys(await ours({ gather_subset: kv.gather_subset?.split(","), filter: kv.filter?.split(",") }));
      const theirKeys = new Set(Object.keys(theirsOf(args)));
      // Ours is a subset of ansible's keys; every key we could produce that ansible returned is there too.
      for (const k of mineKeys) expect([args, k, theirKeys.has(k)]).toEqual([args, k, true]);
      for (const k of theirKeys) if (k in mine || k === "gather_subset" || k === "module_setup") expect([args, k, mineKeys.includes(k)]).toEqual([args, k, true]);
    }
  }, 60_000);

  test("a bad subset fails as ansible's does", async () => {
    const r = await runNativeModule(setupModule, { gather_subset: ["bogus"] }, ctx);
    expect(r.failed).toBe(true);
    expect(String(r.msg)).toStartWith("Bad subset 'bogus' given to Ansible. gather_subset options allowed: all,");
    const theirs = runAnsibleAdhoc("setup", "gather_subset=bogus");
    expect(String(theirs.msg)).toStartWith("Bad subset 'bogus' given to Ansible. gather_subset options allowed: all,");
    expect(selectSubsets(["!all", "network"])).toEqual(new Set(["network", "apparmor", "date_time", "distribution", "env", "pkg_mgr", "platform", "python", "selinux", "service_mgr", "user"]));
  });
});
