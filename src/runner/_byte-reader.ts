// Lines and raw bytes from an async byte source, as Python's BufferedReader.readline()/read() hand them to
// the stream readers: a line ends at `\n` or at the end of input; what follows a line stays buffered.
export class ByteReader {
  private readonly it: AsyncIterator<Uint8Array>;
  private pending: Uint8Array | null = null;
  private ended = false;

  constructor(src: AsyncIterable<Uint8Array>) {
    this.it = src[Symbol.asyncIterator]();
  }

  /** The next chunk (buffered bytes first), or null at the end of input. */
  async readChunk(): Promise<Uint8Array | null> {
    if (this.pending) {
      const p = this.pending;
      this.pending = null;
      return p;
    }
    while (!this.ended) {
      const r = await this.it.next();
      if (r.done) {
        this.ended = true;
        break;
      }
      if (r.value.length) return r.value;
    }
    return null;
  }

  /** Puts bytes back in front of the input. */
  unread(bytes: Uint8Array): void {
    if (!bytes.length) return;
    if (!this.pending) this.pending = bytes;
    else {
      const joined = new Uint8Array(bytes.length + this.pending.length);
      joined.set(bytes);
      joined.set(this.pending, bytes.length);
      this.pending = joined;
    }
  }

  /** The next line without its `\n`, the unterminated rest at the end of input, or null when nothing is left. */
  async readLine(): Promise<Uint8Array | null> {
    const parts: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const chunk = await this.readChunk();
      if (!chunk) break;
      const nl = chunk.indexOf(10);
      if (nl >= 0) {
        parts.push(chunk.subarray(0, nl));
        size += nl;
        this.unread(chunk.subarray(nl + 1));
        return concat(parts, size);
      }
      parts.push(chunk);
      size += chunk.length;
    }
    return parts.length ? concat(parts, size) : null;
  }
}

function concat(parts: Uint8Array[], size: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
