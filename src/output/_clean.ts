// What every callback receives (ansible's TaskResult.clean_copy): `failed` and `skipped` removed (the event
// type already says so), internal keys stripped, and a no_log result replaced by the censored notice.
const IGNORE = ["failed", "skipped"];
const PRESERVE = ["attempts", "changed", "retries"];
export const CENSORED = "the output has been hidden due to the fact that 'no_log: true' was specified for this result";

export function cleanCopy(result: Record<string, unknown>, noLog = false): Record<string, unknown> {
  if (noLog || result._ansible_no_log === true) {
    const x: Record<string, unknown> = { censored: CENSORED };
    for (const k of PRESERVE) if (k in result) x[k] = result[k];
    return x;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(result)) {
    if (IGNORE.includes(k)) continue;
    if (k.startsWith("_ansible_") && k !== "_ansible_verbose_always" && k !== "_ansible_no_log" && k !== "_ansible_item_label" && k !== "_ansible_verbose_override") continue;
    out[k] = v;
  }
  return out;
}
