/**
 * Every link and every `docs/<page>` mention in the README, docs/ and the messages the code prints
 * (its string literals; comments are for the code's readers) leads to a file that exists: a user
 * following a fix or a README link never lands on nothing.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "..");

function filesUnder(dir: string, keep: (f: string) => boolean): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile() && keep(d.name))
    .map((d) => path.relative(ROOT, path.join(d.parentPath, d.name)))
    .filter((f) => !f.includes("node_modules") && !f.includes(`${path.sep}generated${path.sep}`));
}

const markdown = ["README.md", ...filesUnder("docs", (f) => f.endsWith(".md"))];
const sources = filesUnder("server", (f) => f.endsWith(".ts") && !f.endsWith(".test.ts"));

/** `docs/page`, `docs/page.md` or `docs/page.md#anchor` → the file it names, relative to the repository. */
function docsTarget(mention: string): string {
  const bare = mention.replace(/#.*$/, "").replace(/[.,:;)]+$/, "");
  return path.extname(bare) ? bare : `${bare}.md`;
}

describe("documentation links", () => {
  it.each(markdown)("%s: every relative markdown link names an existing file", (file) => {
    // Code blocks and inline code hold regexes and examples, not links.
    const text = readFileSync(path.join(ROOT, file), "utf8").replace(/```[\s\S]*?```/g, "").replace(/`[^`\n]*`/g, "");
    const broken = [...text.matchAll(/\]\(([^)\s]+)\)/g)]
      .map((m) => m[1]!)
      .filter((href) => !/^[a-z]+:/i.test(href) && !href.startsWith("#"))
      .filter((href) => !existsSync(path.resolve(ROOT, path.dirname(file), href.replace(/#.*$/, ""))));
    expect(broken).toEqual([]);
  });

  it.each([...markdown, ...sources])("%s: every docs/<page> it mentions exists", (file) => {
    const raw = readFileSync(path.join(ROOT, file), "utf8");
    const text = file.endsWith(".ts") ? raw.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:])\/\/.*$/gm, "$1") : raw;
    // A mention followed by `*` is a glob of files (`docs/bench/*.svg`), not a page: its directory must exist.
    const broken = [...text.matchAll(/(?<![\w/.-])docs\/[\w.#/*-]*[\w*]/g)]
      .map((m) => m[0])
      .filter((m) => (m.includes("*") ? !existsSync(path.join(ROOT, m.slice(0, m.lastIndexOf("/")))) : !existsSync(path.join(ROOT, docsTarget(m)))));
    expect(broken).toEqual([]);
  });
});
