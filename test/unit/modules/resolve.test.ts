import { describe, expect, test } from "bun:test";
import { join, resolve } from "node:path";
import { isFtlError } from "../../../src/errors.ts";
import { resolveModule } from "../../../src/modules/_resolve.ts";
import { SYSTEM_PYTHON } from "../../helpers/ansible.ts";

const FIX = resolve(import.meta.dir, "../../fixtures/modules-b");
const base = { cwd: FIX, env: { ...process.env, ANSIBLE_COLLECTIONS_PATH: join(FIX, "collections") }, python: SYSTEM_PYTHON };

async function notFound(name: string, opts = base): Promise<Error> {
  try {
    await resolveModule(name, opts);
  } catch (e) {
    return e as Error;
  }
  throw new Error(`${name} resolved`);
}

describe("resolveModule", () => {
  test("short, ansible.builtin and ansible.legacy names give the builtin module", async () => {
    for (const name of ["file", "ansible.builtin.file", "ansible.legacy.file"]) {
      const r = await resolveModule(name, base);
      expect(r.fqcn).toBe("ansible.builtin.file");
      expect(r.kind).toBe("ansible-builtin");
      expect(r.pythonModule).toBe("ansible.modules.file");
      expect(r.path.endsWith("/ansible/modules/file.py")).toBe(true);
    }
  });

  test("ansible.builtin routing redirects to the collection in site-packages", async () => {
    const r = await resolveModule("ansible.builtin.firewalld", base);
    expect(r.fqcn).toBe("ansible.posix.firewalld");
    expect(r.kind).toBe("collection");
    expect(r.pythonModule).toBe("ansible_collections.ansible.posix.plugins.modules.firewalld");
  });

  test("FQCN through ANSIBLE_COLLECTIONS_PATH, with the collection's own redirect", async () => {
    for (const name of ["ftltest.demo.echo", "ftltest.demo.old_echo"]) {
      const r = await resolveModule(name, base);
      expect(r).toEqual({
        name,
        fqcn: "ftltest.demo.echo",
        path: join(FIX, "collections/ansible_collections/ftltest/demo/plugins/modules/echo.py"),
        pythonModule: "ansible_collections.ftltest.demo.plugins.modules.echo",
        collectionsRoot: join(FIX, "collections"),
        kind: "collection",
      });
    }
  });

  test("./collections beside the cwd is searched without any setting", async () => {
    const r = await resolveModule("ftltest.demo.echo", { ...base, env: { PATH: process.env.PATH } });
    expect(r.collectionsRoot).toBe(join(FIX, "collections"));
  });

  test("-M library directories come before builtins for short and legacy names", async () => {
    const opts = { ...base, modulePaths: [join(FIX, "library")] };
    const r = await resolveModule("libmod", opts);
    expect(r).toEqual({ name: "libmod", fqcn: "ansible.legacy.libmod", path: join(FIX, "library/libmod.py"), kind: "library" });
    expect((await resolveModule("ansible.legacy.libmod", opts)).kind).toBe("library");
    const lib = await resolveModule("libmod", { ...base, env: { ...base.env, ANSIBLE_LIBRARY: join(FIX, "library") } });
    expect(lib.kind).toBe("library");
  });

  test("unknown modules fail with MODULE_NOT_FOUND naming the searched paths", async () => {
    const e = await notFound("nosuchmod");
    expect(isFtlError(e) && e.code).toBe("MODULE_NOT_FOUND");
    expect(e.message).toStartWith(
      "couldn't resolve module/action 'nosuchmod'. This often indicates a misspelling, missing collection, or incorrect module path. Searched: ",
    );
    expect(e.message).toContain("/ansible/modules");
    const c = await notFound("ftltest.demo.nosuch");
    expect(c.message).toContain(join(FIX, "collections/ansible_collections"));
    expect((await notFound("bad name!")).message).toContain("'bad name!'");
    expect((await notFound("a.b")).message).toContain("'a.b'");
  });

  test("a tombstoned module says it was removed", async () => {
    const e = await notFound("ftltest.demo.gone");
    expect(e.message).toBe("ftltest.demo.gone has been removed. Use ftltest.demo.echo instead.");
  });
});
