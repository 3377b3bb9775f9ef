// The transmitter side (ansible-runner's Transmitter): the kwargs line, the private data dir as a zip (left out
// when kwargs says only_transmit_kwargs), then eof. Worker input layout: see _worker-input.ts.
import { resolve } from "node:path";
import { StreamWriter } from "./_stream-writer.ts";
import { zipDirectory } from "./_zip-directory.ts";

export async function transmit(
  privateDataDir: string,
  kwargs: Record<string, unknown>,
  write: (chunk: string | Uint8Array) => void,
): Promise<void> {
  const { only_transmit_kwargs: onlyKwargs, ...rest } = kwargs;
  const out = new StreamWriter(write);
  out.line({ kwargs: rest });
  if (!onlyKwargs) out.zipfile(await zipDirectory(resolve(privateDataDir)));
  out.eof();
}
