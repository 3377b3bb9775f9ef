// Shared benchmark helpers: wall time and peak RSS of a command (GNU time), medians, and rewriting one
// section of docs/benchmarks.md in place so each benchmark script owns its own section.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";

export interface Measurement {
  seconds: number;
  maxRssKb: number;
  code: number;
  stdout: string;
}

export function measure(cmd: string[], env: Record<string, string>): Measurement {
  const t0 = performance.now();
  const r = spawnSync("/usr/bin/time", ["-f", "%M", ...cmd], { env: { ...process.env, ...env }, encoding: "utf8", maxBuffer: 1 << 28 });
  const seconds = (performance.now() - t0) / 1000;
  const lines = r.stderr.trim().split("\n");
  const maxRssKb = Number(lines[lines.length - 1]) || 0;
  return { seconds, maxRssKb, code: r.status ?? -1, stdout: r.stdout };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

export function replaceSection(path: string, title: string, body: string): void {
  const text = existsSync(path) ? readFileSync(path, "utf8") : "# Benchmarks\n\nEach section is rewritten by the script named in its title.\n";
  const heading = `## ${title}`;
  const start = text.indexOf(heading);
  let out: string;
  if (start < 0) out = `${text.trimEnd()}\n\n${heading}\n\n${body}\n`;
  else {
    const next = text.indexOf("\n## ", start + heading.length);
    out = text.slice(0, start) + `${heading}\n\n${body}\n` + (next < 0 ? "" : text.slice(next + 1));
  }
  writeFileSync(path + ".tmp", out);
  renameSync(path + ".tmp", path);
}
