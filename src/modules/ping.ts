// ansible.builtin.ping: returns `data` (default "pong"); data=crash raises, as the module does on purpose.
import type { NativeModule } from "./_types.ts";

export const pingModule: NativeModule = {
  name: "ping",
  spec: { args: { data: { type: "str", default: "pong" } }, supportsCheckMode: true },
  async run(params) {
    if (params.data === "crash") throw new Error("boom");
    return { changed: false, ping: params.data };
  },
};
