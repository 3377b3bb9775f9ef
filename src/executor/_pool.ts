// One connection per host, opened on first use and shared by every task that follows (the gates stay warm).
// Concurrent requests for the same host share one connect. When a host turns out unreachable, the task
// reports it and discards the connection, so a later task (the scripting API runs many) connects afresh.
import { UnreachableError, errorMessage } from "../errors.ts";
import { selectTransport } from "../transport/_select.ts";
import type { Connection, ConnectionDefaults, HostTarget, Transport } from "../transport/_types.ts";

export class ConnectionPool {
  readonly defaults: ConnectionDefaults;
  readonly #transports?: readonly Transport[];
  readonly #open = new Map<string, Promise<Connection>>();

  constructor(defaults: ConnectionDefaults, transports?: readonly Transport[]) {
    this.defaults = defaults;
    this.#transports = transports;
  }

  get(target: HostTarget, signal: AbortSignal): Promise<Connection> {
    let p = this.#open.get(target.name);
    if (!p) {
      p = this.#connect(target, signal);
      this.#open.set(target.name, p);
    }
    return p;
  }

  async #connect(target: HostTarget, signal: AbortSignal): Promise<Connection> {
    const transport = selectTransport(target, this.defaults, this.#transports);
    try {
      return await transport.connect(target, this.defaults, signal);
    } catch (e) {
      if (e instanceof UnreachableError) throw e;
      throw new UnreachableError(errorMessage(e), { cause: e });
    }
  }

  /** Forgets a host's connection after its transport died, closing what is left of it. */
  async discard(host: string): Promise<void> {
    const p = this.#open.get(host);
    this.#open.delete(host);
    if (p) await p.then((c) => c.close()).catch(() => {});
  }

  async closeAll(): Promise<void> {
    const all = [...this.#open.values()];
    this.#open.clear();
    await Promise.all(all.map((p) => p.then((c) => c.close()).catch(() => {})));
  }
}
