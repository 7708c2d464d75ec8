// Ahead-of-time compilation of server/ (TypeScript) into dist/ (JavaScript). One file per source
// file, at the same depth (server/cli/main.ts → dist/cli/main.js), so paths the code computes from
// import.meta.url (package.json, proto/, prisma/migrations) resolve the same in both trees; plus a
// bundle per built-in component, the CLI's command manifest and the SDK's type declarations.
// Freshness (dist/build-info.json against the sources) and the build lock: dist-state.mjs.
// Details: docs/build.md.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { DIST_DIR, INFO_FILE, readInfo, ROOT, sourceFiles, sourceSignature, SRC_DIR, withLock } from "./dist-state.mjs";

export { distState, DIST_DIR, ensureDist, ROOT, sourceFiles, sourceSignature, SRC_DIR } from "./dist-state.mjs";

const SELF = fileURLToPath(import.meta.url);
/** First line of a built-in bundle: the function Node wraps CommonJS modules in (same as code-cache.ts). */
const BUNDLE_WRAPPER = "(function (exports, require, module, __filename, __dirname) { ";
/** The public SDK entries (package.json `exports`): they get type declarations and the guard. */
const DECLARATION_ROOTS = ["sdk/index.ts", "sdk/testing/index.ts"];

/**
 * Resolves a relative import of `importer` to the specifier Node needs at run time: sources import
 * extensionless paths (bundler resolution), ESM in Node wants the file — `./x` → `./x.js` or
 * `./x/index.js`. Undefined when it is not a compiled source (left to the bundler's own error).
 */
function runtimeSpecifier(importer, spec) {
  const target = path.resolve(path.dirname(importer), spec);
  if (/\.(m?js|json|node)$/.test(spec)) return spec;
  if (spec.endsWith(".ts") && existsSync(target)) return spec.slice(0, -3) + ".js";
  if (existsSync(target + ".ts")) return spec + ".js";
  if (existsSync(path.join(target, "index.ts"))) return spec.replace(/\/?$/, "/index.js");
  return undefined;
}

/** Writes a file only when its content changed, through a rename: readers see old or new, never half. */
function writeIfChanged(file, contents) {
  try {
    if (Buffer.compare(readFileSync(file), contents) === 0) return false;
  } catch {
    // absent: write it
  }
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, contents);
  renameSync(tmp, file);
  return true;
}

/** Compiles every source file to dist/ (no bundling: imports stay imports, with runtime paths). */
export async function buildJs() {
  const { build } = await import("esbuild");
  const files = sourceFiles();
  const signature = sourceSignature(files);
  const result = await build({
    entryPoints: files.map((f) => path.join(SRC_DIR, f)),
    outbase: SRC_DIR,
    outdir: DIST_DIR,
    // bundle + every import external: esbuild parses the imports (static and dynamic) so the plugin
    // can rewrite their paths, and never inlines one module into another.
    bundle: true,
    packages: "external",
    platform: "node",
    format: "esm",
    target: "node20",
    sourcemap: "linked",
    sourcesContent: false,
    write: false,
    logLevel: "silent",
    plugins: [
      {
        name: "relative-imports",
        setup(b) {
          b.onResolve({ filter: /^\.\.?(\/|$)/ }, (args) => {
            const spec = runtimeSpecifier(args.importer, args.path);
            return spec ? { path: spec, external: true } : undefined;
          });
        },
      },
    ],
  });
  const written = new Set();
  let changed = 0;
  const guarded = new Set(DECLARATION_ROOTS.map((f) => path.join(DIST_DIR, f.replace(/\.ts$/, ".js"))));
  for (const out of result.outputFiles) {
    written.add(out.path);
    // Someone else's component imports these: it must fail loudly, not run an SDK older than the sources.
    // On the first line (esbuild's `// server/…` comment), so the source map's lines still match.
    const guard = guarded.has(out.path) ? `import ${JSON.stringify(path.relative(path.dirname(out.path), path.join(ROOT, "scripts", "dist-guard.mjs")))};` : "";
    if (writeIfChanged(out.path, Buffer.concat([Buffer.from(guard), Buffer.from(out.contents)]))) changed++;
  }
  // A removed source must not leave its compiled module behind, still importable.
  const removeOrphans = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) removeOrphans(p);
      else if (/\.c?js(\.map)?$/.test(entry.name) && !written.has(p)) unlinkSync(p);
      else if (entry.name.endsWith(".cache") && !written.has(p.replace(/\.[0-9a-f]+\.cache$/, ".cjs"))) unlinkSync(p);
    }
  };
  await buildComponentBundles(build, written);
  removeOrphans(DIST_DIR);
  writeCommandManifest();
  const info = readInfo() ?? {};
  writeIfChanged(INFO_FILE, Buffer.from(JSON.stringify({ ...info, signature, files: files.length, builtAt: new Date().toISOString() }, null, 2) + "\n"));
  return { files: files.length, changed };
}

