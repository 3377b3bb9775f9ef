// ansible.builtin.command (and, with `_uses_shell`, shell): the module plus what the controller adds
// (`stdout_lines`/`stderr_lines`, `changed` always present). Semantics from modules/command.py and
// AnsibleModule.run_command: shlex split, $VAR/~ expansion of argv words, creates/removes globs checked
// after chdir, check mode that only evaluates creates/removes, rc != 0 -> failed "non-zero return code".
import { readdirSync, lstatSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { globToRegExp, hasGlob, shlexQuote, shlexSplit } from "../text/index.ts";
import { decodeSurrogateEscape, expandPath, pyBytesRepr, pySplitlines, runProcess } from "./_process.ts";
import type { ModuleContext, ModuleParams, ModuleResult, ModuleSpec, NativeModule } from "./_types.ts";

export const commandSpec: ModuleSpec = {
  args: {
    _raw_params: { type: "str" },
    _uses_shell: { type: "bool", default: false },
    argv: { type: "list", elements: "str" },
    chdir: { type: "path" },
    executable: { type: "str" },
    creates: { type: "path" },
    removes: { type: "path" },
    stdin: { type: "str" },
    stdin_add_newline: { type: "bool", default: true },
    strip_empty_ends: { type: "bool", default: true },
  },
  supportsCheckMode: true,
};


/** Python's str(datetime.now()): local time, microseconds only when non-zero. */
function pyNow(): { text: string; micros: number } {
  const now = Math.round((performance.timeOrigin + performance.now()) * 1000);
  const d = new Date(Math.floor(now / 1000));
  const p = (n: number, w = 2): string => String(n).padStart(w, "0");
  const us = now % 1_000_000;
  const text =
    `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}` +
    (us ? `.${p(us, 6)}` : "");
  return { text, micros: now };
}

/** Python's str(timedelta) for a non-negative span in microseconds. */
function pyDelta(micros: number): string {
  const days = Math.floor(micros / 86_400_000_000);
  let rest = micros - days * 86_400_000_000;
  const h = Math.floor(rest / 3_600_000_000);
  rest -= h * 3_600_000_000;
  const m = Math.floor(rest / 60_000_000);
  rest -= m * 60_000_000;
  const s = Math.floor(rest / 1_000_000);
  const us = rest - s * 1_000_000;
  const hms = `${h}:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}${us ? `.${String(us).padStart(6, "0")}` : ""}`;
  return days ? `${days} day${days === 1 ? "" : "s"}, ${hms}` : hms;
}

/** glob.glob(pattern) is non-empty: any existing path matches (broken symlinks count, hidden names need a dot). */
export function globMatches(pattern: string, cwd: string): boolean {
  if (!hasGlob(pattern)) return lexists(resolve(cwd, pattern));
  const absolute = pattern.startsWith("/");
  const segs = pattern.split("/").filter((s, i) => s !== "" || i === 0);
  let bases = [absolute ? "/" : cwd];
  for (const seg of absolute ? segs.slice(1) : segs) {
    const next: string[] = [];
    for (const base of bases) {
      if (!hasGlob(seg)) {
        const p = resolve(base, seg);
        if (lexists(p)) next.push(p);
        continue;
      }
      let names: string[];
      try {
        names = readdirSync(base);
      } catch {
        continue;
      }
      const re = globToRegExp(seg);
      for (const n of names) if ((seg.startsWith(".") || !n.startsWith(".")) && re.test(n)) next.push(resolve(base, n));
    }
    bases = next;
    if (bases.length === 0) return false;
  }
  return bases.length > 0;
}

function lexists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

// _clean_args: arguments after a password flag are masked in the printed command.
const PASSWD_ARG = /^-{0,2}pass-?(word|wd)?/;

function cleanArgs(args: readonly string[]): string {
  const out: string[] = [];
  let maskNext = false;
  for (const a of args) {
    if (maskNext) {
      maskNext = false;
      out.push("********");
      continue;
    }
    if (PASSWD_ARG.test(a)) {
      const i = a.indexOf("=");
      if (i > -1) {
        out.push(`${a.slice(0, i)}=********`);
        continue;
      }
      maskNext = true;
    }
    out.push(a);
  }
  return out.map(shlexQuote).join(" ");
}

function withLines(r: Record<string, unknown>): ModuleResult {
  return { ...r, stdout_lines: pySplitlines(String(r.stdout ?? "")), stderr_lines: pySplitlines(String(r.stderr ?? "")) };
}

/** Runs the command module with validated params. */
export async function runCommand(params: ModuleParams, ctx: ModuleContext): Promise<ModuleResult> {
  const shell = params._uses_shell === true;
  let executable = (params.executable as string | null) ?? null;
  const raw = (params._raw_params as string | null) ?? null;
  const argv = (params.argv as string[] | null) ?? null;
  const creates = params.creates == null ? null : expandPath(params.creates as string, ctx.env);
  const removes = params.removes == null ? null : expandPath(params.removes as string, ctx.env);
  const stdin = (params.stdin as string | null) ?? null;
  // Ansible promises these keys always, null until known.
  const r: Record<string, unknown> = {
    changed: false, stdout: "", stderr: "", rc: null, cmd: null, start: null, end: null, delta: null, msg: "",
  };
  const warnings: string[] = [];
  if (!shell && executable) {
    warnings.push(
      `As of Ansible 2.4, the parameter 'executable' is no longer supported with the 'command' module. Not using '${executable}'.`,
    );
    executable = null;
  }
  const done = (extra: Record<string, unknown>): ModuleResult => withLines({ ...r, ...extra, ...(warnings.length ? { warnings } : {}) });

  if ((!raw || raw.trim() === "") && !(argv && argv.length)) return done({ rc: 256, msg: "no command given", failed: true });
  if (raw && argv && argv.length) return done({ rc: 256, msg: "only command or argv can be given, not both", failed: true });

  const args: string | string[] = !shell && raw ? shlexSplit(raw) : raw || (argv as string[]);
  r.cmd = args;

  let cwd = ctx.cwd;
  if (params.chdir != null) {
    const chdir = expandPath(params.chdir as string, ctx.env);
    const failure = chdirFailure(resolve(cwd, chdir), chdir);
    if (failure) return done({ msg: `Unable to change directory before execution: ${failure}`, failed: true });
    cwd = resolve(cwd, chdir);
  }

  const shoulda = ctx.checkMode ? "Would" : "Did";
  if (creates && globMatches(creates, cwd)) {
    return done({ msg: `${shoulda} not run command since '${creates}' exists`, stdout: `skipped, since ${creates} exists`, rc: 0 });
  }
  if (removes && !globMatches(removes, cwd)) {
    return done({
      msg: `${shoulda} not run command since '${removes}' does not exist`,
      stdout: `skipped, since ${removes} does not exist`,
      rc: 0,
    });
  }
  r.changed = true;

  if (ctx.checkMode) {
    r.rc = 0;
    r.msg = "Command would have run if not in check mode";
    if (creates === null && removes === null) Object.assign(r, { skipped: true, changed: false });
    return done({});
  }

  let exec: string[];
  if (shell) {
    const script = typeof args === "string" ? args : args.map(shlexQuote).join(" ");
    const sh = (ctx.hostVars.ansible_shell_executable as string | undefined) ?? "/bin/sh";
    exec = [executable ?? sh, "-c", script];
  } else {
    exec = (args as string[]).map((a) => expandPath(a, ctx.env));
  }
  const input = stdin ? Buffer.from(params.stdin_add_newline === false ? stdin : `${stdin}\n`) : undefined;
  const start = pyNow();
  const res = await runProcess(exec, { cwd, env: ctx.env, stdin: input, signal: ctx.signal });
  const end = pyNow();
  if (!res.ok) {
    return withLines({ rc: res.errno, stdout: "", stderr: "", msg: res.message, cmd: cleanArgs(exec), failed: true, changed: false });
  }
  let stdout = decodeSurrogateEscape(res.stdout);
  let stderr = decodeSurrogateEscape(res.stderr);
  if (params.strip_empty_ends !== false) {
    stdout = stdout.replace(/[\r\n]+$/, "");
    stderr = stderr.replace(/[\r\n]+$/, "");
  }
  Object.assign(r, { rc: res.rc, stdout, stderr, start: start.text, end: end.text, delta: pyDelta(end.micros - start.micros) });
  if (res.rc !== 0) return done({ msg: "non-zero return code", failed: true });
  return done({});
}

/** What os.chdir would raise for `path`, as Python prints it, or undefined when it would succeed. */
function chdirFailure(path: string, shown: string): string | undefined {
  try {
    if (!statSync(path).isDirectory()) return `[Errno 20] Not a directory: ${pyBytesRepr(shown)}`;
    return undefined;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOTDIR") return `[Errno 20] Not a directory: ${pyBytesRepr(shown)}`;
    if (code === "EACCES") return `[Errno 13] Permission denied: ${pyBytesRepr(shown)}`;
    return `[Errno 2] No such file or directory: ${pyBytesRepr(shown)}`;
  }
}


export const commandModule: NativeModule = { name: "command", spec: commandSpec, run: runCommand };
