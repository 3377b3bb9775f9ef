// Gathers a few facts from every host (`setup` with a small gather_subset) and writes a report on the
// controller: facts.json (one entry per host) and facts.txt (a text table), both with `ftl.local.copy`, so
// a second run with the same facts changes nothing. Hosts that fail or cannot be reached are listed too.
//
//   ftl2 run examples/facts-report.ts -i examples/inventory.example.ini -e report_dir=/tmp/facts
//
// Variables: report_dir (required; created if missing), subset (gather_subset, default "!all,min").
import type { Ftl } from "ftl2";

interface HostFacts {
  host: string;
  /** The address the host was reached on, as its sshd saw it. */
  address: string;
  hostname: string;
  distribution: string;
  kernel: string;
  python: string;
  user: string;
}

interface Report {
  hosts: HostFacts[];
  failed: { host: string; error: string }[];
}

function variable(ftl: Ftl, name: string, fallback?: string): string {
  const value = ftl.vars[name] ?? fallback;
  if (value === undefined || value === "") throw new Error(`this example needs -e ${name}=...`);
  return String(value);
}

const text = (v: unknown) => (v === undefined || v === null ? "" : String(v));

function factsOf(host: string, f: Record<string, unknown>): HostFacts {
  const env = (f.ansible_env ?? {}) as Record<string, string>;
  const python = (f.ansible_python ?? {}) as { version?: { major?: number; minor?: number; micro?: number } };
  const v = python.version ?? {};
  return {
    host,
    // SSH_CONNECTION is "client-ip client-port server-ip server-port".
    address: text(env.SSH_CONNECTION?.split(" ")[2]),
    hostname: text(f.ansible_hostname),
    distribution: `${text(f.ansible_distribution)} ${text(f.ansible_distribution_version)}`.trim(),
    kernel: text(f.ansible_kernel),
    python: [v.major, v.minor, v.micro].filter((n) => n !== undefined).join("."),
    user: text(f.ansible_user_id),
  };
}

function table(rows: HostFacts[]): string {
  const cols: (keyof HostFacts)[] = ["host", "address", "hostname", "distribution", "kernel", "python", "user"];
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((s, i) => s.padEnd(width[i] ?? 0)).join("  ").trimEnd();
  return [line(cols), line(width.map((w) => "-".repeat(w))), ...rows.map((r) => line(cols.map((c) => r[c])))].join("\n") + "\n";
}

export async function run(ftl: Ftl): Promise<number> {
  const dir = variable(ftl, "report_dir");
  const subset = variable(ftl, "subset", "!all,min").split(",");

  const results = await ftl.all.setup({ gather_subset: subset });
  const report: Report = {
    hosts: results.filter((r) => r.ok).map((r) => factsOf(r.host, r.result.ansible_facts ?? {})),
    failed: results.filter((r) => !r.ok).map((r) => ({ host: r.host, error: r.error ?? r.status })),
  };
  let txt = table(report.hosts);
  if (report.failed.length > 0) txt += `\nno facts from: ${report.failed.map((f) => `${f.host} (${f.error})`).join(", ")}\n`;

  await ftl.local.file({ path: dir, state: "directory" });
  const written = [
    await ftl.local.copy({ content: JSON.stringify(report, null, 2) + "\n", dest: `${dir}/facts.json` }),
    await ftl.local.copy({ content: txt, dest: `${dir}/facts.txt` }),
  ];
  console.log(`facts from ${report.hosts.length} host(s), ${report.failed.length} failed; ` +
    `report ${written.some((w) => w.changed) ? "written to" : "unchanged in"} ${dir}`);
  return report.failed.length > 0 ? 2 : 0;
}
