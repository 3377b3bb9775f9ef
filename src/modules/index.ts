// Public face of modules/: native modules, argument validation and Ansible module resolution.
export type { ModuleContext, ModuleParams, ModuleResult, ModuleSpec, NativeModule, ArgSpec } from "./_types.ts";
export { validateArgs, toBool } from "./_argspec.ts";
export { runNativeModule, defaultModuleContext } from "./_run-native.ts";