/**
 * One self-contained bundle per built-in component (dist/components/<name>.cjs): the SDK, that
 * component and the packages they use, tree-shaken into one CommonJS module, and its launcher
 * dist/components/<name>.js, which runs it through a V8 code cache (<name>.<key>.cache, written by
 * warmCodeCaches below; server/sdk/builtins/code-cache.ts). The engine starts built-ins from the
 * launchers (bin/flowctl.mjs `component <name>` imports the same): fewer modules, only the code
 * that runs, and no compilation keep an idle component's memory and its start-up low
 * (docs/benchmarks.md, "Start-up and memory"). CommonJS because Node 20 can hand V8 a code cache
 * for a script, not for an ES module. They sit one level under dist/, like every compiled module,
 * so import.meta.url-relative paths still hold.
 */
async function buildComponentBundles(build, written) {
  const loaders = await import(`${pathToFileURL(path.join(DIST_DIR, "sdk", "builtins", "load.js")).href}?t=${Date.now()}`);
  const names = Object.keys(loaders.BUILTIN_LOADERS);
  const runner = path.join(SRC_DIR, "sdk", "builtins", "run-builtin.ts");
  const result = await build({
    entryPoints: names.map((name) => ({ in: `builtin:${name}`, out: name })),
    outdir: path.join(DIST_DIR, "components"),
    outExtension: { ".js": ".cjs" },
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    sourcemap: "linked",
    sourcesContent: false,
    write: false,
    logLevel: "silent",
    // pg's optional native binding is never installed; CommonJS packages inside an ES module need a
    // `require` for Node's built-ins (and protobufjs finds its optional `long` through it).
    external: ["pg-native"],
    // The whole bundle is one string in the component's heap: minified and ASCII-only it takes
    // ~1 MB instead of ~4 MB (a single non-ASCII character in a comment made it UTF-16).
    minify: true,
    keepNames: true,
    charset: "ascii",
    legalComments: "none",
    // The sources locate proto/ from import.meta.url, which CommonJS does not have.
    define: { "import.meta.url": "__flowctlModuleUrl" },
    // Already wrapped the way Node wraps a CommonJS module (server/sdk/builtins/code-cache.ts
    // compiles it as is): wrapping at run time would keep a second copy of the source in the heap.
    banner: { js: `${BUNDLE_WRAPPER}var __flowctlModuleUrl = require("node:url").pathToFileURL(__filename).href;` },
    footer: { js: "\n});" },
    plugins: [
      {
        // zod re-exports every translation of its messages (`z.locales`, ~260 KB of the bundle);
        // components use the English messages zod configures by default, and nothing else.
        name: "zod-english-only",
        setup(b) {
          b.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, () => ({ contents: 'export { default as en } from "./en.js";\n', loader: "js" }));
        },
      },
      {
        name: "builtin-entries",
        setup(b) {
          b.onResolve({ filter: /^builtin:/ }, (args) => ({ path: args.path.slice("builtin:".length), namespace: "builtin" }));
          b.onLoad({ filter: /.*/, namespace: "builtin" }, (args) => {
            const file = path.join(SRC_DIR, "sdk", "builtins", `${args.path}.ts`);
            if (!existsSync(file)) throw new Error(`built-in ${args.path}: ${file} does not exist (each built-in is the default export of sdk/builtins/<name>.ts)`);
            return {
              // `done` settles when the component stops; the launcher awaits it (CommonJS has no top-level await).
              contents: `import factory from ${JSON.stringify(file)};\nimport { runBuiltin } from ${JSON.stringify(runner)};\nexport const done = runBuiltin(factory);\n`,
              resolveDir: ROOT,
              loader: "ts",
            };
          });
        },
      },
    ],
  });
  const changed = [];
  for (const out of result.outputFiles) {
    written.add(out.path);
    if (writeIfChanged(out.path, Buffer.from(out.contents)) && out.path.endsWith(".cjs")) changed.push(out.path);
  }
  for (const name of names) {
    const launcher = path.join(DIST_DIR, "components", `${name}.js`);
    written.add(launcher);
    const body = `// Generated by scripts/dist.mjs: runs the built-in ${name} (${name}.cjs) through its V8 code cache.\nimport { runCachedBundle } from "../sdk/builtins/code-cache.js";\nawait runCachedBundle(new URL(${JSON.stringify(`./${name}.cjs`)}, import.meta.url));\n`;
    writeIfChanged(launcher, Buffer.from(body));
  }
  // A rebuilt bundle's caches are of no use (the digest would refuse them): drop every variant.
  const componentsDir = path.join(DIST_DIR, "components");
  const cachesOf = (bundle) => readdirSync(componentsDir).filter((f) => f.startsWith(`${path.basename(bundle, ".cjs")}.`) && f.endsWith(".cache"));
  for (const bundle of changed) for (const f of cachesOf(bundle)) unlinkSync(path.join(componentsDir, f));
  // V8 refuses a cache made under other flags: warm it under the Node flags the engine starts built-ins with.
  const runtime = await import(`${pathToFileURL(path.join(DIST_DIR, "core", "builtin-runtime.js")).href}?t=${Date.now()}`);
  const flags = runtime.builtinNodeFlags({});
  await warmCodeCaches(
    names.map((n) => path.join(componentsDir, `${n}.cjs`)).filter((b) => !existsSync(defaultCacheFile(b, flags))),
    flags,
  );
}

