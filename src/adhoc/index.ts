// Public face of adhoc/: the ad-hoc job shared by the CLI, the worker and the library API.
export { parseAdhocArgv, renderAdhocUsage, ADHOC_OPTIONS } from "./_argv.ts";
export type { OptionDef, ParsedArgv } from "./_argv.ts";
export { resolveAdhocOptions, expandHome } from "./_options.ts";
export type { AdhocOptions } from "./_options.ts";
export { planAdhoc, prepareAdhoc, runAdhoc } from "./_job.ts";
export type { AdhocIO, AdhocPlan, PreparedAdhoc, RunAdhocHooks } from "./_job.ts";
export { collectSecrets } from "./_secrets.ts";
export type { PromptSecret } from "./_secrets.ts";
export { EXIT, describeError, exitCodeForError } from "./_exit-codes.ts";
