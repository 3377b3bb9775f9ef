// The library API side by side with the real ansible-runner's Python API (ansible_runner.run, 2.3.1) on the same
// jobs: status, rc, flags, stats, statuses seen by status_handler, the files left in the private data dir (names
// and modes), the inline inventory and env files byte for byte, the command, the events per host with their keys,
// and the stdout file's lines. The oracle runs all jobs in one Python process, started first, while ftl2 runs.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { run, type RunnerOptions, type StatusData } from "../../src/runner/index.ts";
import { PY } from "../helpers/real-runner.ts";

const ORACLE = join(import.meta.dir, "..", "fixtures", "runner-api", "oracle.py");
const LOCAL = "ansible_connection=local ansible_python_interpreter=/usr/bin/python3";
const LOCAL_VARS = { ansible_connection: "local", ansible_python_interpreter: "/usr/bin/python3" };
const HOSTS_INI = `[web]\nh1 ${LOCAL}\nh2 ${LOCAL}\n`;

interface Case {
  name: string;
  /** Options for both sides, in ansible-runner's kwarg names. */
  kwargs: Record<string, unknown>;
  /** ftl2's options where they differ from a plain camelCase copy of kwargs. */
  ours?: Partial<RunnerOptions>;
  dropEvents?: boolean;
  cancelAfter?: number;
  /** Files put in both private data dirs first. */
  files?: Record<string, string>;
}

const CASES: Case[] = [
  {
    name: "ping, object inventory with an unreachable host, envvars",
    kwargs: {
      module: "ping", host_pattern: "all", envvars: { ANSIBLE_HOST_KEY_CHECKING: "False" },
      inventory: { all: { hosts: { h1: LOCAL_VARS, h2: LOCAL_VARS, dead: { ansible_host: "127.0.0.1", ansible_port: 1 } } } },
    },
  },
  {
    name: "command, INI text inventory, limit, forks, extravars, verbosity",
    kwargs: { module: "command", module_args: "echo hello", host_pattern: "web", inventory: HOSTS_INI, limit: "h1", forks: 2, extravars: { x: 1 }, verbosity: 1 },
  },
  {
    name: "shell failing, host list inventory",
    kwargs: { module: "shell", module_args: "echo out; exit 3", host_pattern: "all", inventory: `h1 ${LOCAL}\nh2 ${LOCAL}\n` },
    ours: { inventory: [`h1 ${LOCAL}`, `h2 ${LOCAL}`] },
  },
  {
    name: "ping, no inventory (implicit localhost; ftl2's default pattern)",
    kwargs: { module: "ping", host_pattern: "localhost" },
    ours: { hostPattern: undefined },
  },
  {
    name: "command, inventory path, cmdline",
    kwargs: { module: "command", module_args: "true", cmdline: "--check", host_pattern: "all" },
    files: { "hosts.ini": HOSTS_INI },
  },
  {
    name: "eventHandler returning false keeps no event files",
    kwargs: { module: "ping", host_pattern: "localhost" },
    dropEvents: true,
  },
  {
    name: "cancelCallback cancels a sleep",
    kwargs: { module: "shell", module_args: "sleep 30", host_pattern: "localhost", settings: { pexpect_timeout: 0.2 } },
    cancelAfter: 1,
  },
  {
    name: "timeout",
    kwargs: { module: "shell", module_args: "sleep 30", host_pattern: "localhost", timeout: 1, settings: { pexpect_timeout: 0.2 } },
  },
];

let work: string;
let oracle: Promise<Record<string, unknown>[]>;

function pddFor(side: string, i: number): string {
  const dir = join(work, `${side}${i}`);
  mkdirSync(dir, { mode: 0o700 });
  for (const [name, text] of Object.entries(CASES[i]?.files ?? {})) writeFileSync(join(dir, name), text);
  return dir;
}

/** The inventory path case names its file inside each side's own private data dir. */
function withPaths(c: Case, pdd: string): Record<string, unknown> {
  return c.files ? { ...c.kwargs, inventory: join(pdd, "hosts.ini") } : c.kwargs;
}

