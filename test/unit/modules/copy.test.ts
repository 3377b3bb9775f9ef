import { describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { copyModule } from "../../../src/modules/copy.ts";
import { type Case, compareWithAnsible } from "./_oracle-b.ts";

const withSrc = (d: string): void => {
  writeFileSync(join(d, "s.txt"), "source text\n");
  chmodSync(join(d, "s.txt"), 0o640);
  mkdirSync(join(d, "out"));
};
const withTree = (d: string): void => {
  mkdirSync(join(d, "tree/sub/empty"), { recursive: true });
  writeFileSync(join(d, "tree/a"), "A");
  writeFileSync(join(d, "tree/sub/b"), "B");
  symlinkSync("a", join(d, "tree/link-a"));
  mkdirSync(join(d, "out"));
};
const withDest = (d: string): void => {
  withSrc(d);
  writeFileSync(join(d, "out/s.txt"), "old text\n");
  chmodSync(join(d, "out/s.txt"), 0o600);
};
// The module's `src` is ansible's temp copy on the target; ours names the real source.
const SRC = ["src"];

const cases: Case[] = [
  { name: "content to a new file, diff", args: (d) => ({ content: "hello\n", dest: join(d, "new") }), diff: true, drop: SRC },
  { name: "content unchanged goes through the file module", setup: (d) => writeFileSync(join(d, "same"), "hello\n"), args: (d) => ({ content: "hello\n", dest: join(d, "same"), mode: "0600" }), diff: true },
  { name: "content in check mode with diff", setup: (d) => writeFileSync(join(d, "old"), "before\n"), args: (d) => ({ content: "after\n", dest: join(d, "old") }), check: true, diff: true },
  { name: "content as a dict is JSON", args: (d) => ({ content: { a: 1, b: [true, null, "é"] }, dest: join(d, "j.json") }), drop: SRC },
  { name: "src relative to cwd into dir with a trailing slash", setup: withSrc, args: (d) => ({ src: "s.txt", dest: `${join(d, "out")}/` }), drop: SRC },
  { name: "src into an existing dir without slash", setup: withSrc, args: (d) => ({ src: join(d, "s.txt"), dest: join(d, "out") }), drop: SRC },
  { name: "src over an existing file, mode preserve", setup: withDest, args: (d) => ({ src: join(d, "s.txt"), dest: join(d, "out/s.txt"), mode: "preserve" }), drop: SRC },
  { name: "existing file keeps its mode", setup: withDest, args: (d) => ({ src: join(d, "s.txt"), dest: join(d, "out/s.txt") }), drop: SRC },
  { name: "force=no keeps an existing file", setup: withDest, args: (d) => ({ src: join(d, "s.txt"), dest: join(d, "out/s.txt"), force: false }) },
  { name: "owner, group and symbolic mode", setup: withSrc, args: (d) => ({ src: join(d, "s.txt"), dest: join(d, "out/x"), owner: "nobody", group: "nogroup", mode: "u=rw,g=r" }), drop: SRC },
  { name: "recursive copy of dir contents (src/)", setup: withTree, args: (d) => ({ src: `${join(d, "tree")}/`, dest: join(d, "out") }) },
  { name: "recursive copy of the dir itself, directory_mode", setup: withTree, args: (d) => ({ src: join(d, "tree"), dest: join(d, "out"), directory_mode: "0750" }) },
  { name: "recursive copy without following links", setup: withTree, args: (d) => ({ src: join(d, "tree"), dest: join(d, "out2/"), local_follow: false }) },
  { name: "recursive copy in check mode", setup: withTree, args: (d) => ({ src: join(d, "tree"), dest: join(d, "out") }), check: true },
  { name: "validate passes", setup: withSrc, args: (d) => ({ src: join(d, "s.txt"), dest: join(d, "out/v"), validate: "grep -q source %s" }), drop: SRC },
  { name: "validate fails", setup: withSrc, args: (d) => ({ src: join(d, "s.txt"), dest: join(d, "out/v"), validate: "grep -q nothing-here %s" }) },
  { name: "validate without %s", setup: withSrc, args: (d) => ({ src: join(d, "s.txt"), dest: join(d, "out/v"), validate: "true" }) },
  { name: "checksum mismatch", setup: withSrc, args: (d) => ({ src: join(d, "s.txt"), dest: join(d, "out/c"), checksum: "0000" }) },
  { name: "remote_src file", setup: withSrc, args: (d) => ({ src: join(d, "s.txt"), dest: join(d, "out/r"), remote_src: true }) },
  { name: "dest parent missing", setup: withSrc, args: (d) => ({ src: join(d, "s.txt"), dest: join(d, "no/such/x") }) },
  { name: "dest with slash creates parents", setup: withSrc, args: (d) => ({ src: join(d, "s.txt"), dest: `${join(d, "new/deep")}/` }), drop: SRC },
  { name: "no src or content", args: (d) => ({ dest: join(d, "x") }) },
  { name: "no dest", args: () => ({ content: "x" }) },
  { name: "src and content", args: (d) => ({ content: "x", src: "y", dest: join(d, "x") }) },
  { name: "content with a dir dest", args: (d) => ({ content: "x", dest: `${d}/` }) },
  { name: "content with an existing dir as dest", args: (d) => ({ content: "x", dest: d }) },
];

describe("copy module against ansible", () => {
  for (const c of cases) {
    test(c.name, async () => {
      const { ours, theirs } = await compareWithAnsible(copyModule, c);
      expect(ours).toEqual(theirs);
    }, 20_000);
  }

  test("missing controller source names the searched paths", async () => {
    const { ours, theirs } = await compareWithAnsible(copyModule, { name: "", args: (d) => ({ src: "nope.txt", dest: join(d, "x") }), drop: ["exception"] });
    expect(ours).toEqual(theirs);
  }, 20_000);

  test("backup_file is named as ansible names it", async () => {
    const { ours, theirs, oursRaw, dirs } = await compareWithAnsible(copyModule, { name: "", setup: withDest, args: (d) => ({ src: join(d, "s.txt"), dest: join(d, "out/s.txt"), backup: true }), drop: [...SRC, "backup_file"] });
    expect(ours).toEqual(theirs);
    const backup = String(oursRaw.backup_file);
    expect(backup).toMatch(new RegExp(`^${dirs[1]}/out/s\\.txt\\.${process.pid}\\.\\d{4}-\\d\\d-\\d\\d@\\d\\d:\\d\\d:\\d\\d~$`));
    expect(readFileSync(backup, "utf8")).toBe("old text\n");
    expect(statSync(backup).mode & 0o777).toBe(0o600);
  }, 20_000);

  test("our src names the real source; files land with the content", async () => {
    const { oursRaw, dirs } = await compareWithAnsible(copyModule, { name: "", setup: withTree, args: (d) => ({ src: `${join(d, "tree")}/`, dest: join(d, "out") }) });
    expect(readFileSync(join(dirs[1], "out/sub/b"), "utf8")).toBe("B");
    expect(existsSync(join(dirs[1], "out/sub/empty"))).toBe(true);
    const single = await compareWithAnsible(copyModule, { name: "", setup: withSrc, args: (d) => ({ src: join(d, "s.txt"), dest: join(d, "out") }) });
    expect(single.oursRaw.src).toBe(join(single.dirs[1], "s.txt"));
    expect(oursRaw.changed).toBe(true);
  }, 20_000);
});
