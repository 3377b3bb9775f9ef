// Public face of modules/: native modules, argument validation and Ansible module resolution.
export type { ModuleContext, ModuleParams, ModuleResult, ModuleSpec, NativeModule, ArgSpec } from "./_types.ts";
export { validateArgs, toBool } from "./_argspec.ts";
export { runNativeModule, defaultModuleContext } from "./_run-native.ts";
export { parseModuleArgs, isFreeFormModule, normalizeCmdArg } from "./_parse-kv.ts";
export { prepareModule, ensureResolved } from "./_prepare.ts";
export type { PreparedModule, PrepareOptions } from "./_prepare.ts";
export { buildModuleBundle } from "./_bundle.ts";
export type { ModuleBundle, BundleOptions } from "./_bundle.ts";
