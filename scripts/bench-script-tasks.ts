// The ten tasks of scripts/bench-script.ts, in one list that makes the `ftl2 run` script (this file's `run`),
// the equivalent play for ansible-playbook (`benchPlaybook`) and the in-process profile. Paths sit under
// -e base (a directory each host has of its own). Each task's wall time and changed count go to -e timings
// (JSON) when given; -e warmup=1 first opens every gate with a ping that is not timed.
import { writeFileSync } from "node:fs";
import type { Ftl } from "../src/automation/index.ts";

export interface BenchTask {
  title: string;
  module: string;
  args: Record<string, unknown>;
  /** Changed on the first run (clean hosts) and on the second (idempotent) run. */
  changed: [boolean, boolean];
}

export function benchTasks(base: string, src: string): BenchTask[] {
  const b = `${base}/b`;
  return [
    { title: "file (directory)", module: "file", args: { path: b, state: "directory", mode: "0755" }, changed: [true, false] },
    { title: "copy (content)", module: "copy", args: { content: "ten tasks\n", dest: `${b}/content.txt` }, changed: [true, false] },
    { title: "copy (src file)", module: "copy", args: { src, dest: `${b}/src.txt` }, changed: [true, false] },
    { title: "command", module: "command", args: { cmd: `cat ${b}/content.txt` }, changed: [true, true] },
    { title: "shell (creates)", module: "shell", args: { cmd: `date > ${b}/shell.txt`, creates: `${b}/shell.txt` }, changed: [true, false] },
    { title: "lineinfile", module: "lineinfile", args: { path: `${b}/app.conf`, regexp: "^port=", line: "port=8080", create: true }, changed: [true, false] },
    { title: "stat", module: "stat", args: { path: `${b}/content.txt` }, changed: [false, false] },
    {
      title: "file (touch, mode)", module: "file",
      args: { path: `${b}/touched`, state: "touch", mode: "0600", modification_time: "preserve", access_time: "preserve" }, changed: [true, false],
    },
    { title: "blockinfile", module: "blockinfile", args: { path: `${b}/block.txt`, block: "a=1\nb=2", create: true }, changed: [true, false] },
    { title: "command (final)", module: "command", args: { cmd: `ls ${b}` }, changed: [true, true] },
  ];
}

/** The same tasks as one play (JSON is YAML), linear strategy, no facts. */
export function benchPlaybook(base: string, src: string): string {
  const tasks = benchTasks(base, src).map((t) => `    - name: ${JSON.stringify(t.title)}\n      ${t.module}: ${JSON.stringify(t.args)}`);
  return `- hosts: all\n  gather_facts: false\n  tasks:\n${tasks.join("\n")}\n`;
}

export async function run(ftl: Ftl): Promise<number> {
  if (ftl.vars.warmup) await ftl.all.ping();
  const timings: { task: string; ms: number; changed: number }[] = [];
  for (const t of benchTasks(String(ftl.vars.base), String(ftl.vars.src))) {
    const t0 = performance.now();
    const rs = await ftl.run("all", t.module, t.args);
    timings.push({ task: t.title, ms: performance.now() - t0, changed: rs.filter((r) => r.changed).length });
  }
  if (typeof ftl.vars.timings === "string") writeFileSync(ftl.vars.timings, JSON.stringify(timings) + "\n");
  return ftl.failed ? 2 : 0;
}
