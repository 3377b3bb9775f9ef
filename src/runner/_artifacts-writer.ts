// artifacts/<ident>/ as ansible-runner's Runner writes it, byte for byte:
//   command                {"command": [...], "cwd": "...", "env": {...}}  (json.dump, ensure_ascii=False), 0600
//   job_events/N-UUID.json  each event, json.dump defaults, no newline, 0600 (written to .tmp, then renamed)
//   stdout                  each event's stdout + "\n" when not empty and not "{}"; verbose lines + "\r\n"
//                           (the pty's line end, which the event's stdout has stripped), 0600
//   stderr                  empty (the pty merges stderr into stdout), created by open('w'): 0666 & ~umask
//   status, rc              str(status), str(rc) ("None" when there is none), no newline, 0600
//   fact_cache/             made by Ansible's jsonfile fact cache plugin at start
// The directories are 0700 (parents by the umask). The real worker's event_handler returns None, so a worker's
// artifacts have no job_events files: pass writeEventFiles false there.
import { appendFileSync, chmodSync, existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { pyJsonDumps } from "../events/index.ts";

export interface ArtifactsWriterOptions {
  /** settings' suppress_output_file: no stdout/stderr files. */
  suppressOutputFile?: boolean;
  /** false as in the worker (its event handler says not to keep event files); default true. */
  writeEventFiles?: boolean;
  /** Create fact_cache/ as Ansible's jsonfile cache does; default true. */
  factCache?: boolean;
}

function writePrivate(path: string, text: string): void {
  writeFileSync(path, text, { mode: 0o600 });
  chmodSync(path, 0o600);
}

export class ArtifactsWriter {
  readonly dir: string;
  private readonly stdoutPath?: string;
  private readonly writeEventFiles: boolean;

  constructor(artifactDir: string, opts: ArtifactsWriterOptions = {}) {
    this.dir = artifactDir;
    this.writeEventFiles = opts.writeEventFiles ?? true;
    mkdirSync(dirname(artifactDir), { recursive: true });
    if (!existsSync(artifactDir)) mkdirSync(artifactDir, { mode: 0o700 });
    const events = join(artifactDir, "job_events");
    if (!existsSync(events)) mkdirSync(events, { mode: 0o700 });
    if (!opts.suppressOutputFile) {
      this.stdoutPath = join(artifactDir, "stdout");
      writeFileSync(this.stdoutPath, "", { mode: 0o600 });
      writeFileSync(join(artifactDir, "stderr"), "");
    }
    if (opts.factCache ?? true) mkdirSync(join(artifactDir, "fact_cache"), { recursive: true });
  }

  command(cmd: { command: string[]; cwd: string; env: Record<string, string> }): void {
    writePrivate(join(this.dir, "command"), pyJsonDumps({ command: cmd.command, cwd: cmd.cwd, env: cmd.env }, { ensureAscii: false }));
  }

  /** `keepFile` overrides writeEventFiles for this event (the library API's eventHandler decides per event). */
  event(ev: Record<string, unknown>, keepFile = this.writeEventFiles): void {
    if (keepFile && "uuid" in ev) {
      const file = join(this.dir, "job_events", `${String(ev.counter)}-${String(ev.uuid)}.json`);
      writePrivate(`${file}.tmp`, pyJsonDumps(ev));
      renameSync(`${file}.tmp`, file);
    }
    if (!this.stdoutPath || typeof ev.stdout !== "string") return;
    if (ev.event === "verbose") appendFileSync(this.stdoutPath, `${ev.stdout}\r\n`);
    else if (ev.stdout && ev.stdout !== "{}") appendFileSync(this.stdoutPath, `${ev.stdout}\n`);
  }

  status(status: string, rc: number | null): void {
    writePrivate(join(this.dir, "status"), status);
    writePrivate(join(this.dir, "rc"), rc === null ? "None" : String(rc));
  }
}
