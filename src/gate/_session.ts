// The controller's side of one gate conversation (docs/protocol/gate.md), over any byte channel: an SSH
// exec channel in production, a child process's pipes in tests. Many requests are in flight at once,
// matched by id; a ModuleNotFound is answered by resending with the bundle; the channel closing or a
// fatal protocol error fails every pending request at once, so a dead host never hangs a run.
// The protocol has no per-request cancel: an aborted Module request retires the session (no new work)
// and ends the channel once nothing else is in flight, and the gate kills every module it still runs
// on end of input. A retired session is not `usable`; the owner starts a fresh gate for later work.
import { UnreachableError } from "../errors.ts";
import { MessageDecoder } from "./_message-decoder.ts";
import { PROTOCOL_VERSION, encodeMessage, type GateMessage, type HelloData, type MessageMap, type MessageType, type ModuleData, type ModuleResultData } from "./_messages.ts";

/** Bytes both ways plus the end of the stream; what an SSH channel or child process offers. */
export interface ByteChannel {
  write(bytes: Uint8Array): void;
  onData(cb: (bytes: Uint8Array) => void): void;
  /** Called once when the channel is gone (with why, when known). */
  onClose(cb: (why?: string) => void): void;
  end(): void;
}

export interface BundleSource {
  sha256: string;
  pythonModule: string;
  /** The zip's bytes, loaded only when the gate does not have it cached. */
  load(): Promise<Uint8Array>;
}

type Pending = { resolve: (m: GateMessage) => void; reject: (e: Error) => void };

const KEEPALIVE_MS = 30_000;

export class GateSession {
  readonly #ch: ByteChannel;
  readonly #decoder = new MessageDecoder();
  readonly #pending = new Map<number, Pending>();
  readonly #describe: string;
  #nextId = 1;
  #closed: Error | undefined;
  #endedWith: string | undefined;
  #retired = false;
  #ended = false;
  #keepalive: ReturnType<typeof setInterval> | undefined;
  info: HelloData | undefined;

  private constructor(ch: ByteChannel, describe: string) {
    this.#ch = ch;
    this.#describe = describe;
    ch.onData((b) => this.#onData(b));
    ch.onClose((why) => {
      this.#endedWith = why ?? "";
      this.#fail(new UnreachableError(`${describe}: the gate's session ended${why ? ` (${why})` : ""}`));
    });
  }

  /** Starts the conversation: Hello both ways, then a keepalive Hello every 30 s. */
  static async open(ch: ByteChannel, opts: { describe: string; helloTimeoutMs?: number; keepaliveMs?: number }): Promise<GateSession> {
    const s = new GateSession(ch, opts.describe);
    const timeout = opts.helloTimeoutMs ?? 30_000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const reply = await Promise.race([
      s.#request("Hello", { version: PROTOCOL_VERSION, capabilities: ["multiplex"] }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new UnreachableError(`${opts.describe}: the gate did not answer Hello within ${timeout / 1000} s`)), timeout);
      }),
    ]).finally(() => clearTimeout(timer));
    if (reply.type !== "Hello") throw s.#replyError(reply, "Hello");
    s.info = reply.data;
    const every = opts.keepaliveMs ?? KEEPALIVE_MS;
    if (every > 0) {
      s.#keepalive = setInterval(() => void s.#request("Hello", { version: PROTOCOL_VERSION, capabilities: ["multiplex"] }).catch(() => {}), every);
      (s.#keepalive as { unref?: () => void }).unref?.();
    }
    return s;
  }

  get closed(): boolean {
    return this.#closed !== undefined;
  }

  /** Who the gate is, for messages: "gate on root@web1:2222". */
  get label(): string {
    return this.#describe;
  }

  /** Open and not retired: new requests may be sent. */
  get usable(): boolean {
    return !this.#closed && !this.#retired && !this.#ended;
  }

  /** Why the channel closed ("exit status 1", "signal SIGKILL", the gate's last stderr line, "" if unknown). */
  get endedWith(): string | undefined {
    return this.#endedWith;
  }

  /** Takes no new work, and ends the channel (the gate kills its modules) once nothing is in flight. */
  retire(): void {
    this.#retired = true;
    if (this.#keepalive) clearInterval(this.#keepalive);
    this.#endIfIdle();
  }

  #endIfIdle(): void {
    if (this.#retired && this.#pending.size === 0) this.#end();
  }

  #end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#ch.end();
  }

  /**
   * Runs a module; resends with the bundle when the gate does not have it. With `native`, the gate is first
   * asked to run the module itself; a ModuleNotFound (an option its native version does not implement)
   * then falls back to the bundle, which is only built (`bundle` may be a function) when needed.
   */
  async runModule(
    data: Omit<ModuleData, "bundle" | "bundle_hash" | "python_module">,
    bundle: BundleSource | (() => Promise<BundleSource>) | undefined,
    signal?: AbortSignal,
    opts: { native?: boolean } = {},
  ): Promise<ModuleResultData> {
    let reply: GateMessage | undefined;
    if (opts.native || !bundle) {
      reply = await this.#request("Module", data, signal);
      if (reply.type !== "ModuleNotFound" || !bundle) return this.#moduleResult(reply, data.name);
    }
    const source = typeof bundle === "function" ? await bundle() : bundle;
    const first: ModuleData = { ...data, bundle_hash: source.sha256, python_module: source.pythonModule };
    reply = await this.#request("Module", first, signal);
    if (reply.type === "ModuleNotFound") {
      const bytes = await source.load();
      reply = await this.#request("Module", { ...first, bundle: Buffer.from(bytes).toString("base64") }, signal);
    }
    return this.#moduleResult(reply, data.name);
  }

