// ansible.builtin.shell: the shell action plugin runs the command module with `_uses_shell=True`, so the
// text goes to `/bin/sh -c` (or `executable -c`) unsplit.
import { commandSpec, runCommand } from "./command.ts";
import type { ModuleSpec, NativeModule } from "./_types.ts";

// The action plugin sets `_uses_shell` before the module validates, so `invocation` reports it as true.
const shellSpec: ModuleSpec = {
  ...commandSpec,
  args: { ...commandSpec.args, _uses_shell: { type: "bool", default: true } },
};

export const shellModule: NativeModule = {
  name: "shell",
  spec: shellSpec,
  run: (params, ctx) => runCommand({ ...params, _uses_shell: true }, ctx),
};
