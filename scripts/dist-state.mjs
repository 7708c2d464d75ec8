// Whether the compiled output in dist/ matches the TypeScript in server/, and the lock that keeps
// builds one at a time. Imported by bin/flowctl.mjs on every start, so it loads only fs and path:
// no hashing library, no child processes, no compiler (scripts/dist.mjs builds, loaded on demand).
//
// dist/build-info.json records a signature of the sources it was built from (path, size and mtime
// of every compiled file, plus the build scripts). Compiled output that does not match them is
// never used: the CLI rebuilds first, the SDK entry refuses to load. An installed package ships
// dist/ without server/, so there is nothing to compare and dist/ is used as is. See docs/build.md.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** Repository (package) root. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const SRC_DIR = path.join(ROOT, "server");
export const DIST_DIR = path.join(ROOT, "dist");
export const INFO_FILE = path.join(DIST_DIR, "build-info.json");
const LOCK_DIR = path.join(ROOT, ".flowctl-build.lock");
/** The build's own code: a change to it changes what dist/ should hold. */
const BUILD_SCRIPTS = ["dist-state.mjs", "dist.mjs"].map((f) => path.join(ROOT, "scripts", f));

/** Whether a file under server/ is compiled: TypeScript that is not a test or a test helper. */
function isCompiled(rel) {
  if (!rel.endsWith(".ts") || rel.endsWith(".d.ts") || rel.endsWith(".test.ts")) return false;
  return !rel.split("/").some((part) => part === "__tests__" || part === "test-support");
}

/** Compiled source files, relative to server/ with forward slashes, sorted. */
export function sourceFiles() {
  const out = [];
  const walk = (dir, rel) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path.join(dir, entry.name), childRel);
      else if (isCompiled(childRel)) out.push(childRel);
    }
  };
  walk(SRC_DIR, "");
  return out.sort();
}

/** FNV-1a, 2 × 32 bits: identifies a list of stats; not a security boundary, so no crypto to load. */
function fnv(text) {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return (a >>> 0).toString(16).padStart(8, "0") + (b >>> 0).toString(16).padStart(8, "0");
}

/**
 * What the compiled output depends on: every compiled source's path, size and mtime, and the build
 * scripts'. Any edit, addition, removal or rename changes it. Stat only (no reads): a few ms.
 */
export function sourceSignature(files = sourceFiles()) {
  const parts = [];
  for (const rel of files) {
    const s = statSync(path.join(SRC_DIR, rel));
    parts.push(`${rel}\0${s.size}\0${s.mtimeMs}`);
  }
  for (const f of BUILD_SCRIPTS) {
    const s = statSync(f);
    parts.push(`${path.basename(f)}\0${s.size}\0${s.mtimeMs}`);
  }
  return fnv(parts.join("\n"));
}

export function readInfo() {
  try {
    return JSON.parse(readFileSync(INFO_FILE, "utf8"));
  } catch {
    return undefined;
  }
}

/**
 * Where dist/ stands against the sources: "fresh", "stale" (sources changed since the build),
 * "missing" (never built) or "installed" (no server/ beside it: a packaged install, used as is).
 * `declarations: true` asks about the .d.ts files of the SDK instead of the JavaScript.
 */
export function distState({ declarations = false } = {}) {
  if (!existsSync(SRC_DIR)) return existsSync(path.join(DIST_DIR, "cli", "main.js")) ? "installed" : "missing";
  const info = readInfo();
  const built = declarations ? info?.declarations : info?.signature;
  if (!built) return "missing";
  return built === sourceSignature() ? "fresh" : "stale";
}

/**
 * Makes dist/ match the sources. `build: false` throws instead of building (for code that must not
 * start a compiler, such as the SDK entry imported by someone else's component).
 */
export async function ensureDist({ build = true, declarations = false, log = () => undefined } = {}) {
  const state = distState({ declarations });
  if (state === "fresh" || state === "installed") return state;
  if (!existsSync(SRC_DIR)) throw new Error(`flowctl: ${DIST_DIR} is missing and there are no sources to build it from; reinstall the package`);
  if (!build) {
    throw new Error(
      `flowctl: the compiled output in ${DIST_DIR} is ${state === "missing" ? "missing" : "older than the sources in server/"}; run \`npm run build\` in ${ROOT}`,
    );
  }
  await withLock(async () => {
    // Another process may have built while this one waited for the lock.
    if (distState({ declarations }) === "fresh") return;
    log(`compiling server/ into dist/ (${state})`);
    const { buildDeclarations, buildJs } = await import("./dist.mjs");
    if (declarations) await buildDeclarations();
    else await buildJs();
  });
  return "built";
}

/** One builder at a time per checkout: a directory as the lock, its owner's pid inside. */
export async function withLock(fn) {
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(LOCK_DIR);
      writeFileSync(path.join(LOCK_DIR, "pid"), String(process.pid));
      break;
    } catch (err) {
      if (err.code !== "EEXIST") throw err;
      if (lockOwnerIsGone()) {
        rmSync(LOCK_DIR, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`flowctl: waited 120 s for another build to finish (remove ${LOCK_DIR} if none is running)`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(LOCK_DIR, { recursive: true, force: true });
  }
}

function lockOwnerIsGone() {
  let pid;
  try {
    pid = Number(readFileSync(path.join(LOCK_DIR, "pid"), "utf8"));
  } catch {
    // Created but the pid not written yet (or unreadable): judge by age.
    try {
      return Date.now() - statSync(LOCK_DIR).mtimeMs > 10_000;
    } catch {
      return true;
    }
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return err.code === "ESRCH";
  }
}

