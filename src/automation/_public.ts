// The scripting API as a script sees it, declarations only: `ftl2 types` writes these (bundled into one
// `declare module "ftl2"` file at build time) so an editor checks scripts that the binary runs. Nothing here is
// runtime code; test/unit/automation/public-types.test.ts proves the real exports are assignable to these.
import { FtlError } from "../errors.ts";
import type { AutomationOptions, Ftl, HostResult } from "./_types.ts";

export type {
  AutomationContext, AutomationOptions, BecomeOptions, CallOptions, Ftl, HostResult, HostResults, HostSpec,
  InventoryInput, LocalTarget, ModuleCall, ModuleMethods, RunScript, ScriptRunner, Target, WorkerScript,
} from "./_types.ts";
export type {
  BuiltinModules, CommonResult, ModuleArgs, ModuleFreeForm, ModuleInput, ModuleName, ModuleResult, ShortModuleName,
  UnknownModuleArgs, UnknownModuleResult,
} from "./_module-types.ts";
export type * from "./_modules.gen.ts";
export type { EngineEvent, HostStatus, ModuleCompleteEvent, ModuleStartEvent, RunCompleteEvent, RunStartEvent, RunStats } from "../events/_types.ts";
export type { ErrorCode } from "../errors.ts";
export { FtlError } from "../errors.ts";
export { Secret } from "../secret.ts";

/** Opens a context over the engine: `await using ftl = await automation({ inventory: "hosts.ini" })`. */
export declare function automation(options?: AutomationOptions): Promise<Ftl>;

/** Thrown by a call under fail-fast when a host failed or was unreachable; `results` holds every host that ran. */
export declare class AutomationFailedError extends FtlError {
  readonly results: HostResult[];
  readonly module: string;
  readonly pattern: string;
  constructor(module: string, pattern: string, results: HostResult[]);
}
