// dist/ftl2.dts: the scripting API's declarations (src/automation/_public.ts and the types it reaches) bundled
// by tsc into one file, its inner modules renamed under "ftl2/_/" so they cannot clash with a user's own module
// names, ending with `declare module "ftl2"`. The binary embeds it; `ftl2 types` writes it next to a script.
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const ENTRY = "automation/_public";

export function buildDts(root: string, outPath: string): void {
  // tsc names the declaration file after --outFile with .d.ts for its extension.
  const outFile = outPath.replace(/\.d\.ts$|\.dts$/, "") + ".tsc-out.js";
  const raw = outFile.replace(/\.js$/, ".d.ts");
  const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
  const proc = Bun.spawnSync(
    [
      process.execPath, tsc, "--declaration", "--emitDeclarationOnly", "--outFile", outFile, "--module", "amd",
      "--target", "esnext", "--moduleResolution", "node10", "--allowImportingTsExtensions", "--strict", "--skipLibCheck",
      "--lib", "esnext", "--rootDir", join(root, "src"), join(root, "src", "automation", "_public.ts"),
    ],
    { cwd: root, stdout: "pipe", stderr: "pipe" },
  );
  if (proc.exitCode !== 0) {
    rmSync(raw, { force: true });
    throw new Error(`tsc could not emit the scripting API's declarations:\n${proc.stdout.toString()}${proc.stderr.toString()}`);
  }
  const text = readFileSync(raw, "utf8");
  rmSync(raw);
  const names = [...text.matchAll(/^declare module "([^"]+)"/gm)].map((m) => m[1]!);
  if (!names.includes(ENTRY)) throw new Error(`tsc emitted no module ${ENTRY} (got ${names.join(", ")})`);
  const inner = new Set(names);
  const renamed = text.replace(/(declare module |from |import\()"([^"]+)"/g, (all, lead: string, name: string) =>
    inner.has(name) ? `${lead}"ftl2/_/${name}"` : all,
  );
  const header =
    "// Declarations of ftl2's scripting API, written by `ftl2 types`. Keep this file next to your scripts (or in\n" +
    "// your tsconfig's include) so `import { automation, type Ftl } from \"ftl2\"` is checked by your editor.\n";
  const out = `${header}${renamed}declare module "ftl2" {\n    export * from "ftl2/_/${ENTRY}";\n}\n`;
  writeFileSync(outPath + ".tmp", out);
  renameSync(outPath + ".tmp", outPath);
}
