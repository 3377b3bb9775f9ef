// Hardware facts of ansible's setup that are cheap to read: processors from /proc/cpuinfo, memory and swap
// from /proc/meminfo, with ansible's key names and integer MiB arithmetic.
import { readFileSync } from "node:fs";
import os from "node:os";
import type { Facts } from "./_facts-platform.ts";

const read = (f: string): string => {
  try {
    return readFileSync(f, "utf8");
  } catch {
    return "";
  }
};

export function cpuFacts(): Facts {
  const processor: string[] = [];
  const physical = new Set<string>();
  let cores = 0;
  let siblings = 0;
  let entries = 0;
  for (const block of read("/proc/cpuinfo").split(/\n\s*\n/)) {
    const kv = new Map(block.split("\n").map((l) => l.split(/\s*:\s*/, 2) as [string, string]).filter((x) => x.length === 2));
    if (!kv.has("processor")) continue;
    entries++;
    processor.push(kv.get("processor")!, kv.get("vendor_id") ?? "", kv.get("model name") ?? kv.get("cpu") ?? "");
    physical.add(kv.get("physical id") ?? "0");
    cores = Number(kv.get("cpu cores") ?? 1);
    siblings = Number(kv.get("siblings") ?? 1);
  }
  const count = physical.size || 1;
  const threads = Math.max(1, Math.floor(siblings / (cores || 1)));
  return {
    processor,
    processor_count: count,
    processor_cores: cores || 1,
    processor_threads_per_core: threads,
    processor_vcpus: entries ? threads * (cores || 1) * count : os.cpus().length,
    processor_nproc: os.availableParallelism(),
  };
}

export function memoryFacts(): Facts {
  const kb = new Map<string, number>();
  for (const line of read("/proc/meminfo").split("\n")) {
    const m = /^(\w+):\s+(\d+)/.exec(line);
    if (m) kb.set(m[1]!, Number(m[2]));
  }
  const mb = (k: string): number => Math.floor((kb.get(k) ?? 0) / 1024);
  const total = mb("MemTotal");
  const free = mb("MemFree");
  const nocacheFree = free + mb("Buffers") + mb("Cached");
  const swapTotal = mb("SwapTotal");
  const swapFree = mb("SwapFree");
  return {
    memtotal_mb: total,
    memfree_mb: free,
    swaptotal_mb: swapTotal,
    swapfree_mb: swapFree,
    memory_mb: {
      real: { total, used: total - free, free },
      nocache: { free: nocacheFree, used: total - nocacheFree },
      swap: { total: swapTotal, free: swapFree, used: swapTotal - swapFree, cached: mb("SwapCached") },
    },
  };
}