/**
 * The cache file a built-in started by the engine uses: the engine's Node flags for built-ins
 * (server/core/builtin-runtime.ts), no NODE_OPTIONS (the key of codeCacheFile in
 * server/sdk/builtins/code-cache.ts, computed the same way).
 */
function defaultCacheFile(bundle, flags) {
  const key = createHash("sha256").update([process.version, process.arch, ...[...flags].sort()].join("\0")).digest("hex").slice(0, 12);
  return `${bundle.replace(/\.cjs$/, "")}.${key}.cache`;
}

/**
 * Writes the code cache of each bundle by starting its launcher once, standalone (no control
 * plane, ports chosen by the OS), and stopping it when it is ready: the process stores the bytecode
 * of everything it ran as it exits (a component whose env is incomplete exits at once and stores
 * what it ran until then). A cache that cannot be made is no error: that component compiles at
 * start, and its first run writes one.
 */
async function warmCodeCaches(bundles, flags) {
  const { spawn } = await import("node:child_process");
  const env = { ...process.env, ENABLE_FLOWCTL: "false", PORT: "0", HEALTH_PORT: "0", METRICS_PORT: "0" };
  for (const k of ["NODE_OPTIONS", "FLOWCTL_TRACE_HOPS"]) delete env[k];
  await Promise.all(
    bundles.map(
      (bundle) =>
        new Promise((resolve) => {
          const child = spawn(process.execPath, [...flags, bundle.replace(/\.cjs$/, ".js")], { cwd: ROOT, env, stdio: ["ignore", "ignore", "pipe"] });
          const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
          let err = "";
          child.stderr.on("data", (c) => {
            err += c;
            if (err.includes("component ready")) child.kill("SIGTERM");
          });
          child.once("close", () => {
            clearTimeout(timer);
            if (!existsSync(defaultCacheFile(bundle, flags))) process.stderr.write(`flowctl: no code cache for ${path.basename(bundle)} (it compiles at start instead): ${err.trim().split("\n").slice(-3).join(" | ")}\n`);
            resolve();
          });
          child.once("error", () => resolve());
        }),
    ),
  );
}

