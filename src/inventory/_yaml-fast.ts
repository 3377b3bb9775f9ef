// A fast path for YAML: Bun's native parser reads YAML 1.2, which means the same as PyYAML's YAML 1.1 for most
// inventories. When the text holds anything whose meaning could differ (yes/no/on/off, 010, 1_000, 1e3, 0o17,
// 12:30, tags, anchors' merge keys, numeric or boolean keys, several documents), the caller takes the slow, exact
// path. False alarms only cost speed. (The `yaml` package needs ~250 ms for 5000 hosts; Bun ~8 ms.)

const RISKY = new RegExp(
  [
    String.raw`(?<![\w.\-/])(?:y|Y|n|N|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF)(?![\w.\-/])`,
    String.raw`(?<![\w.\-])[-+]?0(?:[0-9_]|[oObB])`,
    String.raw`(?<![\w.\-])[-+]?[0-9][0-9_]*_`,
    String.raw`[0-9.][eE][0-9]`,
    String.raw`(?<![\w.\-])[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?![\w\-:])`,
    String.raw`\.(?:inf|Inf|INF|nan|NaN|NAN)`,
    String.raw`<<|!|%|\t`,
    String.raw`(?:^|[{,\s])[-+]?[0-9][0-9.]*:(?:\s|$)`,
    String.raw`(?:^|[{,\s])(?:true|True|TRUE|false|False|FALSE|null|Null|NULL|~):(?:\s|$)`,
    String.raw`^\s*\?\s`,
  ].join("|"),
  "m",
);

type YamlParse = (text: string) => unknown;
const bunYaml = (globalThis as { Bun?: { YAML?: { parse: YamlParse } } }).Bun?.YAML?.parse;

/** The document's data when the fast path is safe, else undefined. */
export function fastYaml(text: string): { value: unknown } | undefined {
  if (!bunYaml || RISKY.test(text)) return undefined;
  const markers = text.match(/^(?:---|\.\.\.)/gm)?.length ?? 0;
  if (markers > 1 || (markers === 1 && !text.startsWith("---"))) return undefined;
  try {
    const value = bunYaml(text);
    return Array.isArray(value) && markers ? undefined : { value };
  } catch {
    return undefined;
  }
}
