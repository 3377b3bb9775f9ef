// One stream line as Python's json.loads reads it: UTF-8, surrounding whitespace allowed, and the non-standard
// NaN / Infinity / -Infinity that Python's json.dumps writes for floats. Returns undefined for anything
// json.loads would refuse.
const decoder = new TextDecoder("utf-8", { fatal: true });

export function parseJsonLine(bytes: Uint8Array): unknown {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch {
    if (!text.includes("NaN") && !text.includes("Infinity")) return undefined;
  }
  return parseWithNonFinite(text);
}

/** Replaces bare NaN/Infinity tokens (outside strings) with sentinels, parses, and puts the numbers back. */
function parseWithNonFinite(text: string): unknown {
  let out = "";
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      out += c;
      if (c === "\\") out += text[++i] ?? "";
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      out += c;
      continue;
    }
    const m = /^(NaN|-Infinity|Infinity)/.exec(text.slice(i, i + 9));
    if (m) {
      out += `"\u0000${m[1]}"`;
      i += m[1]!.length - 1;
    } else out += c;
  }
  try {
    return JSON.parse(out, (_k, v: unknown) => {
      if (v === "\u0000NaN") return NaN;
      if (v === "\u0000Infinity") return Infinity;
      if (v === "\u0000-Infinity") return -Infinity;
      return v;
    });
  } catch {
    return undefined;
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
