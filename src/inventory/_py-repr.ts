// Python spellings of values and types, for error and warning texts that must read like Ansible's.

/** `<class '...'>` of a value as Ansible's YAML loader (or json, for JSON input) would have built it. */
export function pyType(value: unknown, fromYaml: boolean): string {
  const y = (name: string, plain: string): string =>
    `<class '${fromYaml ? `ansible.parsing.yaml.objects.${name}` : plain}'>`;
  if (value === null || value === undefined) return "<class 'NoneType'>";
  if (typeof value === "boolean") return "<class 'bool'>";
  if (typeof value === "number") return Number.isInteger(value) ? "<class 'int'>" : "<class 'float'>";
  if (typeof value === "string") return y("AnsibleUnicode", "str");
  if (Array.isArray(value)) return y("AnsibleSequence", "list");
  return y("AnsibleMapping", "dict");
}

/** str() of a scalar the way Python prints it. */
export function pyStr(value: unknown): string {
  if (value === null || value === undefined) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "number" && Number.isInteger(value)) return String(value);
  if (typeof value === "number") return String(value).includes(".") || !Number.isFinite(value) ? String(value) : `${value}.0`;
  if (typeof value === "string") return value;
  return pyRepr(value);
}

/** repr() of JSON-like data, Python style (`{'a': [1, True]}`). */
export function pyRepr(value: unknown): string {
  if (typeof value === "string") return `'${value.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(", ")}]`;
  if (value && typeof value === "object") {
    return `{${Object.entries(value).map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`).join(", ")}}`;
  }
  return pyStr(value);
}
