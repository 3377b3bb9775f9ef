// Version and embedded-gate identity. `scripts/build.ts` defines FTL2_VERSION and FTL2_GATE_SHA256 at
// compile time; running from source, they come from package.json and dist/ftl_gate.sha256.
import { readFileSync } from "node:fs";
import { join } from "node:path";

declare const FTL2_VERSION: string | undefined;
declare const FTL2_GATE_SHA256: string | undefined;

function fromSource(file: string, pick: (text: string) => string): string | undefined {
  try {
    return pick(readFileSync(join(import.meta.dir, "..", file), "utf8"));
  } catch {
    return undefined;
  }
}

export const VERSION: string =
  typeof FTL2_VERSION === "string" ? FTL2_VERSION : (fromSource("package.json", (t) => JSON.parse(t).version as string) ?? "0.0.0");

export function gateSha256(): string {
  if (typeof FTL2_GATE_SHA256 === "string") return FTL2_GATE_SHA256;
  return fromSource("dist/ftl_gate.sha256", (t) => t.trim()) ?? "unbuilt";
}

export function isCompiled(): boolean {
  return typeof FTL2_GATE_SHA256 === "string";
}

export function versionText(): string {
  return [
    `ftl2 ${VERSION}`,
    `  gate sha256 = ${gateSha256()}`,
    `  executable location = ${process.execPath}`,
    `  bun version = ${Bun.version}`,
  ].join("\n") + "\n";
}
