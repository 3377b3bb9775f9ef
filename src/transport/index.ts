// Public face of transport/: the Connection/Transport contract and the built-in methods.
export type { Connection, ConnectionDefaults, HostTarget, ModuleRequest, Transport } from "./_types.ts";
export { localTransport } from "./_local.ts";
export { selectTransport, connectionName } from "./_select.ts";
