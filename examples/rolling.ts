// A rolling release across groups, a few hosts at a time (ansible's `serial`): each batch gets the new
// release directory, its VERSION file and the `current` link switched over, then a health check reads the
// version back through the link. The first batch with a failed host stops the rollout; later hosts are not
// touched. A summary says which hosts got the release, which failed and which were left alone.
//
//   ftl2 run examples/rolling.ts -i examples/inventory.example.ini -e base=/tmp/app -e release=2.1
//   ftl2 run examples/rolling.ts -i inventory.ini -e base=/tmp/app -e release=2.1 -e order=db,web -e batch=1
//
// Variables: base (required), release (default "1.0"), order (groups in rollout order, default "web,db"),
// batch (hosts at a time, default 2).
import type { Ftl } from "ftl2";

function variable(ftl: Ftl, name: string, fallback?: string): string {
  const value = ftl.vars[name] ?? fallback;
  if (value === undefined || value === "") throw new Error(`this example needs -e ${name}=...`);
  return String(value);
}

/** Hosts of the groups in rollout order, each once (a host in two groups goes with the first). */
function rolloutOrder(ftl: Ftl, groups: string[]): string[] {
  const seen = new Set<string>();
  for (const g of groups) for (const h of ftl.hosts(g)) seen.add(h);
  return [...seen];
}

function batches<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** One batch through every step; a host that fails a step skips the rest. Returns the hosts that failed. */
async function deploy(ftl: Ftl, hosts: string[], base: string, release: string): Promise<Map<string, string>> {
  const failed = new Map<string, string>();
  const dir = `${base}/releases/${release}`;
  const steps = [
    (p: string) => ftl.run(p, "file", { path: dir, state: "directory", mode: "0755" }),
    (p: string) => ftl.run(p, "copy", { content: `${release}\n`, dest: `${dir}/VERSION` }),
    (p: string) => ftl.run(p, "file", { src: dir, dest: `${base}/current`, state: "link" }),
  ];
  const healthy = (content: string | undefined) => Buffer.from(content ?? "", "base64").toString() === `${release}\n`;
  for (const step of steps) {
    const live = hosts.filter((h) => !failed.has(h));
    if (live.length === 0) break;
    for (const r of await step(live.join(","))) if (!r.ok) failed.set(r.host, r.error ?? r.status);
  }
  const live = hosts.filter((h) => !failed.has(h));
  if (live.length > 0) {
    for (const r of await ftl.run(live.join(","), "slurp", { src: `${base}/current/VERSION` })) {
      if (!r.ok) failed.set(r.host, r.error ?? r.status);
      else if (!healthy(r.result.content)) failed.set(r.host, `health check: current/VERSION is not ${release}`);
    }
  }
  return failed;
}

export async function run(ftl: Ftl): Promise<number> {
  const base = variable(ftl, "base");
  const release = variable(ftl, "release", "1.0");
  const size = Number(variable(ftl, "batch", "2"));
  if (!Number.isInteger(size) || size < 1) throw new Error(`batch must be a whole number of hosts, not '${String(ftl.vars.batch)}'`);
  const order = rolloutOrder(ftl, variable(ftl, "order", "web,db").split(","));

  const done: string[] = [];
  let failed = new Map<string, string>();
  let stoppedAt = -1;
  const all = batches(order, size);
  for (const [i, batch] of all.entries()) {
    console.log(`batch ${i + 1}/${all.length}: ${batch.join(", ")}`);
    failed = await deploy(ftl, batch, base, release);
    done.push(...batch.filter((h) => !failed.has(h)));
    if (failed.size > 0) {
      stoppedAt = i;
      break;
    }
  }

  const untouched = stoppedAt < 0 ? [] : all.slice(stoppedAt + 1).flat();
  console.log(`release ${release}: ${done.length} host(s) done${done.length ? ` (${done.join(", ")})` : ""}`);
  for (const [host, why] of failed) console.log(`  failed: ${host}: ${why}`);
  if (stoppedAt >= 0) console.log(`stopped after batch ${stoppedAt + 1}; not touched: ${untouched.length ? untouched.join(", ") : "none"}`);
  return stoppedAt >= 0 ? 2 : 0;
}
