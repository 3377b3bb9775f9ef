// Public face of events/: engine event types, the bus, and Python-compatible JSON text.
export type {
  EngineEvent, EventListener, HostStatus, ModuleCompleteEvent, ModuleStartEvent, RunCompleteEvent, RunStartEvent, RunStats,
} from "./_types.ts";
export { EventBus } from "./_bus.ts";
export { PyFloat, pyJsonDumps, pyFloat, pyString, comparePyStrings } from "./_py-json.ts";
export type { PyJsonOptions } from "./_py-json.ts";
