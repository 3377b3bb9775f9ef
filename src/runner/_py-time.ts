// Times as ansible-runner's callback writes them: naive UTC `datetime.isoformat()` (microseconds, omitted
// when zero) and durations as Python floats (timedelta.total_seconds()).
import { PyFloat } from "../events/index.ts";

export function pythonIsoTime(d: Date): string {
  const iso = d.toISOString(); // 2026-11-23T19:52:22.473Z
  const ms = d.getUTCMilliseconds();
  return ms === 0 ? iso.slice(0, 19) : `${iso.slice(0, 19)}.${String(ms * 1000).padStart(6, "0")}`;
}

export function pythonSeconds(ms: number): PyFloat {
  return new PyFloat(ms / 1000);
}
