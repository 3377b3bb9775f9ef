#!/usr/bin/env node
// Runs the real Bun binary shipped inside the npm package `@oven/bun-<platform>-<arch>`.
// With --ignore-scripts, node_modules/.bin/bun is only a placeholder, so we locate the binary ourselves.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const arch = process.arch === "arm64" ? "aarch64" : process.arch;
const candidates = [
  join(root, "node_modules", "@oven", `bun-${process.platform}-${arch}`, "bin", "bun"),
  join(root, "node_modules", "@oven", `bun-${process.platform}-${arch}-baseline`, "bin", "bun"),
];
const bun = candidates.find((p) => existsSync(p));
if (!bun) {
  process.stderr.write(`ftl2: no Bun binary under node_modules/@oven; run 'npm ci --ignore-scripts' first\n`);
  process.exit(1);
}
if (process.argv[2] === "--path") {
  process.stdout.write(bun + "\n");
  process.exit(0);
}
const r = spawnSync(bun, process.argv.slice(2), { stdio: "inherit", cwd: process.cwd() });
process.exit(r.status ?? 1);
