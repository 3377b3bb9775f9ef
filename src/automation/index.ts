// Public face of automation/ (the scripting API): `automation()`, the error fail-fast throws, Secret, FtlError,
// and the types scripts are checked against (types only: they add nothing to the binary).
export { automation } from "./_automation.ts";
export { AutomationFailedError } from "./_results.ts";
export { Secret } from "../secret.ts";
export { FtlError } from "../errors.ts";
// For the front doors (ftl2 run, worker script jobs); not part of the `ftl2` module scripts import.
export {
  FRONT_DOOR_EXPORTS, callScript, loadScript, registerScriptModule, scriptError, setScriptAutomation, type LoadedScript,
} from "./_script.ts";
export { Masker } from "./_mask.ts";
// Every type of the script-facing API (the declarations `ftl2 types` writes); the runtime values above win over
// _public.ts's declared ones of the same names.
export type * from "./_public.ts";
