// The worker's stdin, as transmit writes it and as the real Worker.run reads it:
//   {"kwargs": {...}}\n                      the job (the last one wins)
//   {"zipfile": N}\n + base64 (4*ceil(N/3))  the private data dir, optional
//   {"eof": true}\n                          end; anything after it is not read
// Other JSON objects are skipped. A line that is not JSON, or input ending before eof, is the real worker's
// "Failed to JSON parse a line from transmit stream."; a bad zip body is "Failed to extract private data
// directory on worker.". Where the real worker crashes with a Python traceback instead (no kwargs line, a line
// that is JSON but not an object), this reader reports a status error in the same form.
import { readBase64Body } from "./_base64.ts";
import { ByteReader } from "./_byte-reader.ts";
import { isObject, parseJsonLine } from "./_json-line.ts";
import { EXTRACT_FAILED, StreamInputError, TRANSMIT_PARSE_FAILED } from "./_stream-error.ts";

export interface WorkerInput {
  kwargs: Record<string, unknown>;
  zip?: Uint8Array;
}

export const NO_KWARGS = "Transmit stream has no kwargs line.";
export const BAD_KWARGS = "Transmit stream kwargs is not a JSON object.";

export async function readWorkerInput(src: AsyncIterable<Uint8Array>): Promise<WorkerInput> {
  const reader = new ByteReader(src);
  let kwargs: unknown;
  let zip: Uint8Array | undefined;
  for (;;) {
    const line = await reader.readLine();
    const data = line === null ? undefined : parseJsonLine(line);
    if (!isObject(data)) throw new StreamInputError(TRANSMIT_PARSE_FAILED);
    if ("kwargs" in data) kwargs = data.kwargs;
    else if ("zipfile" in data) {
      try {
        zip = await readBase64Body(reader, data.zipfile as number);
      } catch (e) {
        throw new StreamInputError(EXTRACT_FAILED, e instanceof Error ? e.message : String(e));
      }
    } else if ("eof" in data) break;
  }
  if (kwargs === undefined) throw new StreamInputError(NO_KWARGS);
  if (!isObject(kwargs)) throw new StreamInputError(BAD_KWARGS);
  return zip ? { kwargs, zip } : { kwargs };
}

/**
 * Worker.update_paths: `inventory` and `envvars.ANSIBLE_ROLES_PATH` are relative to the private data dir
 * (roles path under `roles/`); returns a copy.
 */
export function resolveKwargPaths(kwargs: Record<string, unknown>, privateDataDir: string): Record<string, unknown> {
  const out = { ...kwargs };
  if (isObject(out.envvars) && Object.keys(out.envvars).length && "ANSIBLE_ROLES_PATH" in out.envvars) {
    out.envvars = { ...out.envvars, ANSIBLE_ROLES_PATH: pyJoin(pyJoin(privateDataDir, "roles"), String(out.envvars.ANSIBLE_ROLES_PATH)) };
  }
  if (typeof out.inventory === "string" && out.inventory) out.inventory = pyJoin(privateDataDir, out.inventory);
  return out;
}

/** os.path.join: an absolute second part replaces the first. */
function pyJoin(a: string, b: string): string {
  if (b.startsWith("/")) return b;
  return a.endsWith("/") ? a + b : `${a}/${b}`;
}
