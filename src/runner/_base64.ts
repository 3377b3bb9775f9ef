// The base64 body after a `{"zipfile": N}` line: exactly 4*ceil(N/3) base64 characters (whitespace between them
// skipped, as Base64IO does), decoded as they arrive into one N-byte buffer, so a large zip is never held twice.
// Base64 text is written in pieces whose size is a multiple of 3 bytes, so the pieces join without padding.
import type { ByteReader } from "./_byte-reader.ts";

const DECODE = new Int16Array(256).fill(-1);
"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".split("").forEach((c, i) => {
  DECODE[c.charCodeAt(0)] = i;
});
const PAD = 61; // '='
const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);

export class Base64Error extends Error {}

/** Reads the base64 text of `size` bytes from `reader` and returns the bytes; throws Base64Error on bad input. */
export async function readBase64Body(reader: ByteReader, size: number): Promise<Uint8Array> {
  if (!Number.isSafeInteger(size) || size < 0) throw new Base64Error(`zipfile size ${String(size)} is not a byte count`);
  const want = 4 * Math.ceil(size / 3);
  const out = new Uint8Array(size + 2);
  let seen = 0;
  let written = 0;
  let quad = 0;
  let inQuad = 0;
  let pads = 0;
  while (seen < want) {
    const chunk = await reader.readChunk();
    if (!chunk) throw new Base64Error(`input ended after ${seen} of ${want} base64 characters`);
    let i = 0;
    for (; i < chunk.length && seen < want; i++) {
      const c = chunk[i]!;
      if (isSpace(c)) continue;
      seen++;
      if (c === PAD) {
        if (seen < want - 1) throw new Base64Error(`padding '=' at base64 character ${seen}`);
        pads++;
        quad <<= 6;
        inQuad++;
      } else {
        const v = DECODE[c]!;
        if (v < 0 || pads) throw new Base64Error(`invalid base64 character ${JSON.stringify(String.fromCharCode(c))} at ${seen}`);
        quad = (quad << 6) | v;
        inQuad++;
      }
      if (inQuad === 4) {
        if (written + 3 - pads > out.length) throw new Base64Error(`more than ${size} bytes of base64 data`);
        out[written] = (quad >>> 16) & 0xff;
        if (pads < 2) out[written + 1] = (quad >>> 8) & 0xff;
        if (pads < 1) out[written + 2] = quad & 0xff;
        written += 3 - pads;
        quad = 0;
        inQuad = 0;
      }
    }
    if (i < chunk.length) reader.unread(chunk.subarray(i));
  }
  if (written < size) throw new Base64Error(`base64 data holds ${written} bytes, the zipfile line says ${size}`);
  return out.subarray(0, size);
}

/** Base64 of `data` in pieces of about `piece` characters, without line breaks. */
export function* encodeBase64(data: Uint8Array, piece = 1 << 20): Generator<string> {
  const step = Math.max(3, Math.floor((piece / 4) * 3) - (Math.floor((piece / 4) * 3) % 3));
  for (let at = 0; at < data.length; at += step) {
    yield Buffer.from(data.buffer, data.byteOffset + at, Math.min(step, data.length - at)).toString("base64");
  }
}
