// Where each of bench-script's ten tasks spends its time on warm gates: the tasks run through automation()
// in this process (the engine `ftl2 run` uses), each K times after one untimed call, with the wall time,
// this process's CPU and the CPU of the gates (and of the module processes they fork and reap), read from
// /proc, divided by hosts and calls.
import { readFileSync, readdirSync } from "node:fs";
import { automation } from "../src/automation/index.ts";
import type { BenchTask } from "./bench-script-tasks.ts";

export interface TaskProfile {
  title: string;
  wallMs: number;
  controllerCpuMs: number;
  gateCpuMs: number;
}

/** CPU seconds so far of the gates started from `gateDir` and of the children they reaped. */
export function gateCpuSeconds(gateDir: string): number {
  let ticks = 0;
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(`${gateDir}/ftl_gate_`)) continue;
      const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
      ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    } catch {
      // the process ended between listing and reading
    }
  }
  return ticks / 100;
}

export async function profileTasks(opts: {
  inventory: string;
  tasks: BenchTask[];
  forks: number;
  env: Record<string, string | undefined>;
  gateDir: string;
  repeats: number;
}): Promise<TaskProfile[]> {
  await using ftl = await automation({ inventory: opts.inventory, forks: opts.forks, env: opts.env, handleSignals: false, failFast: true });
  const n = ftl.hosts().length;
  await ftl.all.ping();
  const out: TaskProfile[] = [];
  for (const t of opts.tasks) {
    await ftl.run("all", t.module, t.args);
    const cpu0 = process.cpuUsage();
    const gate0 = gateCpuSeconds(opts.gateDir);
    const t0 = performance.now();
    for (let k = 0; k < opts.repeats; k++) await ftl.run("all", t.module, t.args);
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const per = n * opts.repeats;
    out.push({
      title: t.title,
      wallMs: wall / per,
      controllerCpuMs: (cpu.user + cpu.system) / 1000 / per,
      gateCpuMs: ((gateCpuSeconds(opts.gateDir) - gate0) * 1000) / per,
    });
  }
  return out;
}
