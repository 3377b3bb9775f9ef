// ftl2's ad-hoc job events against the real `ansible-runner worker` (2.3.1) on the same AWX-shaped jobs:
// executable inventory script with _meta.hostvars, env/cmdline, env/settings, env/extravars, envvars.
// Events are compared field by field after ids and times are normalised (test/helpers/runner-normalize.ts).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pyJsonDumps } from "../../src/events/index.ts";
import { resolveRunnerJob, runAdhocJob, type RunnerEvent } from "../../src/runner/index.ts";
import { runRealWorker, streamLines, transmitAwxJob } from "../helpers/real-runner.ts";
import { normalizeRunnerEvents, sortRunnerEvents } from "../helpers/runner-normalize.ts";

let work: string;
let src: string;

const INVENTORY = {
  all: { children: ["web"] },
  web: { hosts: ["h1", "h2", "dead"] },
  _meta: {
    hostvars: {
      h1: { ansible_connection: "local", ansible_python_interpreter: "/usr/bin/python3", remote_tower_id: 3 },
      h2: { ansible_connection: "local", ansible_python_interpreter: "/usr/bin/python3", remote_tower_id: 4 },
      dead: { ansible_host: "127.0.0.1", ansible_port: 1, remote_tower_id: 5 },
    },
  },
};

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "ftl2-runner-ev-"));
  src = join(work, "src");
  mkdirSync(join(src, "inventory"), { recursive: true });
  mkdirSync(join(src, "env"), { recursive: true });
  // AWX's inventory script, byte for byte in its form (build_inventory).
  writeFileSync(join(src, "inventory", "hosts"), `#! /usr/bin/env python3\n# -*- coding: utf-8 -*-\nprint(${pyJsonDumps(JSON.stringify(INVENTORY)).replace(/^"|"$/g, "'")})\n`);
  chmodSync(join(src, "inventory", "hosts"), 0o700);
  writeFileSync(join(src, "env", "settings"), '{"job_timeout": 0, "suppress_ansible_output": true, "suppress_output_file": true}');
  writeFileSync(join(src, "env", "extravars"), "awx_job_id: 8\nawx_user_name: admin\n");
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Case {
  name: string;
  cmdline: string;
  module: string;
  args: string;
}

const CASES: Case[] = [
  { name: "shell failing on local hosts, one host refused", cmdline: "--forks=5 all", module: "shell", args: "echo hi; [ $(hostname) = x ]" },
  { name: "ping at -v with a pattern", cmdline: "--forks=5 -v web:!dead", module: "ping", args: "" },
  { name: "command changed", cmdline: "--forks=2 web:!dead", module: "command", args: "echo hello" },
  { name: "check mode skips a command", cmdline: "--check web:!dead", module: "command", args: "echo hello" },
  { name: "unknown module", cmdline: "all", module: "no_such_module_x", args: "" },
  { name: "bad argument", cmdline: "web:!dead", module: "ping", args: "bogus=1" },
];

async function oursFor(pdd: string, kwargs: Record<string, unknown>): Promise<{ events: RunnerEvent[]; status: string; rc: number }> {
  rmSync(pdd, { recursive: true, force: true });
  cpSync(src, pdd, { recursive: true });
  const job = resolveRunnerJob(kwargs, { privateDataDir: pdd, processEnv: process.env });
  const events: RunnerEvent[] = [];
  // Round-trip through the Python JSON form the stream carries.
  const out = await runAdhocJob(job, { emit: (e) => events.push(JSON.parse(pyJsonDumps(e))) });
  return { events, ...out };
}

describe("ad-hoc job events match the real ansible-runner worker", () => {
  for (const c of CASES) {
    test(c.name, async () => {
      writeFileSync(join(src, "env", "cmdline"), c.cmdline);
      const pdd = join(work, "job");
      const kwargs = {
        ident: 8, inventory: join(pdd, "inventory", "hosts"), module: c.module, module_args: c.args,
        envvars: { ANSIBLE_FORCE_COLOR: "True", AD_HOC_COMMAND_ID: "8", ANSIBLE_HOST_KEY_CHECKING: "False" },
        passwords: {}, suppress_env_files: true,
      };
      const real = runRealWorker(transmitAwxJob(src, pdd, kwargs), pdd);
      const realLines = streamLines(real.stdout);
      const realStatus = realLines.filter((l) => "status" in l).map((l) => l.status);
      const realEvents = realLines.filter((l) => "event" in l);
      const ours = await oursFor(pdd, kwargs);

      expect(ours.status).toBe(realStatus[realStatus.length - 1] as string);
      expect(ours.rc).toBe(real.rc);
      const a = sortRunnerEvents(normalizeRunnerEvents(ours.events));
      const b = sortRunnerEvents(normalizeRunnerEvents(realEvents));
      expect(a.map((e) => e.event)).toEqual(b.map((e) => e.event));
      for (let i = 0; i < b.length; i++) expect(a[i]).toEqual(b[i] as RunnerEvent);
      // Same keys in the same order, at the top and in event_data.
      for (let i = 0; i < b.length; i++) {
        expect(Object.keys(a[i] as object)).toEqual(Object.keys(b[i] as object));
        expect(Object.keys((a[i]?.event_data as object) ?? {})).toEqual(Object.keys((b[i]?.event_data as object) ?? {}));
      }
    }, 60_000);
  }
});
