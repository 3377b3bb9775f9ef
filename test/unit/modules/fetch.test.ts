// The native fetch (local connection) against the real `ansible localhost -m fetch`: the same steps in two
// temp dirs, then the results and the files each left on disk (path, mode, content) compared.
import { describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FetchReadError } from "../../../src/modules/_fetch-core.ts";
import { startLocalWrite } from "../../../src/modules/_fetch-write.ts";
import { fetchModule } from "../../../src/modules/fetch.ts";
import { defaultModuleContext, runNativeModule } from "../../../src/modules/_run-native.ts";
import { VOLATILE_KEYS, runAnsibleAdhoc, withoutKeys } from "../../helpers/ansible.ts";
import { normalise } from "./_oracle-b.ts";
import { fileTree } from "../../helpers/file-tree.ts";

interface Case {
  name: string;
  setup?: (d: string) => void;
  args: (d: string) => Record<string, unknown>;
  check?: boolean;
  drop?: string[];
}

async function compare(c: Case) {
  const dirs = [mkdtempSync(join(tmpdir(), "ftl-fetch-")), mkdtempSync(join(tmpdir(), "ftl-fetch-"))] as const;
  for (const d of dirs) {
    writeFileSync(join(d, "src.txt"), "remote text\n");
    mkdirSync(join(d, "adir"));
    c.setup?.(d);
  }
  const drop = [...VOLATILE_KEYS, "action", "_ansible_no_log", ...(c.drop ?? [])];
  const env = { HOME: dirs[0] };
  const theirs = runAnsibleAdhoc("fetch", c.args(dirs[0]), { cwd: dirs[0], checkMode: c.check, env });
  const ctx = defaultModuleContext({ cwd: dirs[1], checkMode: c.check ?? false, env: { ...process.env, HOME: dirs[1] }, hostVars: { inventory_hostname: "localhost" } });
  const ours = await runNativeModule(fetchModule, c.args(dirs[1]), ctx);
  return {
    ours: normalise(withoutKeys(ours, drop), dirs[1]),
    theirs: normalise(withoutKeys(theirs, drop), dirs[0]),
    oursTree: fileTree(dirs[1]).map((l) => l.replaceAll(dirs[1].slice(1), "DIR")),
    theirsTree: fileTree(dirs[0]).map((l) => l.replaceAll(dirs[0].slice(1), "DIR")),
    dirs,
  };
}

const sameFile = (d: string) => {
  mkdirSync(join(d, "out/localhost", d), { recursive: true });
  writeFileSync(join(d, "out/localhost", d, "src.txt"), "remote text\n");
};
const olderFile = (d: string) => {
  mkdirSync(join(d, "out/localhost", d), { recursive: true });
  writeFileSync(join(d, "out/localhost", d, "src.txt"), "old\n");
  chmodSync(join(d, "out/localhost", d, "src.txt"), 0o600);
};

const cases: Case[] = [
  { name: "a new file lands in dest/<host>/<src path>", args: (d) => ({ src: join(d, "src.txt"), dest: join(d, "out") }) },
  { name: "the same file again is unchanged", setup: sameFile, args: (d) => ({ src: join(d, "src.txt"), dest: join(d, "out") }) },
  { name: "a different local copy is replaced and keeps its mode", setup: olderFile, args: (d) => ({ src: join(d, "src.txt"), dest: join(d, "out") }) },
  { name: "relative src and dest", args: () => ({ src: "src.txt", dest: "out" }) },
  // `~` is the user's home from passwd, whatever HOME says (ansible runs `echo ~root`).
  { name: "~ in src is the user's home", args: (d) => ({ src: "~/.ftl2-fetch-test-nope", dest: join(d, "out") }) },
  { name: "~ in src is the user's home, fail_on_missing=no", args: (d) => ({ src: "~", dest: join(d, "out"), fail_on_missing: false }), drop: ["changed"] },
  { name: "flat with a trailing slash takes the basename", args: (d) => ({ src: join(d, "src.txt"), dest: `${join(d, "flat")}/`, flat: "yes" }) },
  { name: "flat to a relative file name", args: () => ({ src: "src.txt", dest: "copy.txt", flat: true }) },
  { name: "flat to an existing directory without a slash", args: (d) => ({ src: join(d, "src.txt"), dest: join(d, "adir"), flat: "yes" }) },
  { name: "flat writes through a symlink", setup: (d) => symlinkSync("src.txt", join(d, "link")), args: (d) => ({ src: join(d, "adir/../src.txt"), dest: join(d, "link"), flat: 1 }) },
  { name: "missing file", args: (d) => ({ src: join(d, "nope"), dest: join(d, "out") }) },
  { name: "missing file, fail_on_missing=no", args: (d) => ({ src: join(d, "nope"), dest: join(d, "out"), fail_on_missing: "no" }) },
  { name: "a directory", args: (d) => ({ src: join(d, "adir"), dest: join(d, "out") }) },
  // No `changed` here in ansible's result; ftl2's executor adds `changed: false`, as ansible's prints it.
  { name: "a directory, fail_on_missing=no", args: (d) => ({ src: join(d, "adir"), dest: join(d, "out"), fail_on_missing: false }), drop: ["changed"] },
  { name: "a special file is read as slurp reads it", args: (d) => ({ src: "/dev/null", dest: join(d, "out") }) },
  { name: "no dest", args: (d) => ({ src: join(d, "src.txt") }) },
  { name: "no src", args: (d) => ({ dest: join(d, "out") }) },
  { name: "src not a string", args: (d) => ({ src: 5, dest: join(d, "out") }) },
  { name: "dest not a string", args: (d) => ({ src: join(d, "src.txt"), dest: ["x"] }) },
  { name: "check mode is skipped", args: (d) => ({ src: join(d, "src.txt"), dest: join(d, "out") }), check: true },
  // ansible's AnsibleError results have no `changed` key; ftl2's executor adds `changed: false` to every result.
  { name: "local directories cannot be made", setup: (d) => writeFileSync(join(d, "afile"), "x"), args: (d) => ({ src: join(d, "src.txt"), dest: join(d, "afile/sub") }), drop: ["changed"] },
  { name: "the local path is a directory", setup: (d) => mkdirSync(join(d, "out/localhost", d, "src.txt"), { recursive: true }), args: (d) => ({ src: join(d, "src.txt"), dest: join(d, "out") }), drop: ["changed"] },
];

