// Engine events that every front door can subscribe to: the CLI prints from them, the worker turns them into
// ansible-runner events, the scripting API hands them to `onEvent`.
/** A module's JSON result (events/ sits below modules/, so it names the shape, not the type). */
export type ResultObject = Record<string, unknown>;

export type HostStatus = "ok" | "changed" | "failed" | "unreachable" | "skipped";

export interface RunStartEvent {
  type: "run_start";
  runId: string;
  pattern: string;
  module: string;
  args: Record<string, unknown>;
  hosts: readonly string[];
  checkMode: boolean;
  timestamp: Date;
}

export interface ModuleStartEvent {
  type: "module_start";
  runId: string;
  module: string;
  host: string;
  checkMode: boolean;
  timestamp: Date;
}

export interface ModuleCompleteEvent {
  type: "module_complete";
  runId: string;
  module: string;
  host: string;
  status: HostStatus;
  success: boolean;
  changed: boolean;
  result: ResultObject;
  error?: string;
  startedAt: Date;
  endedAt: Date;
  durationMs: number;
}

export interface RunStats {
  ok: Record<string, number>;
  changed: Record<string, number>;
  failures: Record<string, number>;
  dark: Record<string, number>;
  skipped: Record<string, number>;
  rescued: Record<string, number>;
  ignored: Record<string, number>;
  processed: Record<string, number>;
}

export interface RunCompleteEvent {
  type: "run_complete";
  runId: string;
  stats: RunStats;
  canceled: boolean;
  timestamp: Date;
}

export type EngineEvent = RunStartEvent | ModuleStartEvent | ModuleCompleteEvent | RunCompleteEvent;
export type EventListener = (event: EngineEvent) => void;
