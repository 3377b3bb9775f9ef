// Writes src/automation/_modules.gen.ts: argument and result types for every ansible.builtin module, read from the
// installed Ansible's own documentation. Two ansible-doc processes (list, then all docs at once: each start costs
// about half a second).
//   node scripts/with-bun.mjs run scripts/gen-module-types.ts [--out FILE] [--check]
// --check compares instead of writing and exits 1 when the committed file is stale.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type ModuleDocEntry, emitModuleTypes } from "./_module-types-emit.ts";

const ROOT = join(import.meta.dir, "..");
const USAGE = "usage: gen-module-types.ts [--out FILE] [--check]";
export const DEFAULT_OUT = join(ROOT, "src", "automation", "_modules.gen.ts");

function ansibleDoc(args: readonly string[]): string {
  const env = { ...process.env, ANSIBLE_NOCOLOR: "1", PAGER: "cat" };
  const r = spawnSync("ansible-doc", args, { env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new Error(`cannot run ansible-doc (${r.error.message}); is Ansible installed and on PATH?`);
  if (r.status !== 0) throw new Error(`ansible-doc ${args.join(" ")} exited ${r.status}: ${r.stderr.trim()}`);
  return r.stdout;
}

/** `ansible-doc [core 2.14.18]` -> `2.14.18`. */
export function parseAnsibleVersion(text: string): string {
  const m = /\[core ([^\]]+)\]/.exec(text);
  if (!m?.[1]) throw new Error(`cannot read the ansible-core version from: ${text.split("\n")[0]}`);
  return m[1];
}

/** The docs of every ansible.builtin module, keyed by FQCN, and the ansible-core version they came from. */
export function readBuiltinDocs(): { docs: Record<string, ModuleDocEntry>; version: string } {
  const version = parseAnsibleVersion(ansibleDoc(["--version"]));
  const names = Object.keys(JSON.parse(ansibleDoc(["-t", "module", "-l", "--json", "ansible.builtin"])) as object);
  if (names.length === 0) throw new Error("ansible-doc lists no ansible.builtin modules");
  const docs = JSON.parse(ansibleDoc(["-t", "module", "--json", ...names.sort()])) as Record<string, ModuleDocEntry>;
  return { docs, version };
}

function main(argv: readonly string[]): number {
  let out = DEFAULT_OUT;
  let check = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--check") check = true;
    else if (a === "--out" && argv[i + 1] !== undefined) out = argv[++i]!;
    else {
      process.stderr.write(`gen-module-types: unknown argument ${a}\n${USAGE}\n`);
      return 2;
    }
  }
  const { docs, version } = readBuiltinDocs();
  const text = emitModuleTypes(docs, version);
  if (check) {
    let current = "";
    try {
      current = readFileSync(out, "utf8");
    } catch {}
    if (current === text) return 0;
    process.stderr.write(`gen-module-types: ${out} is stale; regenerate it\n`);
    return 1;
  }
  writeFileSync(out, text);
  process.stderr.write(`gen-module-types: ${Object.keys(docs).length} modules, ${text.length} bytes -> ${out}\n`);
  return 0;
}

if (import.meta.main) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`gen-module-types: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  }
}
