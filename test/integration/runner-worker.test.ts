// The compiled binary as AWX's execution-node `ansible-runner worker`, with the real ansible-runner on the other
// side: real transmit -> ftl2 worker -> real process; ftl2 transmit -> real worker -> ftl2 process; Receptor's
// contract (stdin a regular file, stdout and stderr into one file, SIGINT then SIGKILL after 10 s); timeouts;
// and every bad job as an `error` status with its explanation, then eof.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawn, spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PY, runRealWorker, streamLines, transmitAwxJob } from "../helpers/real-runner.ts";

const BIN = join(import.meta.dir, "..", "..", "dist", "ftl2");
let work: string;
let src: string;
let runnerBin: string;

const LOCAL = "ansible_connection=local ansible_python_interpreter=/usr/bin/python3";

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "ftl2-worker-"));
  src = join(work, "src");
  mkdirSync(join(src, "inventory"), { recursive: true });
  mkdirSync(join(src, "env"), { recursive: true });
  writeFileSync(join(src, "inventory", "hosts"), `[web]\nh1 ${LOCAL}\nh2 ${LOCAL}\n`);
  writeFileSync(join(src, "env", "settings"), '{"suppress_ansible_output": true, "suppress_output_file": true}');
  // The binary under ansible-runner's name, as an execution environment installs it.
  mkdirSync(join(work, "bin"));
  runnerBin = join(work, "bin", "ansible-runner");
  symlinkSync(BIN, runnerBin);
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Run {
  out: string;
  rc: number;
}

/** Runs the worker as Receptor does: stdin a regular file, stdout and stderr into one file. */
function ftl2Worker(input: Buffer, pdd: string, extra: string[] = []): Run {
  const inFile = join(work, `in-${Math.random().toString(36).slice(2)}`);
  const outFile = `${inFile}.out`;
  writeFileSync(inFile, input);
  const fdIn = openSync(inFile, "r");
  const fdOut = openSync(outFile, "w");
  try {
    const r = spawnSync(runnerBin, ["worker", `--private-data-dir=${pdd}`, ...extra], { stdio: [fdIn, fdOut, fdOut], cwd: work });
    return { out: readFileSync(outFile, "utf8"), rc: r.status ?? -1 };
  } finally {
    closeSync(fdIn);
    closeSync(fdOut);
  }
}

function realProcess(stream: string | Buffer, dir: string): { status: string; rc: string; events: string[]; stdout: string } {
  rmSync(dir, { recursive: true, force: true });
  const r = spawnSync("ansible-runner", ["process", dir], { input: stream, encoding: "utf8" });
  expect(r.status).toBe(0);
  const art = join(dir, "artifacts");
  const identDir = readdirSync(art).find((f) => !["job_events", "stdout", "stderr", "rc", "status", "command", "fact_cache"].includes(f));
  const base = identDir ? join(art, identDir) : art;
  return {
    status: readFileSync(join(base, "status"), "utf8"),
    rc: readFileSync(join(base, "rc"), "utf8"),
    events: readdirSync(join(base, "job_events")).sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10)),
    stdout: r.stdout,
  };
}

function awxKwargs(pdd: string, module: string, args: string): Record<string, unknown> {
  return {
    ident: 17, inventory: join(pdd, "inventory", "hosts"), module, module_args: args,
    envvars: { ANSIBLE_FORCE_COLOR: "True", AD_HOC_COMMAND_ID: "17" }, suppress_env_files: true,
  };
}

function lastLines(out: string, n: number): Record<string, unknown>[] {
  return out.trim().split("\n").slice(-n).map((l) => (l.startsWith("{") ? JSON.parse(l) : { base64: true }));
}

