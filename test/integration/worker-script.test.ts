// Worker script jobs end to end, as AWX runs them: the real `ansible-runner transmit` (Python API) of a private
// data dir whose envvars name FTL2_SCRIPT -> the compiled `ftl2 worker` -> the real `ansible-runner process`.
// Checked: status, rc, the job_events files (playbook-shaped sequence, res, the custom event), failed hosts,
// script errors at file:line, and a playbook job picking the baked main.ts of the script directory.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { transmitAwxJob } from "../helpers/real-runner.ts";
import { startSshd, type SshFixture } from "../helpers/sshd.ts";

const BIN = join(import.meta.dir, "..", "..", "dist", "ftl2");
const LOCAL = "ansible_connection=local ansible_python_interpreter=/usr/bin/python3";
let work: string;
let src: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "ftl2-wscript-"));
  src = join(work, "src");
  mkdirSync(join(src, "inventory"), { recursive: true });
  writeFileSync(join(src, "inventory", "hosts"), `[web]\nh1 ${LOCAL}\nh2 ${LOCAL}\n`);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Processed {
  status: string;
  rc: string;
  events: Record<string, unknown>[];
}

function runJob(script: string, kwargs: Record<string, unknown>, env: Record<string, string> = {}, from = src): Processed & { output: string } {
  const scriptPath = join(work, `${Math.random().toString(36).slice(2)}-${script.split("\n")[0]!.length}.ts`);
  writeFileSync(scriptPath, script);
  const pdd = join(work, "pdd");
  const envvars = { FTL2_SCRIPT: scriptPath, ...((kwargs.envvars as Record<string, string> | undefined) ?? {}) };
  const stream = transmitAwxJob(from, pdd, { ident: "j", ...kwargs, envvars: kwargs.playbook ? kwargs.envvars : envvars });
  const w = spawnSync(BIN, ["worker", `--private-data-dir=${pdd}`], { input: stream, env: { ...process.env, ...env }, maxBuffer: 64 << 20 });
  expect(w.stderr.toString()).toBe("");
  const out = join(work, "processed");
  rmSync(out, { recursive: true, force: true });
  const p = spawnSync("ansible-runner", ["process", out], { input: w.stdout, encoding: "utf8" });
  expect(p.status).toBe(0);
  const art = join(out, "artifacts");
  const evDir = join(art, "job_events");
  const events = readdirSync(evDir)
    .sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10))
    .map((f) => JSON.parse(readFileSync(join(evDir, f), "utf8")) as Record<string, unknown>);
  rmSync(pdd, { recursive: true, force: true });
  const all = readdirSync(art, { recursive: true, withFileTypes: true }).filter((d) => d.isFile() && d.name !== "command").map((d) => readFileSync(join(d.parentPath, d.name), "utf8"));
  return { status: readFileSync(join(art, "status"), "utf8"), rc: readFileSync(join(art, "rc"), "utf8"), events, output: `${w.stdout.toString()}${all.join("")}` };
}

const names = (p: Processed) => p.events.map((e) => e.event);
const data = (e: Record<string, unknown>) => e.event_data as Record<string, unknown>;

