// Asks for a secret on the controlling terminal with echo off (-k, -K), as getpass does: prompt and input on
// /dev/tty, never on stdout/stdin, so piped output stays clean. No terminal: undefined.
import { spawnSync } from "node:child_process";
import { closeSync, openSync, readSync, writeSync } from "node:fs";

export async function promptSecretOnTty(prompt: string): Promise<string | undefined> {
  let fd: number;
  try {
    fd = openSync("/dev/tty", "r+");
  } catch {
    return undefined;
  }
  const stty = (arg: string) => spawnSync("stty", [arg], { stdio: [fd, "ignore", "ignore"] });
  try {
    writeSync(fd, prompt);
    stty("-echo");
    const buf = Buffer.alloc(1);
    let line = "";
    for (;;) {
      const n = readSync(fd, buf, 0, 1, null);
      if (n === 0 || buf[0] === 0x0a || buf[0] === 0x0d) break;
      line += String.fromCharCode(buf[0] as number);
    }
    writeSync(fd, "\n");
    return Buffer.from(line, "latin1").toString("utf8");
  } finally {
    stty("echo");
    closeSync(fd);
  }
}
