// The processor side (ansible-runner's Processor): reads a worker's stdout and rebuilds the job in
// <private data dir>/artifacts/<ident>/ (or artifacts/ without an ident). Status lines go to statusHandler, the
// last one is the job's status; other lines are events: their stdout is printed unless quiet and each is kept as
// job_events/<counter>-<uuid>.json (json.dump form, 0600) unless eventHandler returns falsy; the zip is the
// worker's artifacts directory, extracted over it; eof ends the stream. A line that is not JSON, or input
// ending before eof, gives the status "error" with "Failed to JSON parse a line from worker stream.".
// Beyond 2.3.1 (which would write 0-0.json for them): events without a counter and uuid, such as 2.4's keepalive
// lines, are skipped; a bad artifacts zip ends the stream with an error status instead of a Python traceback.
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from "node:fs";
import { join, resolve } from "node:path";
import { pyJsonDumps } from "../events/index.ts";
import { readBase64Body } from "./_base64.ts";
import { ByteReader } from "./_byte-reader.ts";
import { extractZip } from "./_extract-zip.ts";
import { isObject, parseJsonLine } from "./_json-line.ts";
import { StreamInputError, WORKER_PARSE_FAILED } from "./_stream-error.ts";

export const ARTIFACTS_EXTRACT_FAILED = "Failed to extract artifacts from worker stream.";

export interface ProcessResult {
  status: string;
  /** From the artifacts' rc file when the worker sent one (the real Processor leaves rc unset). */
  rc: number | null;
  events: number;
  explanation?: string;
}

export interface ProcessOptions {
  quiet?: boolean;
  ident?: string;
  /** Overrides <private data dir>/artifacts[/<ident>]. */
  artifactDir?: string;
  /** Where printed event stdout goes (one call per line, newline included). */
  stdout?: (text: string) => void;
  statusHandler?: (status: Record<string, unknown>) => void;
  /** A falsy return keeps the event's job_events file from being written. */
  eventHandler?: (event: Record<string, unknown>) => unknown;
  artifactsHandler?: (artifactDir: string) => void;
  finishedCallback?: (result: ProcessResult) => void;
}

export function processArtifactDir(privateDataDir: string, opts: { ident?: string; artifactDir?: string }): string {
  if (opts.artifactDir) return resolve(opts.artifactDir);
  const base = resolve(privateDataDir, "artifacts");
  return opts.ident ? join(base, opts.ident) : base;
}

function readRc(artifactDir: string): number | null {
  try {
    const text = readFileSync(join(artifactDir, "rc"), "utf8").trim();
    return /^-?\d+$/.test(text) ? Number(text) : null;
  } catch {
    return null;
  }
}

export async function processStream(
  src: AsyncIterable<Uint8Array>,
  privateDataDir: string,
  opts: ProcessOptions = {},
): Promise<ProcessResult> {
  const artifactDir = processArtifactDir(privateDataDir, opts);
  const eventsDir = join(artifactDir, "job_events");
  if (!existsSync(eventsDir)) {
    mkdirSync(artifactDir, { recursive: true });
    mkdirSync(eventsDir, { mode: 0o700 });
  }
  const result: ProcessResult = { status: "unstarted", rc: null, events: 0 };
  const onStatus = (data: Record<string, unknown>): void => {
    result.status = String(data.status);
    if (typeof data.job_explanation === "string") result.explanation = data.job_explanation;
    opts.statusHandler?.(data);
  };
  const reader = new ByteReader(src);
  for (;;) {
    const line = await reader.readLine();
    const data = line === null ? undefined : parseJsonLine(line);
    if (!isObject(data)) {
      onStatus({ status: "error", job_explanation: WORKER_PARSE_FAILED });
      break;
    }
    if ("status" in data) onStatus(data);
    else if ("zipfile" in data) {
      try {
        await extractZip(await readBase64Body(reader, data.zipfile as number), artifactDir);
      } catch (e) {
        const why = e instanceof StreamInputError && e.traceback ? e.traceback : e instanceof Error ? e.message : String(e);
        onStatus({ status: "error", job_explanation: ARTIFACTS_EXTRACT_FAILED, result_traceback: why });
        break;
      }
      result.rc = readRc(artifactDir);
      opts.artifactsHandler?.(artifactDir);
    } else if ("eof" in data) break;
    else if (data.counter && data.uuid) {
      result.events++;
      if (!opts.quiet && "stdout" in data) opts.stdout?.(`${String(data.stdout)}\n`);
      const keep = opts.eventHandler ? opts.eventHandler(data) : true;
      if (keep) {
        const file = join(eventsDir, `${String(data.counter)}-${String(data.uuid)}.json`);
        writeFileSync(file, pyJsonDumps(data), { mode: 0o600 });
        chmodSync(file, 0o600);
      }
    }
  }
  opts.finishedCallback?.(result);
  return result;
}
