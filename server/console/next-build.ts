/**
 * The console's production build: `next build` runs when `.next/` is missing or was built from
 * other sources, and never otherwise (a second start does not rebuild). "Other sources" is a hash
 * of every file Next compiles or reads config from, recorded next to the build.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { FlowError } from "../core/errors";
import type { Logger } from "../core/logger";
import { isProcessAlive } from "../lifecycle/process-alive";

/** What the console's pages compile from (server/ because pages import its pure modules). */
const INPUT_DIRS = ["app", "components", "public", "server"];
const INPUT_FILES = ["next.config.mjs", "tsconfig.json", "package-lock.json", "package.json"];
const STAMP = "flowctl-build.json";

/** Hash of the build's inputs under `root`. */
export function buildInputsHash(root: string): string {
  const h = createHash("sha256");
  const files: string[] = [];
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.name === "node_modules" || e.name === "generated" || e.name.startsWith(".")) continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (!/\.(test|int\.test)\.tsx?$/.test(e.name)) files.push(p);
    }
  };
  for (const d of INPUT_DIRS) walk(path.join(root, d));
  for (const f of INPUT_FILES) if (existsSync(path.join(root, f))) files.push(path.join(root, f));
  for (const f of files.sort()) {
    h.update(path.relative(root, f));
    h.update("\0");
    h.update(readFileSync(f));
  }
  return h.digest("hex");
}

/** Whether `.next/` holds a production build of the current sources. */
export function isBuildFresh(root: string, hash = buildInputsHash(root)): boolean {
  const stamp = path.join(root, ".next", STAMP);
  if (!existsSync(path.join(root, ".next", "BUILD_ID")) || !existsSync(stamp)) return false;
  try {
    return (JSON.parse(readFileSync(stamp, "utf8")) as { inputs?: string }).inputs === hash;
  } catch {
    return false;
  }
}

/**
 * Builds the console if needed, streaming Next's progress through `logger`. Two consoles starting
 * at once build once: the second waits for the first's lock, then finds the build fresh.
 */
export async function ensureConsoleBuild(root: string, logger: Logger, signal?: AbortSignal): Promise<"fresh" | "built"> {
  const hash = buildInputsHash(root);
  if (isBuildFresh(root, hash)) return "fresh";
  const release = await acquireBuildLock(root, logger, signal);
  try {
    if (isBuildFresh(root, hash)) return "fresh";
    return await build(root, hash, logger, signal);
  } finally {
    release();
  }
}

async function build(root: string, hash: string, logger: Logger, signal?: AbortSignal): Promise<"built"> {
  logger.info("building the console (first start, or its sources changed) — this takes a minute", { dir: root });
  const started = Date.now();
  const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [nextBin, "build"], {
      cwd: root,
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
      stdio: ["ignore", "pipe", "pipe"],
      ...(signal ? { signal } : {}),
    });
    const lines: string[] = [];
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString().split("\n")) {
        const text = line.trim();
        if (!text) continue;
        lines.push(text);
        if (lines.length > 40) lines.shift();
        logger.info(`next build: ${text}`);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code === 0) resolve();
      else reject(new FlowError("INTERNAL", `next build failed (exit ${code}):\n${lines.join("\n")}`, { kind: "unexpected" }));
    });
  });
  writeFileSync(path.join(root, ".next", STAMP), JSON.stringify({ inputs: hash, builtAt: new Date().toISOString() }) + "\n");
  logger.info("console built", { seconds: Math.round((Date.now() - started) / 100) / 10 });
  return "built";
}

/** Holds `<root>/.next-build.lock` (a directory: mkdir is atomic); a dead holder's lock is taken over. */
async function acquireBuildLock(root: string, logger: Logger, signal?: AbortSignal): Promise<() => void> {
  const lock = path.join(root, ".next-build.lock");
  const owner = path.join(lock, "pid");
  let told = false;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(owner, String(process.pid));
      return () => rmSync(lock, { recursive: true, force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    const holder = Number(readFileIfExists(owner));
    if (Number.isInteger(holder) && holder > 0 && !isProcessAlive(holder)) {
      rmSync(lock, { recursive: true, force: true });
      continue;
    }
    if (!told) {
      logger.info("another console is building the pages; waiting for it", { lock });
      told = true;
    }
    if (signal?.aborted) throw new FlowError("CANCELLED", "console build wait aborted");
    await new Promise((r) => setTimeout(r, 500));
  }
}

function readFileIfExists(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}
