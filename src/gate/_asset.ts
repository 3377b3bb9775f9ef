// The gate zipapp's bytes. In the compiled binary it is an embedded asset (a /$bunfs path other processes
// cannot open, so callers stream these bytes); from source it is dist/ftl_gate.pyz built by `npm run build`.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { FtlError } from "../errors.ts";

const NAME = "ftl_gate.pyz";

let cached: Promise<Uint8Array> | undefined;

/** Read once per process: every host's gate start needs the same bytes (its size, and the upload when missing). */
export function readGatePyz(): Promise<Uint8Array> {
  cached ??= loadGatePyz();
  cached.catch(() => (cached = undefined));
  return cached;
}

async function loadGatePyz(): Promise<Uint8Array> {
  const embedded = Bun.embeddedFiles.find((f) => (f as Blob & { name?: string }).name === NAME);
  if (embedded) return new Uint8Array(await embedded.arrayBuffer());
  const path = join(import.meta.dir, "..", "..", "dist", NAME);
  try {
    return new Uint8Array(await readFile(path));
  } catch {
    throw new FtlError("INTERNAL", `the gate zipapp is not built (${path} is missing)`, { hint: "run `npm run build`" });
  }
}