function runOracle(): Promise<Record<string, unknown>[]> {
  const jobs = CASES.map((c, i) => {
    const pdd = pddFor("real", i);
    return { pdd, kwargs: withPaths(c, pdd), drop_events: c.dropEvents ?? false, cancel_after: c.cancelAfter ?? null };
  });
  return new Promise((resolve, reject) => {
    const child = spawn(PY, [ORACLE], { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("close", (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`oracle failed (${code}): ${err}`))));
    child.stdin.end(JSON.stringify(jobs));
  });
}

function camel(kwargs: Record<string, unknown>): RunnerOptions {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(kwargs)) out[k.replace(/_(\w)/g, (_, ch: string) => ch.toUpperCase())] = v;
  return out as RunnerOptions;
}

function walk(pdd: string): Record<string, string> {
  const files: Record<string, string> = {};
  const visit = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const st = statSync(path);
      const rel = relative(pdd, path).replace(/^artifacts\/[^/]+/, "artifacts/ID").replace(/job_events\/(\d+)-[0-9a-f-]+\.json$/, "job_events/$1.json");
      files[st.isDirectory() ? `${rel}/` : rel] = `0o${(st.mode & 0o777).toString(8)}`;
      if (st.isDirectory()) visit(path);
    }
  };
  visit(pdd);
  return files;
}

function inlineFiles(pdd: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const sub of ["env", "inventory"]) {
    let names: string[] = [];
    try {
      names = readdirSync(join(pdd, sub)).sort();
    } catch {
      continue;
    }
    for (const n of names) out[`${sub}/${n}`] = readFileSync(join(pdd, sub, n), "utf8");
  }
  return out;
}

async function runOurs(c: Case, i: number): Promise<Record<string, unknown>> {
  const pdd = pddFor("ours", i);
  const statuses: [string, string[]][] = [];
  const t0 = Date.now();
  const r = await run({
    ...camel(withPaths(c, pdd)), ...c.ours, privateDataDir: pdd, quiet: true,
    statusHandler: (s: StatusData) => statuses.push([s.status, Object.keys(s).sort()]),
    eventHandler: c.dropEvents ? () => false : undefined,
    cancelCallback: c.cancelAfter !== undefined ? () => Date.now() - t0 > (c.cancelAfter ?? 0) * 1000 : undefined,
  });
  return {
    status: r.status, rc: r.rc, canceled: r.canceled, timed_out: r.timedOut, errored: r.errored, stats: r.stats, statuses,
    files: walk(pdd), inline: inlineFiles(pdd), command: r.config.command.map((a) => a.replaceAll(pdd, "<pdd>")),
    events: r.events.map((e) => ({ event: e.event, host: (e.event_data as Record<string, unknown> | undefined)?.host ?? null, keys: Object.keys(e) })),
    stdout: r.stdout, elapsedMs: Date.now() - t0,
  };
}

type Ev = { event: string; host: string | null; keys: string[] };

/** Event names per host in order, plus the host-less events in order; keys per event name. */
function eventShape(events: Ev[]): { perHost: Record<string, string[]>; keys: Record<string, string[]>; count: number } {
  const perHost: Record<string, string[]> = {};
  const keys: Record<string, string[]> = {};
  for (const e of events) {
    (perHost[e.host ?? "-"] ??= []).push(e.event);
    keys[e.event] = e.keys;
  }
  return { perHost, keys, count: events.length };
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "ftl2-runner-api-"));
  oracle = runOracle();
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("library API against ansible_runner.run", () => {
  CASES.forEach((c, i) => {
    test(c.name, async () => {
      const ours = await runOurs(c, i);
      const real = (await oracle)[i] as Record<string, unknown>;
      for (const k of ["status", "rc", "canceled", "timed_out", "errored", "stats", "statuses", "files", "inline", "command"]) {
        expect({ [k]: ours[k] }).toEqual({ [k]: real[k] });
      }
      expect(eventShape(ours.events as Ev[])).toEqual(eventShape(real.events as Ev[]));
      expect(String(ours.stdout).split("\n").sort()).toEqual(String(real.stdout).split("\n").sort());
      if (c.cancelAfter !== undefined || c.kwargs.timeout !== undefined) expect(ours.elapsedMs as number).toBeLessThan(3000);
    }, 120_000);
  });
});
