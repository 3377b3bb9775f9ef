// Public face of automation/ (the scripting API). So far the module types it checks calls with: they are
// types only, so importing them adds nothing to the binary.
export type {
  BuiltinModules, CommonResult, ModuleArgs, ModuleFreeForm, ModuleInput, ModuleName, ModuleResult, ShortModuleName,
  UnknownModuleArgs, UnknownModuleResult,
} from "./_module-types.ts";
export type * from "./_modules.gen.ts";