describe("worker script jobs through the real ansible-runner", () => {
  test("runner.automation() streams a playbook-shaped run; emitEvent adds its event; rc from the hosts", () => {
    const p = runJob([
      "export async function run(inventoryPath: string, extravars: Record<string, unknown>, runner: any) {",
      "  const ftl = await runner.automation();",
      "  await ftl.web.ping();",
      '  runner.emitEvent({ event: "ftl2_note", event_data: { inventory: inventoryPath, who: extravars.who } });',
      '  await ftl.h1.command({ cmd: "echo " + ftl.vars.who });',
      "}",
    ].join("\n"), { extravars: { who: "awx" } });
    expect(p.status).toBe("successful");
    expect(p.rc).toBe("0");
    expect(names(p)).toEqual([
      "playbook_on_start", "playbook_on_play_start",
      "playbook_on_task_start", "runner_on_start", "runner_on_start", "runner_on_ok", "runner_on_ok",
      "ftl2_note",
      "playbook_on_task_start", "runner_on_start", "runner_on_ok",
      "playbook_on_stats",
    ]);
    expect(p.events.map((e) => e.counter)).toEqual(p.events.map((_, i) => i + 1));
    // stdout line numbers run on from event to event.
    for (let i = 1; i < p.events.length; i++) expect(p.events[i]!.start_line).toBe(p.events[i - 1]!.end_line);
    const [start, play, task] = p.events;
    expect(data(play!).playbook_uuid).toBe(start!.uuid);
    expect(task!.parent_uuid).toBe(play!.uuid);
    expect(data(task!)).toMatchObject({ task: "ping", task_action: "ping", play: "all" });
    expect(task!.stdout).toBe(`\r\nTASK [ping] ${"*".repeat(68)}`);
    const echo = p.events[10]!;
    expect(echo.stdout).toBe("\x1b[0;33mchanged: [h1]\x1b[0m");
    expect(data(echo)).toMatchObject({ host: "h1", task: "command", res: { changed: true, stdout: "awx", rc: 0 } });
    expect(echo.parent_uuid).toBe(p.events[8]!.uuid);
    const note = p.events[7]!;
    expect(note.event_data).toEqual({ inventory: expect.stringMatching(/\/inventory$/), who: "awx" });
    expect(note).toMatchObject({ runner_ident: "j", stdout: "" });
    expect(typeof note.uuid).toBe("string");
    const stats = data(p.events[11]!);
    expect(stats).toMatchObject({ ok: { h1: 2, h2: 1 }, changed: { h1: 1 }, failures: {}, dark: {}, processed: { h1: 1, h2: 1 } });
    expect(String(p.events[11]!.stdout)).toContain("PLAY RECAP");
  });

  test("a failed host makes the job failed with rc 2; a returned number is the rc", () => {
    const failed = runJob('export async function run(_i: string, _e: unknown, runner: any) {\n  const ftl = await runner.automation();\n  await ftl.h2.command({ cmd: "/bin/false" });\n}\n', {});
    expect(failed.status).toBe("failed");
    expect(failed.rc).toBe("2");
    const ev = failed.events.find((e) => e.event === "runner_on_failed")!;
    expect(data(ev)).toMatchObject({ host: "h2", res: { rc: 1, msg: "non-zero return code" } });
    expect(String(ev.stdout)).toStartWith("\x1b[0;31mfatal: [h2]: FAILED! => {");
    const chosen = runJob("export const run = () => 7;\n", {});
    expect(chosen.status).toBe("failed");
    expect(chosen.rc).toBe("7");
  });

  test("a context's secrets are masked in every event and artifact: results, emitEvent, the script's own error", () => {
    const value = "w0rker-s3cret-77";
    const p = runJob([
      "export async function run(_i: string, _e: unknown, runner: any) {",
      '  const ftl = await runner.automation({ secrets: ["TOKEN"] });',
      "  const v = ftl.secrets.TOKEN.reveal();",
      "  await ftl.h1.command({ cmd: `echo ${v}` });",
      '  runner.emitEvent({ event: "note", event_data: { said: `token is ${v}` } });',
      "  throw new Error(`stopping at ${v}`);",
      "}",
    ].join("\n"), { envvars: { TOKEN: value } });
    expect(p.status).toBe("failed");
    const events = JSON.stringify(p.events);
    expect(events).toContain("token is ********");
    expect(events).toContain("stopping at ********");
    expect(events).toContain('"stdout": "********"'.replace(": ", ":"));
    expect(events).not.toContain(value);
    // What the worker streams after its starting line (events, statuses, the artifacts zip) and every artifact
    // file `process` wrote except `command`/the starting status, which carry the job's env as ansible-runner's do.
    const lines = p.output.split("\n").filter((l) => !l.startsWith('{"status": "starting"'));
    expect(lines.join("\n")).not.toContain(value);
  });

  test("a script error: an error event with the script's file:line, status failed, rc 1", () => {
    const p = runJob("export async function run() {\n  await Promise.resolve();\n  throw new Error('no way');\n}\n", {});
    expect(p.status).toBe("failed");
    expect(p.rc).toBe("1");
    const err = p.events.find((e) => String(e.stdout).includes("ERROR!"))!;
    expect(err.event).toBe("verbose");
    expect(String(err.stdout)).toMatch(/^\x1b\[0;31mERROR! \/.*\.ts:3:\d+: no way\x1b\[0m$/);
    const syntax = runJob("export function run() {\n  return ];\n}\n", {});
    expect(syntax.rc).toBe("1");
    expect(String(syntax.events.at(-1)!.stdout)).toMatch(/ERROR! \/.*\.ts:2:\d+: Unexpected \]/);
  });

  test("a playbook job runs the baked main.ts of the script directory; without one it is an error status", () => {
    const bake = join(work, "opt-ftl2");
    mkdirSync(bake, { recursive: true });
    writeFileSync(join(bake, "main.ts"), "export async function run(_i: string, _e: unknown, runner: any) {\n  await (await runner.automation()).h1.ping();\n}\n");
    const p = runJob("", { playbook: "site.yml", envvars: {} }, { FTL2_SCRIPT_DIR: bake });
    expect(p.status).toBe("successful");
    expect(data(p.events[0]!).playbook).toBe("main.ts");
    expect(names(p)).toContain("runner_on_ok");
  });
});

describe("worker script jobs on sshd hosts", () => {
  let sshd: SshFixture;
  let sshSrc: string;
  beforeAll(async () => {
    sshd = await startSshd({ hosts: 2 });
    sshSrc = join(work, "ssh-src");
    mkdirSync(join(sshSrc, "inventory"), { recursive: true });
    const lines = sshd.hosts.map((h) => `${h.name} ansible_host=${h.address} ansible_port=${h.port} ansible_user=root ansible_python_interpreter=/usr/bin/python3`);
    writeFileSync(join(sshSrc, "inventory", "hosts"), `[sshd]\n${lines.join("\n")}\n`);
  });
  afterAll(async () => await sshd?.stop());

  test("the job's ssh_key (AWX's machine credential) reaches the script's contexts from memory, never in the stream or artifacts", () => {
    const key = sshd.clientKeyText;
    const p = runJob(
      "export async function run(_i: string, _e: unknown, runner: any) {\n  const ftl = await runner.automation();\n  await ftl.sshd.ping();\n}\n",
      { ssh_key: key, envvars: { ANSIBLE_HOST_KEY_CHECKING: "False" } }, {}, sshSrc,
    );
    expect(p.status).toBe("successful");
    expect(p.events.filter((e) => e.event === "runner_on_ok").map((e) => data(e).host).sort()).toEqual(sshd.hosts.map((h) => h.name).sort());
    const body = key.split("\n").filter((l) => l && !l.startsWith("-----"))[1]!;
    // transmit's stream carries the key by design (AWX sends it); the worker's answer and the artifacts never do.
    expect(p.output).toContain("runner_on_ok");
    expect(p.output).not.toContain(body);
  });
});
