/**
 * The Dockerfile and `npm run image`, checked without Docker (none runs here, and CI has none):
 * every path the Dockerfile copies exists and is not excluded from the build context, the runtime
 * stage is production-only and non-root with `flowctl` as entry point, everything that entry point
 * imports is copied, the package ships it (`npm pack --dry-run`), and `npm run image` says why it
 * cannot build where Docker is missing, with the tag `flowctl translate` uses by default.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string; bin: Record<string, string>; files: string[]; scripts: Record<string, string> };

interface Instruction {
  stage: string;
  op: string;
  args: string;
}

/** Dockerfile → instructions per stage (continuation lines joined, comments dropped). */
function parseDockerfile(text: string): Instruction[] {
  const lines = text.replace(/\\\n\s*/g, " ").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
  const out: Instruction[] = [];
  let stage = "";
  for (const line of lines) {
    const [op, ...rest] = line.split(/\s+/);
    const args = rest.join(" ");
    if (op!.toUpperCase() === "FROM") stage = /\bAS\s+(\S+)/i.exec(args)?.[1] ?? args;
    out.push({ stage, op: op!.toUpperCase(), args });
  }
  return out;
}

const ignored = readFileSync(path.join(ROOT, ".dockerignore"), "utf8").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
const isIgnored = (p: string) => ignored.some((i) => p === i.replace(/\/$/, "") || p.startsWith(i.endsWith("/") ? i : `${i}/`));

describe("Dockerfile", () => {
  const steps = parseDockerfile(readFileSync(path.join(ROOT, "Dockerfile"), "utf8"));
  const stages = [...new Set(steps.filter((s) => s.op === "FROM").map((s) => s.stage))];
  const final = steps.filter((s) => s.stage === stages.at(-1));

  it("is multi-stage: the runtime stage installs production dependencies only, runs as node, enters through flowctl", () => {
    expect(stages).toEqual(["build", "runtime"]);
    expect(final.filter((s) => s.op === "RUN").map((s) => s.args).join("\n")).toMatch(/npm ci --omit=dev/);
    expect(final.filter((s) => s.op === "USER").map((s) => s.args)).toEqual(["node"]);
    expect(final.find((s) => s.op === "ENTRYPOINT")?.args).toBe('["flowctl"]');
    // `flowctl` on PATH is the package's bin.
    expect(final.find((s) => s.op === "RUN" && s.args.includes("ln -s"))?.args).toContain(`/opt/flowctl/${pkg.bin.flowctl!.replace(/^\.\//, "")} /usr/local/bin/flowctl`);
  });

  it("copies only paths that exist and are in the build context; the runtime takes dist/ from the build stage", () => {
    for (const copy of steps.filter((s) => s.op === "COPY")) {
      const parts = copy.args.split(/\s+/);
      if (parts[0]!.startsWith("--from=")) {
        expect(parts.slice(1, -1), copy.args).toEqual(["/src/dist/"]);
        continue;
      }
      for (const src of parts.slice(0, -1)) {
        if (src === ".") continue;
        expect(existsSync(path.join(ROOT, src)), `${src} exists`).toBe(true);
        expect(isIgnored(src.replace(/\/$/, "")), `${src} is not in .dockerignore`).toBe(false);
      }
    }
  });

  it("copies every file the entry point imports outside dist/", () => {
    const copied = final.filter((s) => s.op === "COPY" && !s.args.startsWith("--from")).flatMap((s) => s.args.split(/\s+/).slice(0, -1));
    const bin = path.join(ROOT, pkg.bin.flowctl!);
    expect(copied).toContain(path.relative(ROOT, bin));
    const imports = [...readFileSync(bin, "utf8").matchAll(/from "(\.\.\/[^"]+)"/g)].map((m) => path.relative(ROOT, path.resolve(path.dirname(bin), m[1]!)));
    expect(imports.length).toBeGreaterThan(0);
    for (const file of imports) expect(copied.some((c) => file === c.replace(/\/$/, "") || file.startsWith(c)), `${file} is copied`).toBe(true);
  });

  it("is what the package ships: npm pack has the entry point and what it loads", () => {
    const files = (JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: ROOT, encoding: "utf8" })) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    for (const f of ["bin/flowctl.mjs", "scripts/dist-state.mjs", "proto/flowctl/v1/control_plane.proto", "package.json"]) expect(files, f).toContain(f);
    expect(files.some((f) => f.startsWith("prisma/migrations/"))).toBe(true);
  });
});

describe("npm run image", () => {
  it("exits 1 saying Docker is not available, naming the tag translate deploys by default", () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, "scripts/image.mjs")], { env: { ...process.env, DOCKER: path.join(ROOT, "no-such-docker") }, encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`npm run image: Docker is not available (${path.join(ROOT, "no-such-docker")}: not found on PATH); install Docker to build flowctl:${pkg.version}`);
    expect(pkg.scripts.image).toBe("node scripts/image.mjs");
    const help = execFileSync(process.execPath, [path.join(ROOT, "bin/flowctl.mjs"), "translate", "--help"], { encoding: "utf8" });
    expect(help.replace(/\s+/g, " ")).toContain(`(default: "flowctl:${pkg.version}")`);
  });
});
