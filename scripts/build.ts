// `npm run build`: gate/ -> dist/ftl_gate.pyz (deterministic), src/automation/_public.ts -> dist/ftl2.d.ts, then
// `bun build --compile` -> dist/ftl2 with both embedded as assets and the version and gate hash defined at
// compile time.
import { mkdirSync, writeFileSync, renameSync } from "node:fs";
import { join } from "node:path";
import { buildDts } from "./build-dts.ts";
import { buildPyz } from "./build-pyz.ts";
import pkg from "../package.json" with { type: "json" };

const root = join(import.meta.dir, "..");
const dist = join(root, "dist");
mkdirSync(dist, { recursive: true });

const pyz = buildPyz(join(root, "gate"));
const pyzPath = join(dist, "ftl_gate.pyz");
writeFileSync(pyzPath + ".tmp", pyz.bytes);
renameSync(pyzPath + ".tmp", pyzPath);
writeFileSync(join(dist, "ftl_gate.sha256"), pyz.sha256 + "\n");
console.log(`gate: ${pyz.files.length} files, ${pyz.bytes.length} bytes, sha256 ${pyz.sha256}`);

// The scripting API's declarations, embedded for `ftl2 types` (as .dts: bun would parse a .d.ts entry as code).
const dtsPath = join(dist, "ftl2.dts");
buildDts(root, dtsPath);
console.log(`declarations: ${dtsPath}`);

const outfile = join(dist, "ftl2");
const proc = Bun.spawnSync(
  [
    process.execPath, "build", "--compile", "--bytecode", "--minify-syntax", "--minify-whitespace",
    // JavaScriptCore's tier-up thresholds x100: an ad-hoc run's code runs a few times per host, and compiling it
    // cost more CPU than it saved (100 hosts over ssh: controller CPU -25%, wall -3%; docs/benchmarks.md).
    // A user's script gets the normal policy back (src/automation/_script.ts).
    "--compile-jit-policy=100",
    // The binary reads no .env and no bunfig.toml from the directory it is run in: ansible reads neither, a .env
    // would leak into every run's environment and a bunfig.toml's preload would run code (test/e2e/binary.test.ts).
    // Bun would also list every directory from / down to the cwd to look for them (13 ms under an 8000-entry /tmp).
    "--no-compile-autoload-dotenv", "--no-compile-autoload-bunfig",
    "--asset-naming=[name].[ext]",
    "--define", `FTL2_VERSION=${JSON.stringify(pkg.version)}`,
    "--define", `FTL2_GATE_SHA256=${JSON.stringify(pyz.sha256)}`,
    join(root, "src", "main.ts"), pyzPath, dtsPath,
    "--outfile", outfile + ".tmp",
  ],
  { cwd: root, stdout: "inherit", stderr: "inherit" },
);
if (proc.exitCode !== 0) {
  console.error(`bun build --compile failed (exit ${proc.exitCode})`);
  process.exit(1);
}
renameSync(outfile + ".tmp", outfile);
console.log(`built ${outfile}`);
