// The registry of native TypeScript modules. Each answers to its short name and to the
// ansible.builtin / ansible.legacy FQCNs, as Ansible's own builtins do.
import { commandModule } from "./command.ts";
import { copyModule } from "./copy.ts";
import { fetchModule } from "./fetch.ts";
import { fileModule } from "./file.ts";
import { pingModule } from "./ping.ts";
import { rawModule } from "./raw.ts";
import { setupModule } from "./setup.ts";
import { shellModule } from "./shell.ts";
import { slurpModule } from "./slurp.ts";
import { statModule } from "./stat.ts";
import { waitForModule } from "./wait-for.ts";
import type { NativeModule } from "./_types.ts";

const NATIVE: readonly NativeModule[] = [
  pingModule, commandModule, shellModule, rawModule, fileModule, copyModule, statModule, slurpModule, setupModule,
  waitForModule, fetchModule,
];
const BY_NAME = new Map(NATIVE.map((m) => [m.name, m]));

/** `ping`, `ansible.builtin.ping`, `ansible.legacy.ping` -> "ping"; anything else unchanged. */
export function shortBuiltinName(name: string): string {
  for (const prefix of ["ansible.builtin.", "ansible.legacy."]) if (name.startsWith(prefix)) return name.slice(prefix.length);
  return name;
}

export function getNativeModule(name: string): NativeModule | undefined {
  return BY_NAME.get(shortBuiltinName(name));
}

export function nativeModuleNames(): string[] {
  return NATIVE.map((m) => m.name);
}
