// Writes to stdout/stderr with write(2) on the file descriptor. Bun's process.stdout switches the shared
// file description to O_NONBLOCK and leaves it so, which breaks the next program on the same terminal or
// pipe (ansible refuses to start: "requires blocking IO"). Synchronous writes never touch the flags; they
// loop over partial writes and wait briefly on EAGAIN in case someone else made the descriptor non-blocking.
import { writeSync } from "node:fs";

const pause = new Int32Array(new SharedArrayBuffer(4));

export function writeFd(fd: number, text: string): void {
  let buf = Buffer.from(text, "utf8");
  while (buf.length > 0) {
    try {
      const n = writeSync(fd, buf);
      buf = buf.subarray(n);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EAGAIN") {
        Atomics.wait(pause, 0, 0, 2);
        continue;
      }
      if (code === "EPIPE") return; // the reader went away (e.g. `| head`): drop output, as ansible does
      throw e;
    }
  }
}