describe("fetch (local) against ansible", () => {
  for (const c of cases) {
    test(c.name, async () => {
      const r = await compare(c);
      expect(r.ours).toEqual(r.theirs);
      expect(r.oursTree).toEqual(r.theirsTree);
    }, 20_000);
  }

  // /proc/self/io counts the reader's own reads: the stat and the copy see different bytes, in both tools.
  const sums = ["checksum", "md5sum", "remote_checksum"];
  test("checksum mismatch keeps the fetched file, as ansible does", async () => {
    const r = await compare({ name: "", args: (d) => ({ src: "/proc/self/io", dest: join(d, "out") }), drop: sums });
    expect(r.ours).toEqual(r.theirs);
    expect((r.ours as Record<string, unknown>).msg).toBe("checksum mismatch");
    expect(existsSync(join(r.dirs[1], "out/localhost/proc/self/io"))).toBe(true);
  }, 20_000);

  test("validate_checksum=no accepts the mismatch", async () => {
    const r = await compare({ name: "", args: (d) => ({ src: "/proc/self/io", dest: join(d, "out"), validate_checksum: "no" }), drop: sums });
    expect(r.ours).toEqual(r.theirs);
    expect((r.ours as Record<string, unknown>).changed).toBe(true);
  }, 20_000);
});

describe("local write", () => {
  async function* failing(after: number): AsyncGenerator<Uint8Array> {
    for (let i = 0; i < after; i++) yield new Uint8Array(1024).fill(65);
    throw new FetchReadError("EIO", "[Errno 5] Input/output error");
  }

  test("a transfer that breaks leaves neither dest nor a temp file", async () => {
    const d = mkdtempSync(join(tmpdir(), "ftl-fetch-"));
    await expect(startLocalWrite(join(d, "x"), failing(3), 0o666, new AbortController().signal)).rejects.toThrow("Input/output error");
    expect(readdirSync(d)).toEqual([]);
  });

  test("an aborted transfer keeps the old dest untouched", async () => {
    const d = mkdtempSync(join(tmpdir(), "ftl-fetch-"));
    writeFileSync(join(d, "x"), "old");
    const ctl = new AbortController();
    ctl.abort(new Error("task timed out"));
    await expect(startLocalWrite(join(d, "x"), failing(2), 0o666, ctl.signal)).rejects.toThrow("task timed out");
    expect(readdirSync(d)).toEqual(["x"]);
    expect(readFileSync(join(d, "x"), "utf8")).toBe("old");
  });

  test("commit renames into place; hashes are of the streamed bytes", async () => {
    const d = mkdtempSync(join(tmpdir(), "ftl-fetch-"));
    async function* two() {
      yield new TextEncoder().encode("hello ");
      yield new TextEncoder().encode("world\n");
    }
    const w = await startLocalWrite(join(d, "x"), two(), 0o640, new AbortController().signal);
    expect(existsSync(join(d, "x"))).toBe(false);
    await w.commit();
    expect(readFileSync(join(d, "x"), "utf8")).toBe("hello world\n");
    expect(w.sha1).toBe("22596363b3de40b06f981fb85d82312e8c0ed511");
    expect(w.md5).toBe("6f5902ac237024bdd0c176cb93063dc4");
    expect(statSync(join(d, "x")).mode & 0o777).toBe(0o640 & ~process.umask());
  });
});