describe("ftl2 worker between the real transmit and process", () => {
  test("real transmit -> ftl2 worker -> real process", () => {
    writeFileSync(join(src, "env", "cmdline"), "--forks=5 all");
    const pdd = join(work, "job-a");
    const run = ftl2Worker(transmitAwxJob(src, pdd, awxKwargs(pdd, "shell", "echo hi")), pdd);
    expect(run.rc).toBe(0);
    const lines = streamLines(run.out);
    expect(lines[0]?.status).toBe("starting");
    expect(lines[1]).toEqual({ status: "running", runner_ident: "17" });
    expect(lines[lines.length - 1]).toEqual({ status: "successful", runner_ident: "17" });
    expect(run.out.endsWith('{"eof": true}\n')).toBe(true);
    const p = realProcess(run.out, join(work, "proc-a"));
    expect(p.status).toBe("successful");
    expect(p.rc).toBe("0");
    // playbook_on_start, 2 x runner_on_start, 2 x runner_on_ok, playbook_on_stats
    expect(p.events.length).toBe(6);
    expect(p.stdout).toContain("h1 | CHANGED | rc=0 >>");
    // The private data dir is deleted with --delete, kept without it.
    expect(existsSync(join(pdd, "artifacts", "17", "status"))).toBe(true);
  }, 60_000);

  test("--delete removes the private data dir; the stream still carries the artifacts", () => {
    writeFileSync(join(src, "env", "cmdline"), "all");
    const pdd = join(work, "job-del");
    const run = ftl2Worker(transmitAwxJob(src, pdd, awxKwargs(pdd, "ping", "")), pdd, ["--delete"]);
    expect(run.rc).toBe(0);
    expect(existsSync(pdd)).toBe(false);
    expect(realProcess(run.out, join(work, "proc-del")).status).toBe("successful");
  }, 60_000);

  test("ftl2 transmit -> real worker -> ftl2 process", () => {
    const pdd = join(work, "tx-src");
    rmSync(pdd, { recursive: true, force: true });
    mkdirSync(join(pdd, "inventory"), { recursive: true });
    writeFileSync(join(pdd, "inventory", "hosts"), `[web]\nh1 ${LOCAL}\n`);
    const tx = spawnSync(runnerBin, ["transmit", pdd, "-m", "ping", "--hosts", "web", "--ident", "t1"], { cwd: work });
    expect(tx.stderr.toString()).toBe("");
    expect(tx.status).toBe(0);
    const worker = runRealWorker(tx.stdout, join(work, "tx-worker"));
    expect(worker.rc).toBe(0);
    const proc = join(work, "tx-proc");
    const p = spawnSync(runnerBin, ["process", proc], { input: worker.stdout, cwd: work });
    expect(p.status).toBe(0);
    expect(p.stdout.toString()).toContain("h1 | SUCCESS => {");
    // Without -i, process writes artifacts/ itself (not artifacts/<ident>/), as the real one does.
    expect(readFileSync(join(proc, "artifacts", "status"), "utf8")).toBe("successful");
    expect(readdirSync(join(proc, "artifacts", "job_events")).length).toBe(4);
  }, 60_000);
});

