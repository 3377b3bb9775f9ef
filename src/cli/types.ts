// `ftl2 types [DIR]`: writes ftl2.d.ts (the scripting API's declarations, embedded in the binary at build time)
// into DIR (default: the current directory), so an editor checks scripts that `ftl2 run` and the worker run.
// Written atomically (temp file, rename); an existing ftl2.d.ts is replaced, any other file is left alone.
import { renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { EXIT } from "../adhoc/index.ts";
import { FtlError, errorMessage } from "../errors.ts";
import type { CliIO } from "./_io.ts";

const NAME = "ftl2.d.ts";
/** The asset's name in the binary and in dist/ (scripts/build.ts). */
const ASSET = "ftl2.dts";
const USAGE = (prog: string) =>
  `usage: ${prog} types [-h] [DIR]\n\nWrite ${NAME}, the scripting API's TypeScript declarations, into DIR (default: .).\n` +
  `Keep it in your tsconfig's include (or next to your scripts) so \`import { automation, type Ftl } from "ftl2"\` is checked.\n`;

/** The embedded declarations, or dist/ftl2.dts when running from source. */
export async function readDeclarations(): Promise<string> {
  const embedded = Bun.embeddedFiles.find((f) => (f as Blob & { name?: string }).name === ASSET);
  if (embedded) return await embedded.text();
  const path = join(import.meta.dir, "..", "..", "dist", ASSET);
  try {
    return await readFile(path, "utf8");
  } catch {
    throw new FtlError("INTERNAL", `the declarations are not built (${path} is missing)`, { hint: "run `npm run build`" });
  }
}

export async function runTypesCommand(io: CliIO): Promise<number> {
  const args = io.argv.slice(1);
  if (args.includes("-h") || args.includes("--help")) {
    io.stdout.write(USAGE(io.argv0));
    return EXIT.OK;
  }
  const bad = args.find((a) => a.startsWith("-"));
  if (bad !== undefined || args.length > 1) {
    io.stderr.write(`${USAGE(io.argv0).split("\n")[0]}\n${io.argv0} types: error: ${bad !== undefined ? `unrecognized arguments: ${bad}` : `unrecognized arguments: ${args.slice(1).join(" ")}`}\n`);
    return EXIT.ARGPARSE;
  }
  const dir = resolve(io.cwd, args[0] ?? ".");
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    // reported below
  }
  if (!isDir) {
    io.stderr.write(`ERROR! ${dir} is not a directory (hint: create it first, or name an existing one)\n`);
    return EXIT.ERROR;
  }
  const out = join(dir, NAME);
  const tmp = join(dir, `.${NAME}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, await readDeclarations(), { mode: 0o644 });
    renameSync(tmp, out);
  } catch (e) {
    rmSync(tmp, { force: true });
    io.stderr.write(`ERROR! could not write ${out}: ${errorMessage(e)}\n`);
    return EXIT.ERROR;
  }
  io.stdout.write(`wrote ${out}\n`);
  return EXIT.OK;
}
