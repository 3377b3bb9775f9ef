// PlaybookPrinter's banners when a script runs calls at the same time: every order the engine can deliver the
// events in (results of overlapping calls interleave, and a call may finish before an earlier one reports) gives
// one banner per module for overlapping calls and never a banner without a result under it.
import { expect, test } from "bun:test";
import { PlaybookPrinter } from "../../../src/cli/_playbook-printer.ts";
import type { CliIO } from "../../../src/cli/_io.ts";
import type { EngineEvent } from "../../../src/events/index.ts";
import { emptyStats } from "../../../src/executor/index.ts";

function printer(): { p: PlaybookPrinter; out: string[] } {
  const out: string[] = [];
  const stream = { write: (t: string) => void out.push(t), isTTY: false, columns: 80 };
  const io = { argv: [], argv0: "ftl2", env: { ANSIBLE_NOCOLOR: "1" }, cwd: "/", stdout: stream, stderr: stream, onSignal: () => () => {} } as unknown as CliIO;
  return { p: new PlaybookPrinter(io, 0), out };
}

const t = new Date(0);
const start = (runId: string, module: string): EngineEvent => ({ type: "run_start", runId, pattern: "x", module, args: {}, hosts: [], checkMode: false, timestamp: t });
const done = (runId: string, module: string, host: string): EngineEvent => ({
  type: "module_complete", runId, module, host, status: "ok", success: true, changed: false, result: {}, startedAt: t, endedAt: t, durationMs: 1,
});
const end = (runId: string): EngineEvent => ({ type: "run_complete", runId, stats: emptyStats(), canceled: false, timestamp: t });

function render(events: EngineEvent[]): string[] {
  const { p, out } = printer();
  for (const e of events) p.onEvent(e);
  return out.join("").trim().split("\n").filter((l) => l !== "").map((l) => l.replace(/ \*+$/, ""));
}

test("overlapping calls of one module share one banner, whichever finishes first", () => {
  const orders: EngineEvent[][] = [
    [start("1", "stat"), start("2", "stat"), start("3", "stat"), done("3", "stat", "w3"), end("3"), done("1", "stat", "w1"), end("1"), done("2", "stat", "w2"), end("2")],
    [start("1", "stat"), start("2", "stat"), done("1", "stat", "w1"), end("1"), done("2", "stat", "w2"), end("2")],
    [start("1", "stat"), start("2", "stat"), done("2", "stat", "w2"), done("1", "stat", "w1"), end("1"), end("2")],
  ];
  for (const events of orders) {
    const lines = render(events);
    expect(lines.filter((l) => l.startsWith("TASK"))).toEqual(["TASK [stat]"]);
    expect(lines.filter((l) => l.startsWith("ok:")).sort()).toEqual(events.filter((e) => e.type === "module_complete").map((e) => `ok: [${(e as { host: string }).host}]`).sort());
  }
});

test("another module, or the same module called again later, gets its own banner; no banner stands empty", () => {
  const lines = render([
    start("1", "ping"), start("2", "command"), done("2", "command", "w2"), done("1", "ping", "w1"), end("1"), end("2"),
    start("3", "ping"), done("3", "ping", "w1"), end("3"),
  ]);
  expect(lines).toEqual(["TASK [command]", "ok: [w2]", "TASK [ping]", "ok: [w1]", "TASK [ping]", "ok: [w1]"]);
});
