// Reads a zip's central directory and entries (stored or deflated, CRC checked), as Python's zipfile reads
// the stream's zips. ZIP64 and encrypted entries are refused: stream_dir never makes them below 2 GiB.
import { inflateRawSync } from "node:zlib";
import { crc32 } from "./_zip-directory.ts";

export interface ZipEntry {
  name: string;
  /** external_attr >> 16: the Unix mode, file type bits included. */
  mode: number;
  /** Local time fields as zipfile's date_time. */
  date: [number, number, number, number, number, number];
  read(): Uint8Array;
}

export class ZipFormatError extends Error {}

const CP437_HIGH =
  "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0";

function decodeName(bytes: Uint8Array, utf8: boolean): string {
  if (utf8) return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  let s = "";
  for (const b of bytes) s += b < 0x80 ? String.fromCharCode(b) : CP437_HIGH[b - 0x80];
  return s;
}

export function readZip(zip: Uint8Array): ZipEntry[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  let end = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new ZipFormatError("File is not a zip file");
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  if (count === 0xffff || at === 0xffffffff) throw new ZipFormatError("ZIP64 archives are not supported");
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (at + 46 > zip.length || view.getUint32(at, true) !== 0x02014b50) throw new ZipFormatError("Bad magic number for central directory");
    const flags = view.getUint16(at + 8, true);
    const method = view.getUint16(at + 10, true);
    const time = view.getUint16(at + 12, true);
    const day = view.getUint16(at + 14, true);
    const crc = view.getUint32(at + 16, true);
    const packed = view.getUint32(at + 20, true);
    const size = view.getUint32(at + 24, true);
    const nameLen = view.getUint16(at + 28, true);
    const extraLen = view.getUint16(at + 30, true);
    const commentLen = view.getUint16(at + 32, true);
    const mode = view.getUint32(at + 38, true) >>> 16;
    const offset = view.getUint32(at + 42, true);
    const name = decodeName(zip.subarray(at + 46, at + 46 + nameLen), (flags & 0x800) !== 0);
    if (flags & 1) throw new ZipFormatError(`${name}: encrypted entries are not supported`);
    if (method !== 0 && method !== 8) throw new ZipFormatError(`${name}: compression method ${method} is not supported`);
    at += 46 + nameLen + extraLen + commentLen;
    entries.push({
      name,
      mode,
      date: [(day >> 9) + 1980, (day >> 5) & 15, day & 31, time >> 11, (time >> 5) & 63, (time & 31) * 2],
      read: () => {
        if (offset + 30 > zip.length || view.getUint32(offset, true) !== 0x04034b50) throw new ZipFormatError(`${name}: bad magic number for file header`);
        const start = offset + 30 + view.getUint16(offset + 26, true) + view.getUint16(offset + 28, true);
        if (start + packed > zip.length) throw new ZipFormatError(`${name}: truncated entry`);
        const body = zip.subarray(start, start + packed);
        let data: Uint8Array;
        try {
          data = method === 0 ? body : new Uint8Array(inflateRawSync(body));
        } catch (e) {
          throw new ZipFormatError(`${name}: ${e instanceof Error ? e.message : String(e)}`);
        }
        if (data.length !== size || (size ? crc32(data) : 0) !== crc) throw new ZipFormatError(`Bad CRC-32 for file '${name}'`);
        return data;
      },
    });
  }
  return entries;
}
