// The one shell command that starts a gate on a host, in a single SSH exec round trip:
//   1. if ~/.ftl/ftl_gate_<sha256>.pyz is missing, print FTL2_NEED and read exactly <size> bytes from stdin
//      into it (written to a temp name, then renamed: never a half-written gate);
//   2. find Python (ansible_python_interpreter, else the first of ansible's discovery list that exists);
//      none: print FTL2_NOPYTHON and exit 127;
//   3. print FTL2_READY <python>, then exec the gate, through the become method when asked; a tiny `sh -c`
//      inside the become boundary prints FTL2_GATE just before exec, so the controller knows any password
//      prompt is over and every later byte on stdout is the gate's framed protocol (without become nothing
//      can prompt, so this shell prints it and execs Python itself: one process start less per host).
// Python starts with -S (no site: 2 ms of every start here; the gate is stdlib-only, and --site-on-use has
// it import site before it runs a shipped module) and, once the pyz has unpacked itself next to it, from that directory's
// __main__.py as a plain script: a zip (or directory) given to Python goes through runpy, another 3 ms.

export const MARK = { need: "FTL2_NEED", noPython: "FTL2_NOPYTHON", ready: "FTL2_READY", gate: "FTL2_GATE" } as const;
export const SUDO_PROMPT = "[ftl2 sudo password]";

const DISCOVERY = ["python3.13", "python3.12", "python3.11", "python3.10", "python3.9", "python3.8", "/usr/bin/python3", "/usr/libexec/platform-python", "python3"];

export interface BootstrapOptions {
  sha256: string;
  size: number;
  python?: string;
  become?: { method: string; user: string; password: boolean };
}

/** POSIX sh single-quoting. */
export function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'"'"'`)}'`;
}

function becomePrefix(b: NonNullable<BootstrapOptions["become"]>): string {
  const u = shQuote(b.user);
  switch (b.method) {
    case "sudo":
      return b.password ? `sudo -H -S -p ${shQuote(SUDO_PROMPT)} -u ${u} --` : `sudo -H -n -u ${u} --`;
    case "doas":
      return `doas -n -u ${u}`;
    default:
      throw new Error(`become method '${b.method}' is not supported over ssh by ftl2 (use sudo, su or doas)`);
  }
}

/**
 * `su` takes one command string: the outer shell expands $P and $f inside the double quotes and su's shell
 * sees them single-quoted. With a password su reads it from its terminal: the exec then has a pty (see
 * `needsPty`), kept raw and silent (no echo, no CR/LF or signal translation) for the binary pyz upload and
 * the gate's frames, and line-buffered only while su reads the password line. A pty has one output stream,
 * so there the gate's own stderr is dropped rather than mixed into its frames.
 */
function suLaunch(b: NonNullable<BootstrapOptions["become"]>): string {
  if (!b.password) return `su -s /bin/sh ${shQuote(b.user)} -c "echo ${MARK.gate}; exec '$P' -S '$f' --site-on-use"`;
  return `stty icanon; su -s /bin/sh ${shQuote(b.user)} -c "stty raw -echo -iexten; echo ${MARK.gate}; exec '$P' -S '$f' --site-on-use 2>/dev/null"`;
}

/** True when the bootstrap must run on a pty: su with a password (su reads it from its terminal). */
export function needsPty(o: Pick<BootstrapOptions, "become">): boolean {
  return o.become?.method === "su" && o.become.password;
}

// become/su.py SU_PROMPT_LOCALIZATIONS and its pattern: an optional "user's ", the word, a (fullwidth) colon.
const SU_PROMPTS = [
  "Password", "암호", "パスワード", "Adgangskode", "Contraseña", "Contrasenya", "Hasło", "Heslo", "Jelszó", "Lösenord",
  "Mật khẩu", "Mot de passe", "Parola", "Parool", "Pasahitza", "Passord", "Passwort", "Salasana", "Sandi", "Senha",
  "Wachtwoord", "ססמה", "Лозинка", "Парола", "Пароль", "गुप्तशब्द", "शब्दकूट", "సంకేతపదము", "හස්පදය", "密码", "密碼", "口令",
];
const SU_PROMPT = new RegExp(`^(\\w+'s )?(${SU_PROMPTS.join("|")}) ?(:|：) ?`, "iu");

/** su's password prompt, as ansible's su become plugin recognises it (the text after the last newline). */
export function isSuPrompt(text: string): boolean {
  return SU_PROMPT.test(text.replace(/\r/g, ""));
}

/** su.py `fail`: what su prints when the password was wrong. */
export const SU_FAIL = "Authentication failure";

export function bootstrapCommand(o: BootstrapOptions): string {
  const find = o.python
    ? `P=${shQuote(o.python)}; command -v "$P" >/dev/null 2>&1 || P=`
    : `P=; for c in ${DISCOVERY.join(" ")}; do P=$(command -v "$c" 2>/dev/null) && break; P=; done`;
  const lines = [
    ...(needsPty(o) ? ["stty raw -echo -iexten || exit 1"] : []),
    `d="$HOME/.ftl/ftl_gate_${o.sha256}"; f="$d.pyz"`,
    `if [ ! -f "$f" ]; then echo ${MARK.need}; mkdir -p "$HOME/.ftl" && chmod 700 "$HOME/.ftl" && head -c ${o.size} > "$f.$$" && mv -f "$f.$$" "$f" || exit 1; fi`,
    find,
    `if [ -z "$P" ]; then echo ${MARK.noPython}; exit 127; fi`,
  ];
  // Another (non-root) user cannot read our ~/.ftl: it gets a copy in a fresh private directory that only we can
  // write, removed when the gate exits (so this shell stays as the gate's parent instead of exec-ing it).
  const shared = o.become !== undefined && o.become.user !== "root";
  if (shared) {
    lines.push(`t=$(mktemp -d /tmp/ftl2-gate.XXXXXXXX) && cp "$f" "$t/ftl_gate.pyz" && chmod 755 "$t" && chmod 644 "$t/ftl_gate.pyz" || exit 1`, `f="$t/ftl_gate.pyz"`);
  } else lines.push(`[ -f "$d/__main__.py" ] && f="$d/__main__.py"`);
  if (!o.become) {
    lines.push(`echo ${MARK.ready} "$P"; echo ${MARK.gate}`, `exec "$P" -S "$f" --site-on-use`);
    return lines.join("\n");
  }
  lines.push(`echo ${MARK.ready} "$P"`);
  const launch = `sh -c 'echo ${MARK.gate}; exec "$0" -S "$1" --site-on-use' "$P" "$f"`;
  const run = o.become.method === "su" ? suLaunch(o.become) : `${becomePrefix(o.become)} ${launch}`;
  lines.push(shared ? `${run}; rc=$?; rm -rf "$t"; exit $rc` : `exec ${run}`);
  return lines.join("\n");
}
