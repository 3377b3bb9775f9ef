// Local benchmarks for the foundation, measured side by side with ansible in one run:
// `--version`, one ping on localhost, 200 local hosts with `command true` at the same forks, and peak RSS
// for 1000 local hosts. Writes the "Local execution" section of docs/benchmarks.md.
// Usage: node scripts/with-bun.mjs run scripts/bench-local.ts [--quick]
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { median, measure, publishSection, type Measurement } from "./_bench-util.ts";

const root = join(import.meta.dir, "..");
const ftl2 = join(root, "dist", "ftl2");
const quick = process.argv.includes("--quick");
const dir = mkdtempSync(join(tmpdir(), "ftl2-bench-"));
const env = { ANSIBLE_NOCOLOR: "1", ANSIBLE_PYTHON_INTERPRETER: "/usr/bin/python3", ANSIBLE_LOCALHOST_WARNING: "0" };

function inventory(n: number): string {
  const path = join(dir, `local-${n}.ini`);
  writeFileSync(path, `[bench]\nh[0001:${String(n).padStart(4, "0")}] ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n`);
  return path;
}

function runs(cmd: string[], n: number): Measurement[] {
  return Array.from({ length: n }, () => measure(cmd, env));
}

const rows: string[] = [];
const row = (what: string, f: Measurement[], a?: Measurement[]) => {
  const fm = median(f.map((m) => m.seconds));
  const am = a ? median(a.map((m) => m.seconds)) : undefined;
  const fr = Math.max(...f.map((m) => m.maxRssKb)) / 1024;
  const ar = a ? Math.max(...a.map((m) => m.maxRssKb)) / 1024 : undefined;
  rows.push(
    `| ${what} | ${(fm * 1000).toFixed(1)} ms | ${am === undefined ? "-" : (am * 1000).toFixed(0) + " ms"} | ${am === undefined ? "-" : (am / fm).toFixed(1) + "x"} | ${fr.toFixed(0)} MB | ${ar === undefined ? "-" : ar.toFixed(0) + " MB"} |`,
  );
  console.log(rows[rows.length - 1]);
};

const reps = quick ? 3 : 15;
row("`--version` (median of " + reps + ")", runs([ftl2, "--version"], reps), runs(["ansible", "--version"], quick ? 2 : 5));
row("`-m ping localhost`", runs([ftl2, "-m", "ping", "localhost"], quick ? 3 : 10), runs(["ansible", "localhost", "-m", "ping"], quick ? 2 : 5));
const inv200 = inventory(200);
const forks = 20;
row(
  `200 local hosts, \`-m command -a true -f ${forks}\``,
  runs([ftl2, "all", "-i", inv200, "-m", "command", "-a", "true", "-f", String(forks)], quick ? 1 : 3),
  runs(["ansible", "all", "-i", inv200, "-m", "command", "-a", "true", "-f", String(forks)], 1),
);
const inv1000 = inventory(1000);
row(`1000 local hosts, \`-m ping -f 50\` (ftl2 only)`, runs([ftl2, "all", "-i", inv1000, "-m", "ping", "-f", "50"], quick ? 1 : 3));
row(`1000 local hosts, \`-m command -a true -f 50\` (ftl2 only)`, runs([ftl2, "all", "-i", inv1000, "-m", "command", "-a", "true", "-f", "50"], 1));

// Inventory load and host selection at scale (these used to be timed unit tests; timings belong here).
const yaml5000 = join(dir, "hosts-5000.yml");
const yamlLines = ["all:", "  children:"];
for (let g = 0; g < 10; g++) {
  yamlLines.push(`    g${g}:`, "      hosts:");
  for (let h = 0; h < 500; h++) yamlLines.push(`        host-${g}-${h}: {ansible_host: 10.0.${g}.${h % 250}, idx: ${h}}`);
}
writeFileSync(yaml5000, yamlLines.join("\n") + "\n");
row(
  "5000-host YAML inventory, `all:!g3:&g*[10:4000] --list-hosts`",
  runs([ftl2, "all:!g3:&g*[10:4000]", "-i", yaml5000, "--list-hosts"], quick ? 2 : 5),
  runs(["ansible", "all:!g3:&g*[10:4000]", "-i", yaml5000, "--list-hosts"], 1),
);

const body = [
  `Measured ${new Date().toISOString().slice(0, 10)} on this machine (2 cores, 24 GiB), ansible-core from Debian, \`dist/ftl2\` built by \`npm run build\`.`,
  "Times are wall-clock medians; peak RSS is the controller's maximum resident set (GNU time `%M`; for ansible, its largest process).",
  "",
  "| what | ftl2 | ansible | speed-up | ftl2 peak RSS | ansible peak RSS |",
  "|---|---|---|---|---|---|",
  ...rows,
  "",
  "Targets: `--version` at most 30 ms; 200 local hosts at least 20x faster than ansible; at most 150 MB peak RSS for 1000 local hosts.",
].join("\n");
publishSection(quick, "Local execution (scripts/bench-local.ts)", body);