  #moduleResult(reply: GateMessage, name: string): ModuleResultData {
    if (reply.type === "ModuleResult") return reply.data;
    throw this.#replyError(reply, `Module ${name}`);
  }

  /** Streams `chunks` to `path` on the host, each chunk acknowledged before the next (bounded memory). */
  async put(path: string, chunks: AsyncIterable<Uint8Array>, mode?: number): Promise<MessageMap["PutResult"]> {
    let offset = 0;
    let prev: Uint8Array | undefined;
    let result: MessageMap["PutResult"] | undefined;
    const send = async (chunk: Uint8Array, last: boolean) => {
      const reply = await this.#request("Put", { path, mode: mode ?? null, chunk: Buffer.from(chunk).toString("base64"), offset, last });
      if (reply.type !== "PutResult") throw this.#replyError(reply, `Put ${path}`);
      offset += chunk.length;
      result = reply.data;
    };
    // One chunk of look-ahead tells us which chunk is the last.
    for await (const c of chunks) {
      if (prev) await send(prev, false);
      prev = c;
    }
    await send(prev ?? new Uint8Array(0), true);
    return result as MessageMap["PutResult"];
  }

  /** Reads a file from the host in chunks. */
  async *get(path: string, chunkSize = 4 << 20): AsyncGenerator<Uint8Array> {
    let offset = 0;
    for (;;) {
      const reply = await this.#request("Get", { path, offset, length: chunkSize });
      if (reply.type !== "GetResult") throw this.#replyError(reply, `Get ${path}`);
      const bytes = new Uint8Array(Buffer.from(reply.data.chunk, "base64"));
      offset += bytes.length;
      if (bytes.length > 0) yield bytes;
      if (reply.data.eof || bytes.length === 0) return;
    }
  }

  /** Asks the gate to finish in-flight work and exit; ends the channel either way. */
  async shutdown(timeoutSec = 5): Promise<void> {
    if (this.#keepalive) clearInterval(this.#keepalive);
    if (this.#closed || this.#ended) return;
    const bye = this.#request("Shutdown", { timeout: timeoutSec }).catch(() => undefined);
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([bye, new Promise((r) => (timer = setTimeout(r, (timeoutSec + 2) * 1000)))]);
    clearTimeout(timer);
    this.#end();
  }

  #request<K extends MessageType>(type: K, data: MessageMap[K], signal?: AbortSignal): Promise<GateMessage> {
    if (this.#closed) return Promise.reject(this.#closed);
    if (this.#ended) return Promise.reject(new UnreachableError(`${this.#describe}: the gate's session was ended`));
    const id = this.#nextId++;
    return new Promise<GateMessage>((resolve, reject) => {
      const onAbort = () => {
        this.#pending.delete(id);
        // The module would run on (and hold its locks and files) with nobody to answer to.
        if (type === "Module") this.retire();
        else this.#endIfIdle();
        reject(signal?.reason instanceof Error ? signal.reason : new Error("aborted"));
      };
      // Aborted before it was sent: nothing runs on the gate, so it stays usable.
      if (signal?.aborted) return reject(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#pending.set(id, {
        resolve: (m) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(m);
        },
        reject: (e) => {
          signal?.removeEventListener("abort", onAbort);
          reject(e);
        },
      });
      this.#ch.write(encodeMessage({ type, data, id } as GateMessage));
    });
  }

  #onData(bytes: Uint8Array): void {
    for (const ev of this.#decoder.push(bytes)) {
      if (ev.kind === "error") {
        if (ev.error.fatal) {
          this.#fail(new UnreachableError(`${this.#describe}: the gate's stream broke: ${ev.error.message}`));
          this.#end();
          return;
        }
        const id = ev.error.msgId;
        if (id !== undefined && id !== null) this.#settle(id, (p) => p.reject(ev.error));
        continue;
      }
      const msg = ev.message;
      if (msg.type === "GateSystemError") {
        this.#fail(new UnreachableError(`${this.#describe}: the gate failed: ${msg.data.message}`, { hint: msg.data.traceback.split("\n").slice(-2).join(" ") }));
        this.#end();
        return;
      }
      if (msg.id !== null) this.#settle(msg.id, (p) => p.resolve(msg));
    }
  }

  #settle(id: number, fn: (p: Pending) => void): void {
    const p = this.#pending.get(id);
    if (!p) return;
    this.#pending.delete(id);
    fn(p);
    this.#endIfIdle();
  }

  #fail(e: Error): void {
    if (this.#closed) return;
    this.#closed = e;
    if (this.#keepalive) clearInterval(this.#keepalive);
    for (const p of this.#pending.values()) p.reject(e);
    this.#pending.clear();
  }

  #replyError(reply: GateMessage, what: string): Error {
    if (reply.type === "Error") return new Error(`${what}: the gate answered ${reply.data.code ?? "Error"}: ${reply.data.message}`);
    return new Error(`${what}: unexpected ${reply.type} from the gate`);
  }
}
