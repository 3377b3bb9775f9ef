// Inventory: loading (INI, YAML/JSON, scripts, folders, host lists), variables with Ansible's precedence,
// host patterns and limits, extra vars, and the `ansible-inventory --list` view.
export { type InventoryGroup, type InventoryHost, Inventory, LOCALHOST_NAMES } from "./_model.ts";
export { type LoadInventoryOptions, loadInventory, parseInventoryText } from "./_sources.ts";
export { type HostSelection, type SelectOptions, selectHosts, splitHostPattern } from "./_patterns.ts";
export { parseExtraVars } from "./_extra-vars.ts";
export { toInventoryListJson } from "./_list-json.ts";
export { expandHostRange } from "./_ranges.ts";
export { parsePythonLiteral, parsePythonValue } from "./_python-literal.ts";
