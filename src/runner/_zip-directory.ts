// A directory zipped as ansible-runner's stream_dir zips it (Python's zipfile, os.walk): entries in directory
// order (not sorted), at each level files and links first, then directories; `name/` directory entries stored,
// files deflated, both with `st_mode << 16` (+0x10 for directories) and the local mtime; symlinks stored under
// `<dir>/<name>` (`./<name>` at the top) with mode 0o120777, date 1980-01-01 and the link target as content;
// FIFOs skipped. Only the deflate bytes differ from Python's (Bun's zlib is not zlib 1.2.13), so sizes can too.
import { lstatSync, readdirSync, readFileSync, readlinkSync, statSync, type Stats } from "node:fs";
import { join } from "node:path";
import { deflateRawSync } from "node:zlib";

const encoder = new TextEncoder();
const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

export function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

interface Entry {
  name: string;
  mode: number; // external_attr
  date: [number, number, number, number, number, number];
  data: Uint8Array;
  deflate: boolean;
}

const EPOCH_1980: Entry["date"] = [1980, 1, 1, 0, 0, 0];

/** zipfile's date_time from a mtime with strict_timestamps=False: local time, clamped to 1980..2107. */
function dateOf(mtimeMs: number): Entry["date"] {
  const d = new Date(Math.floor(mtimeMs / 1000) * 1000);
  const y = d.getFullYear();
  if (y < 1980) return EPOCH_1980;
  if (y > 2107) return [2107, 12, 31, 23, 59, 59];
  return [y, d.getMonth() + 1, d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds()];
}

function collect(root: string): Entry[] {
  const entries: Entry[] = [];
  const walk = (rel: string): void => {
    const abs = rel ? join(root, rel) : root;
    const files: string[] = [];
    const dirs: string[] = [];
    for (const name of readdirSync(abs)) {
      let isDir = false;
      try {
        isDir = statSync(join(abs, name)).isDirectory(); // os.walk's entry.is_dir() follows links
      } catch {
        isDir = false;
      }
      (isDir ? dirs : files).push(name);
    }
    for (const name of [...files, ...dirs]) {
      const full = join(abs, name);
      const st: Stats = lstatSync(full);
      if (st.isSymbolicLink()) {
        const target = encoder.encode(readlinkSync(full));
        entries.push({ name: `${rel || "."}/${name}`, mode: 0o120777 * 0x10000, date: EPOCH_1980, data: target, deflate: false });
        continue;
      }
      if (st.isFIFO() || st.isSocket()) continue;
      const arc = rel ? `${rel}/${name}` : name;
      const date = dateOf(st.mtimeMs);
      if (st.isDirectory()) {
        entries.push({ name: `${arc}/`, mode: ((st.mode & 0xffff) * 0x10000 + 0x10) >>> 0, date, data: new Uint8Array(0), deflate: false });
      } else {
        entries.push({ name: arc, mode: (st.mode & 0xffff) * 0x10000, date, data: readFileSync(full), deflate: true });
      }
    }
    for (const name of dirs) {
      if (!lstatSync(join(abs, name)).isSymbolicLink()) walk(rel ? `${rel}/${name}` : name);
    }
  };
  walk("");
  return entries;
}

/** The zip of `dir` as ansible-runner's stream_dir builds it. */
export async function zipDirectory(dir: string): Promise<Uint8Array> {
  return zipEntries(collect(dir));
}

function zipEntries(entries: Entry[]): Uint8Array {
  const chunks: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = encoder.encode(e.name);
    const flags = /[^\x00-\x7f]/.test(e.name) ? 0x800 : 0;
    const body = e.deflate ? new Uint8Array(deflateRawSync(e.data, { level: 6 })) : e.data;
    const [y, mo, d, h, mi, s] = e.date;
    const dosDate = ((y - 1980) << 9) | (mo << 5) | d;
    const dosTime = (h << 11) | (mi << 5) | Math.floor(s / 2);
    const crc = e.data.length ? crc32(e.data) : 0;
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint16(4, 20, true);
    local.setUint16(6, flags, true);
    local.setUint16(8, e.deflate ? 8 : 0, true);
    local.setUint16(10, dosTime, true);
    local.setUint16(12, dosDate, true);
    local.setUint32(14, crc, true);
    local.setUint32(18, body.length, true);
    local.setUint32(22, e.data.length, true);
    local.setUint16(26, name.length, true);
    local.setUint16(28, 0, true);
    chunks.push(new Uint8Array(local.buffer), name, body);
    const cd = new DataView(new ArrayBuffer(46));
    cd.setUint32(0, 0x02014b50, true);
    cd.setUint8(4, 20); // create_version
    cd.setUint8(5, 3); // create_system: Unix
    cd.setUint8(6, 20); // extract_version
    cd.setUint8(7, 0);
    cd.setUint16(8, flags, true);
    cd.setUint16(10, e.deflate ? 8 : 0, true);
    cd.setUint16(12, dosTime, true);
    cd.setUint16(14, dosDate, true);
    cd.setUint32(16, crc, true);
    cd.setUint32(20, body.length, true);
    cd.setUint32(24, e.data.length, true);
    cd.setUint16(28, name.length, true);
    cd.setUint32(38, e.mode >>> 0, true);
    cd.setUint32(42, offset, true);
    central.push(new Uint8Array(cd.buffer), name);
    offset += 30 + name.length + body.length;
  }
  const cdSize = central.reduce((n, c) => n + c.length, 0);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, entries.length, true);
  end.setUint16(10, entries.length, true);
  end.setUint32(12, cdSize, true);
  end.setUint32(16, offset, true);
  const all = [...chunks, ...central, new Uint8Array(end.buffer)];
  const out = new Uint8Array(offset + cdSize + 22);
  let at = 0;
  for (const c of all) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