describe("cancel and timeouts (Receptor's contract)", () => {
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    test(`${sig} ends the job canceled, with artifacts and eof, exit 254, no module left running`, async () => {
      writeFileSync(join(src, "env", "cmdline"), "all");
      const pdd = join(work, `job-${sig}`);
      const marker = `ftl2-cancel-${sig}-${process.pid}`;
      const input = transmitAwxJob(src, pdd, awxKwargs(pdd, "shell", `sleep 30; echo ${marker}`));
      const inFile = join(work, `in-${sig}`);
      const outFile = join(work, `out-${sig}`);
      writeFileSync(inFile, input);
      const fdIn = openSync(inFile, "r");
      const fdOut = openSync(outFile, "w");
      const child = spawn(runnerBin, ["worker", `--private-data-dir=${pdd}`], { stdio: [fdIn, fdOut, fdOut] });
      closeSync(fdIn);
      closeSync(fdOut);
      const exited = new Promise<number | null>((res) => child.on("exit", (code) => res(code)));
      // Wait until both modules run (their runner_on_start events are out), then cancel as Receptor does.
      for (let i = 0; i < 200 && (readFileSync(outFile, "utf8").match(/runner_on_start/g) ?? []).length < 2; i++) await Bun.sleep(50);
      await Bun.sleep(300);
      const t0 = Date.now();
      child.kill(sig);
      const killer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      const code = await exited;
      clearTimeout(killer);
      expect(Date.now() - t0).toBeLessThan(10_000);
      expect(code).toBe(254);
      const out = readFileSync(outFile, "utf8");
      // status, {"zipfile": N}, then the base64 with eof right after its last character.
      const tail = lastLines(out, 3);
      expect(tail[0]).toEqual({ status: "canceled", runner_ident: "17" });
      expect(tail[1]).toHaveProperty("zipfile");
      expect(out.endsWith('{"eof": true}\n')).toBe(true);
      expect(realProcess(out, join(work, `proc-${sig}`)).status).toBe("canceled");
      const left = spawnSync("pgrep", ["-f", marker], { encoding: "utf8" });
      expect(left.stdout.trim()).toBe("");
    }, 60_000);
  }

  test("job_timeout ends the job with status timeout and rc 254", () => {
    writeFileSync(join(src, "env", "cmdline"), "all");
    const pdd = join(work, "job-timeout");
    rmSync(join(work, "src-timeout"), { recursive: true, force: true });
    const srcT = join(work, "src-timeout");
    spawnSync("cp", ["-a", src, srcT]);
    writeFileSync(join(srcT, "env", "settings"), '{"job_timeout": 1, "suppress_output_file": true}');
    const t0 = Date.now();
    const run = ftl2Worker(transmitAwxJob(srcT, pdd, awxKwargs(pdd, "shell", "sleep 20")), pdd);
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(run.rc).toBe(254);
    expect(streamLines(run.out).pop()).toEqual({ status: "timeout", runner_ident: "17" });
    const p = realProcess(run.out, join(work, "proc-timeout"));
    expect(p.status).toBe("timeout");
    expect(p.rc).toBe("254");
  }, 60_000);
});

describe("bad jobs: an error status with the reason, then eof; nothing outside the private data dir", () => {
  const cases: [string, (pdd: string) => Record<string, unknown>, RegExp, ((dir: string) => void)?][] = [
    ["unknown kwarg", (pdd) => ({ ...awxKwargs(pdd, "ping", ""), bogus_option: 1 }), /unknown kwarg 'bogus_option'/],
    ["playbook job", (pdd) => ({ ident: 3, playbook: "site.yml", inventory: join(pdd, "inventory", "hosts") }), /playbook jobs run an ftl2 script, and there is none/],
    ["unbalanced quote in env/cmdline", (pdd) => awxKwargs(pdd, "ping", ""), /env\/cmdline is not a valid shell command line/, (d) => writeFileSync(join(d, "env", "cmdline"), "-u 'root all")],
    ["env/settings that is not a mapping", (pdd) => awxKwargs(pdd, "ping", ""), /env\/settings must hold a mapping/, (d) => writeFileSync(join(d, "env", "settings"), "[1, 2]")],
    ["job_timeout that is not a number", (pdd) => awxKwargs(pdd, "ping", ""), /job_timeout must be a non-negative number/, (d) => writeFileSync(join(d, "env", "settings"), '{"job_timeout": "soon"}')],
    ["password pattern that is not a regex", (pdd) => ({ ...awxKwargs(pdd, "ping", ""), passwords: { "SSH password:(": "x" } }), /passwords: .* is not a valid regular expression/],
  ];
  for (const [name, kwargs, explanation, setup] of cases) {
    test(name, () => {
      const base = join(work, `bad-${name.replace(/\W+/g, "-")}`);
      rmSync(base, { recursive: true, force: true });
      mkdirSync(base);
      const srcB = join(base, "src");
      spawnSync("cp", ["-a", src, srcB]);
      writeFileSync(join(srcB, "env", "cmdline"), "all");
      setup?.(srcB);
      const pdd = join(base, "pdd");
      const stream = transmitAwxJob(srcB, pdd, kwargs(pdd));
      const run = ftl2Worker(stream, pdd);
      expect(run.rc).toBe(0);
      const lines = run.out.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.length).toBe(2);
      expect(lines[0]?.status).toBe("error");
      expect(String(lines[0]?.job_explanation)).toMatch(explanation);
      expect(lines[1]).toEqual({ eof: true });
      expect(readdirSync(base).sort()).toEqual(["pdd", "src"]);
      expect(readdirSync(work).filter((f) => f.startsWith("ansible") || f.startsWith("artifacts"))).toEqual([]);
    }, 60_000);
  }
});

