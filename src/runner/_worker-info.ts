// `ansible-runner worker --worker-info`: PyYAML's safe_dump(default_flow_style=True) of {cpu_count, errors,
// mem_in_bytes, runner_version, uuid} (sorted keys, a line break once a line passes 80 columns, a blank line
// after, from print()). AWX reads it with yaml.safe_load. The uuid lives in ~/.ansible_runner_uuid, 0600.
import { randomUUID } from "node:crypto";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, homedir } from "node:os";
import { join } from "node:path";

/** The ansible-runner whose stream this implements; AWX shows it as the node's runner version. */
export const RUNNER_VERSION = "2.3.1";

export function ensureRunnerUuid(home: string): string {
  const file = join(home, ".ansible_runner_uuid");
  if (existsSync(file)) {
    chmodSync(file, 0o600);
    return readFileSync(file, "utf8").trim();
  }
  const id = randomUUID();
  writeFileSync(file, "", { mode: 0o600 });
  chmodSync(file, 0o600);
  writeFileSync(file, id);
  return id;
}

function memInBytes(): number | string {
  try {
    const m = /^MemTotal:\s+(\d+)/m.exec(readFileSync("/proc/meminfo", "utf8"));
    return m ? Number(m[1]) * 1024 : "The /proc/meminfo file could not found, memory capacity undiscoverable.";
  } catch {
    return "The /proc/meminfo file could not found, memory capacity undiscoverable.";
  }
}

// YAML 1.1 implicit types PyYAML resolves: a plain string that matches one must be quoted.
const IMPLICIT = [
  /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|y|Y|n|N)$/,
  /^(?:~|null|Null|NULL|)$/,
  /^[-+]?(?:0b[0-1_]+|0[0-7_]+|(?:0|[1-9][0-9_]*)|0x[0-9a-fA-F_]+|[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  /^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$/,
  /^(?:<<|=)$/,
];

export function yamlScalar(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  const s = String(v);
  const plain = /^[A-Za-z0-9_./][A-Za-z0-9_./ -]*$/.test(s) && !s.endsWith(" ") && !IMPLICIT.some((r) => r.test(s));
  return plain ? s : `'${s.replace(/'/g, "''")}'`;
}

/** Flow-style YAML of a flat mapping (values scalars or lists of scalars), keys sorted, wrapped as PyYAML does. */
function flowYaml(map: Record<string, unknown>): string {
  let out = "{";
  let col = 1;
  const put = (s: string): void => {
    out += s;
    const nl = s.lastIndexOf("\n");
    col = nl < 0 ? col + s.length : s.length - nl - 1;
  };
  Object.keys(map).sort().forEach((k, n) => {
    if (n > 0) put(",");
    put(col > 80 ? "\n  " : n > 0 ? " " : "");
    const v = map[k];
    put(`${k}: ${Array.isArray(v) ? `[${v.map(yamlScalar).join(", ")}]` : yamlScalar(v)}`);
  });
  return out + "}\n";
}

export function workerInfo(env: { home?: string; version?: string } = {}): string {
  const errors: string[] = [];
  let mem: number | string | null = memInBytes();
  if (typeof mem !== "number") {
    errors.push(mem);
    mem = null;
  }
  const info = {
    errors,
    mem_in_bytes: mem,
    cpu_count: cpus().length,
    runner_version: env.version ?? RUNNER_VERSION,
    uuid: ensureRunnerUuid(env.home ?? homedir()),
  };
  return flowYaml(info) + "\n";
}
