// Public face of output/: what ansible's callbacks print, shared by the CLI and (next) the worker's stream.
export { COLORS, stringc, textWrap, columnsFor, formatWarning, formatError, type ColorName } from "./_display.ts";
export { cleanCopy, CENSORED } from "./_clean.ts";
export { abridgeResult, dumpResult } from "./_dump.ts";
export { isNoJsonAction, type DisplayLine, type HostEventView } from "./_lines.ts";
export { minimalLines } from "./_minimal.ts";
export { onelineLines } from "./_oneline.ts";
export { bannerLine, taskBanner, playbookHostLines, recapLines } from "./_playbook.ts";