test("a kwargs-only stream naming an inventory the worker does not have: error status", () => {
  const pdd = join(work, "kwargs-only");
  mkdirSync(pdd, { recursive: true });
  const stream = `{"kwargs": {"ident": 4, "module": "ping", "inventory": "/nonexistent/ftl2/hosts"}}\n{"eof": true}\n`;
  const run = ftl2Worker(Buffer.from(stream), pdd);
  expect(run.rc).toBe(0);
  expect(run.out).toBe(
    '{"status": "error", "job_explanation": "inventory /nonexistent/ftl2/hosts does not exist"}\n{"eof": true}\n',
  );
});

test("garbage, truncated and empty input: the real worker's error status line, then eof", () => {
  const pdd = join(work, "garbage");
  const parse = '{"status": "error", "job_explanation": "Failed to JSON parse a line from transmit stream."}\n{"eof": true}\n';
  for (const input of ["this is not json\n", '{"kwargs": {"module": "ping"}}\n', ""]) {
    const run = ftl2Worker(Buffer.from(input), pdd);
    expect(run.rc).toBe(0);
    expect(run.out).toBe(parse);
  }
  const badZip = ftl2Worker(Buffer.from('{"kwargs": {"module": "ping"}}\n{"zipfile": 4}\nAAAAAA=={"eof": true}\n'), pdd);
  const first = JSON.parse(badZip.out.split("\n")[0] as string) as Record<string, unknown>;
  expect(first.status).toBe("error");
  expect(first.job_explanation).toBe("Failed to extract private data directory on worker.");
  expect(badZip.out.endsWith('{"eof": true}\n')).toBe(true);
});

describe("worker --worker-info and --version", () => {
  test("worker-info is YAML that Python's yaml.safe_load reads, with what AWX needs", () => {
    const home = mkdtempSync(join(work, "home-"));
    const r = spawnSync(runnerBin, ["worker", "--worker-info"], { env: { ...process.env, HOME: home }, encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
    const py = spawnSync(PY, ["-c", "import sys, yaml, json; print(json.dumps(yaml.safe_load(sys.stdin.read())))"], { input: r.stdout, encoding: "utf8" });
    const info = JSON.parse(py.stdout) as Record<string, unknown>;
    expect(info.runner_version).toBe("2.3.1");
    expect(typeof info.mem_in_bytes).toBe("number");
    expect(info.cpu_count).toBe(navigator.hardwareConcurrency);
    expect(info.errors).toEqual([]);
    expect(String(info.uuid)).toBe(readFileSync(join(home, ".ansible_runner_uuid"), "utf8").trim());
  });

  test("ansible-runner --version answers as the runner it replaces", () => {
    const r = spawnSync(runnerBin, ["--version"], { encoding: "utf8" });
    expect(r.stdout).toBe(spawnSync("ansible-runner", ["--version"], { encoding: "utf8" }).stdout);
  });

  test("an unsupported ansible-runner command is an argparse error, exit 2", () => {
    const r = spawnSync(runnerBin, ["run", "/tmp/x", "-m", "ping"], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("'run' is not supported by ftl2");
  });
});