/**
 * The CLI's list of subcommands with their help lines (dist/cli/commands.json), so `flowctl --help`
 * needs no command module. Written by the compiled CLI itself, in a child process: loading every
 * command is what the manifest saves the CLI from doing at run time.
 */
function writeCommandManifest() {
  const mod = pathToFileURL(path.join(DIST_DIR, "cli", "command-manifest.js")).href;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", `await (await import(${JSON.stringify(mod)})).writeCommandManifest()`], {
    cwd: ROOT,
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`flowctl: listing the CLI's commands failed:\n${r.stderr}`);
}

/**
 * Type declarations of the SDK's public entries (dist/sdk/**\/*.d.ts), for projects that depend on
 * flowctl. Relative specifiers get their runtime paths as in the JavaScript, so the declarations
 * resolve under `moduleResolution: node16/nodenext` as well as `bundler`.
 */
export async function buildDeclarations() {
  const ts = (await import("typescript")).default;
  const signature = sourceSignature();
  const options = {
    target: ts.ScriptTarget.ES2023,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    allowImportingTsExtensions: true,
    strict: true,
    esModuleInterop: true,
    resolveJsonModule: true,
    skipLibCheck: true,
    types: ["node"],
    declaration: true,
    emitDeclarationOnly: true,
    rootDir: SRC_DIR,
    outDir: DIST_DIR,
  };
  const program = ts.createProgram(
    DECLARATION_ROOTS.map((f) => path.join(SRC_DIR, f)),
    options,
  );
  const rewrite = (ctx) => (sf) => {
    const importer = sf.fileName.startsWith(DIST_DIR) ? path.join(SRC_DIR, path.relative(DIST_DIR, sf.fileName)) : sf.fileName;
    const fix = (lit) => {
      if (!lit || !ts.isStringLiteral(lit) || !/^\.\.?(\/|$)/.test(lit.text)) return lit;
      const spec = runtimeSpecifier(importer.replace(/\.d\.ts$/, ".ts"), lit.text);
      return spec ? ctx.factory.createStringLiteral(spec) : lit;
    };
    const visit = (node) => {
      if (ts.isImportDeclaration(node)) {
        return ctx.factory.updateImportDeclaration(node, node.modifiers, node.importClause, fix(node.moduleSpecifier), node.attributes);
      }
      if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
        return ctx.factory.updateExportDeclaration(node, node.modifiers, node.isTypeOnly, node.exportClause, fix(node.moduleSpecifier), node.attributes);
      }
      if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
        const lit = fix(node.argument.literal);
        const updated = ctx.factory.updateImportTypeNode(node, ctx.factory.updateLiteralTypeNode(node.argument, lit), node.attributes, node.qualifier, node.typeArguments, node.isTypeOf);
        return ts.visitEachChild(updated, visit, ctx);
      }
      return ts.visitEachChild(node, visit, ctx);
    };
    return ts.visitNode(sf, visit);
  };
  const emitted = program.emit(undefined, (file, text) => writeIfChanged(file, Buffer.from(text)), undefined, true, { afterDeclarations: [rewrite] });
  const errors = [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics].filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) {
    const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => ROOT, getNewLine: () => "\n" };
    throw new Error(`flowctl: type errors while writing the SDK declarations:\n${ts.formatDiagnostics(errors, host)}`);
  }
  const info = readInfo() ?? {};
  writeIfChanged(INFO_FILE, Buffer.from(JSON.stringify({ ...info, declarations: signature }, null, 2) + "\n"));
}

// `node scripts/dist.mjs [--js-only] [--if-sources]`: what `npm run build` and `npm install` run.
if (process.argv[1] && path.resolve(process.argv[1]) === SELF) {
  const args = new Set(process.argv.slice(2));
  if (args.has("--if-sources") && !existsSync(SRC_DIR)) process.exit(0); // an installed package: prebuilt
  const started = Date.now();
  const js = await withLock(async () => {
    const r = await buildJs();
    if (!args.has("--js-only")) await buildDeclarations();
    return r;
  });
  process.stderr.write(`flowctl: built dist/ (${js.files} modules, ${js.changed} changed${args.has("--js-only") ? "" : ", SDK declarations"}) in ${Date.now() - started} ms\n`);
}
