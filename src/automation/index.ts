// Public face of automation/ (the scripting API): `automation()`, the error fail-fast throws, Secret, and the
// types scripts are checked against (the module types add nothing to the binary: they are types only).
export { automation } from "./_automation.ts";
export { AutomationFailedError } from "./_results.ts";
export { Secret } from "../secret.ts";
export { FtlError } from "../errors.ts";
// For the front doors (ftl2 run, worker script jobs); not part of the `ftl2` module scripts import.
export { callScript, loadScript, registerScriptModule, scriptError, setScriptAutomation, type LoadedScript } from "./_script.ts";
export type {
  AutomationContext, AutomationOptions, BecomeOptions, CallOptions, Ftl, HostResult, HostResults, HostSpec,
  InventoryInput, LocalTarget, ModuleCall, ModuleMethods, RunScript, ScriptRunner, Target, WorkerScript,
} from "./_types.ts";
export type {
  BuiltinModules, CommonResult, ModuleArgs, ModuleFreeForm, ModuleInput, ModuleName, ModuleResult, ShortModuleName,
  UnknownModuleArgs, UnknownModuleResult,
} from "./_module-types.ts";
export type * from "./_modules.gen.ts";
