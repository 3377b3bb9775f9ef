// access_time / modification_time of the file module: "now", "preserve" or a time in a strptime format,
// applied with utime and reported in the diff as Python's float seconds.
import { stat, utimes } from "node:fs/promises";
import { type Diff, ModuleFail, pyOsError } from "./_file-attrs.ts";

/** A requested time: undefined = preserve, "now", or seconds since the epoch. */
export type Stamp = undefined | "now" | number;

const FIELDS: Record<string, { re: string; key: string }> = {
  Y: { re: "(\\d{4})", key: "Y" },
  y: { re: "(\\d{2})", key: "y" },
  m: { re: "(\\d{1,2})", key: "m" },
  d: { re: "(\\d{1,2})", key: "d" },
  H: { re: "(\\d{1,2})", key: "H" },
  M: { re: "(\\d{1,2})", key: "M" },
  S: { re: "(\\d{1,2})", key: "S" },
};

/** time.mktime(time.strptime(text, format)) for the numeric directives Ansible users put in these formats. */
export function strptimeLocal(text: string, format: string): number {
  let re = "^";
  const keys: string[] = [];
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c === "%") {
      const d = format[++i] ?? "";
      if (d === "%") re += "%";
      else if (FIELDS[d]) {
        re += FIELDS[d].re;
        keys.push(FIELDS[d].key);
      } else throw new Error(`'${d}' is a bad directive in format '%${d}'`);
    } else if (/\s/.test(c)) re += "\\s*";
    else re += c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  const m = new RegExp(re).exec(text);
  if (!m) throw new Error(`time data '${text}' does not match format '${format}'`);
  if (m[0].length < text.length) throw new Error(`unconverted data remains: ${text.slice(m[0].length)}`);
  const v: Record<string, number> = { Y: 1900, m: 1, d: 1, H: 0, M: 0, S: 0 };
  keys.forEach((k, i) => (v[k] = Number(m[i + 1])));
  if ("y" in v) v.Y = v.y! < 69 ? 2000 + v.y! : 1900 + v.y!;
  if (v.m! < 1 || v.m! > 12 || v.d! < 1 || v.d! > 31 || v.H! > 23 || v.M! > 59 || v.S! > 61) {
    throw new Error(`time data '${text}' does not match format '${format}'`);
  }
  return new Date(v.Y!, v.m! - 1, v.d!, v.H!, v.M!, v.S!).getTime() / 1000;
}

/** get_timestamp_for_time. */
export function stampFor(value: string | null, format: string): Stamp {
  if (value === null || value === "preserve") return undefined;
  if (value === "now") return "now";
  try {
    return strptimeLocal(value, format);
  } catch (e) {
    throw new ModuleFail(`Error while obtaining timestamp for time ${value} using format ${format}: ${(e as Error).message}`);
  }
}

/** keep_backward_compatibility_on_timestamps: touch defaults to now, other states to preserve. */
export function defaultStamp(value: string | null, state: string): string | null {
  if (value !== null) return value;
  if (state === "touch") return "now";
  return ["file", "hard", "directory", "link"].includes(state) ? "preserve" : null;
}

/** Seconds as Python's float st_mtime gives them (sec + nsec * 1e-9). */
function pyTime(ns: bigint): number {
  return Number(ns / 1_000_000_000n) + Number(ns % 1_000_000_000n) * 1e-9;
}

/** update_timestamp_for_file: true when the times change (or would, in check mode). */
export async function updateTimestamps(path: string, mtime: Stamp, atime: Stamp, checkMode: boolean, diff?: Diff): Promise<boolean> {
  try {
    if (mtime === undefined && atime === undefined) return false;
    const st = await stat(path, { bigint: true });
    const prevM = pyTime(st.mtimeNs);
    const prevA = pyTime(st.atimeNs);
    const now = Date.now() / 1000;
    const m = mtime === undefined ? prevM : mtime === "now" ? now : mtime;
    const a = atime === undefined ? prevA : atime === "now" ? now : atime;
    if (!(mtime === "now" && atime === "now") && m === prevM && a === prevA) return false;
    if (!checkMode) await utimes(path, a, m);
    if (diff) {
      if (m !== prevM) {
        diff.before.mtime = prevM;
        diff.after.mtime = m;
      }
      if (a !== prevA) {
        diff.before.atime = prevA;
        diff.after.atime = a;
      }
    }
    return true;
  } catch (e) {
    if (e instanceof ModuleFail) throw e;
    throw new ModuleFail(`Error while updating modification or access time: ${pyOsError(e)}`, { path });
  }
}
