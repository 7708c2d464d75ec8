/**
 * `npm run bench:editor-ui`: how responsive the console's visual editor is on a 200-component
 * pipeline, in a real browser against a real console. It saves a generated pipeline (10 sources,
 * 150 processors, 40 sinks), opens it in the editor in Debian's chromium, performs edits the way
 * a user does (inspector typing, YAML typing, adding from the palette, dragging nodes, undo,
 * auto-layout) and reads the editor's own Performance API measures:
 *
 *   flowctl:dispatch   the editor core applying the action (YAML edit + graph)
 *   flowctl:commit     … until React committed the canvas, YAML panel and inspector
 *   flowctl:frame      … until the next frame started (what the user waits for)
 *   flowctl:validate   live validation of the text (debounced, after the edit)
 *
 * Wall times in the browser: the machine's other load counts (its load average is printed; a
 * chrome trace's CPU times were tried and dropped — tracing itself costs more than an edit).
 *
 *   npm run bench:editor-ui                 default repetitions
 *   npm run bench:editor-ui -- --reps 40    more of each action
 *   npm run bench:editor-ui -- --json       one JSON object on stdout
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Page } from "@playwright/test";
import { REPO_ROOT } from "../lib/spawn-role";

const NAME = "editor-bench-200";

/**
 * 10 chains of 15 processors (diamonds across chains every 5), each fanning out to 4 file sinks —
 * the shape `npm run bench:editor` measures the core on, so the two sets of figures compare.
 */
export function pipeline200(): string {
  const out = ["# 200 components: 10 chains of 15 processors, each fanning out to 4 sinks.", "apiVersion: flowctl/v1", "kind: Pipeline", "metadata:", `  name: ${NAME}`, "spec:", "  sources:"];
  for (let c = 0; c < 10; c++) out.push(`    - id: src-${c}   # source ${c}`, "      type: load-generator", `      env: { EVENTS_PER_SECOND: ${1000 + c}, EVENT_SIZE_BYTES: 256 }`);
  out.push("  processors:");
  for (let c = 0; c < 10; c++) {
    for (let d = 0; d < 15; d++) {
      const inputs = [d === 0 ? `src-${c}` : `p-${c}-${d - 1}`];
      if (d > 0 && d % 5 === 0) inputs.push(`p-${(c + 1) % 10}-${d - 1}`);
      out.push(`    - id: p-${c}-${d}`);
      if (d % 2 === 0) out.push("      type: passthrough", `      inputs: [${inputs.join(", ")}]`, "      env:", `        WORK_MICROS: ${d}  # per event`);
      else out.push("      type: transform", "      inputs:", ...inputs.map((i) => `        - ${i}`), "      env:", `        EXPRESSION: '{"chain": ${c}, "depth": ${d}}'`);
    }
  }
  out.push("  sinks:");
  for (let c = 0; c < 10; c++) {
    for (let s = 0; s < 4; s++) out.push(`    - id: out-${c}-${s}`, "      type: file", `      inputs: [p-${c}-14]`, "      env:", `        FILE_PATH: "out/${c}-${s}.jsonl"   # one file per sink`, "      batch: { size: 500, flush_interval_ms: 100 }");
  }
  return out.join("\n") + "\n";
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function startConsole(dir: string): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, ["bin/flowctl.mjs", "console", "--port", String(port), "--grpc-port", "0", "--no-demo", "--data-dir", dir, "--db-path", path.join(dir, "flowctl.db")], { cwd: REPO_ROOT, stdio: ["ignore", "ignore", "inherit"] });
  const url = `http://127.0.0.1:${port}`;
  // The console may build its pages first (minutes on a busy machine).
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the console exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) return { url, child };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error("the console did not start within 15 minutes");
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Waits until the editor has drawn the frame after one more action than `before`. */
async function nextFrame(page: Page, before: number): Promise<void> {
  await page.waitForFunction((n) => performance.getEntriesByName("flowctl:frame").length > n, before);
}

const frames = (page: Page) => page.evaluate(() => performance.getEntriesByName("flowctl:frame").length);

interface Row {
  name: string;
  detail: string;
  duration: number;
}

function stats(xs: number[]): { n: number; median: number; p95: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
  return { n: s.length, median: q(0.5), p95: q(0.95), max: s[s.length - 1] ?? NaN };
}

async function main(): Promise<void> {
  const reps = arg("--reps", 20);
  const json = process.argv.includes("--json");
  const dir = mkdtempSync(path.join(os.tmpdir(), "flowctl-editor-bench-"));
  const { url, child } = await startConsole(dir);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
  try {
    const put = await fetch(`${url}/api/pipelines/${NAME}`, { method: "PUT", headers: { "Content-Type": "application/yaml" }, body: pipeline200() });
    if (!put.ok) throw new Error(`saving the pipeline failed: ${put.status} ${await put.text()}`);
    const page = await browser.newPage({ viewport: { width: 1440, height: 960 } });
    const t0 = Date.now();
    await page.goto(`${url}/pipelines/${NAME}/edit`);
    await page.waitForFunction(() => document.querySelectorAll("[data-testid^=editor-node-]").length === 200);
    const openMs = Date.now() - t0;
    await page.evaluate(() => performance.clearMeasures());

    // Inspector: typing replicas into one component's form (one set-field per keystroke).
    await page.getByTestId("editor-node-p-3-7").click({ force: true });
    for (let i = 0; i < reps; i++) {
      const n = await frames(page);
      await page.getByTestId("field-replicas").fill(String(2 + (i % 7)));
      await nextFrame(page, n);
    }
    // YAML panel: typing a comment at the end, key by key.
    await page.getByTestId("yaml-editor").click();
    await page.keyboard.press("Control+End");
    for (let i = 0; i < reps; i++) {
      const n = await frames(page);
      await page.keyboard.type(i === 0 ? "#" : "x");
      await nextFrame(page, n);
    }
    // Palette: add a component (placed next to the graph).
    for (let i = 0; i < Math.min(reps, 10); i++) {
      const n = await frames(page);
      await page.getByRole("button", { name: "Add passthrough" }).click();
      await nextFrame(page, n);
    }
    // Canvas: drag a node.
    for (let i = 0; i < Math.min(reps, 10); i++) {
      const box = (await page.getByTestId("editor-node-src-0").boundingBox())!;
      const n = await frames(page);
      await page.mouse.move(box.x + 8, box.y + 6);
      await page.mouse.down();
      await page.mouse.move(box.x + 8 + (i % 2 ? -30 : 30), box.y + 6 + 10, { steps: 4 });
      await page.mouse.up();
      await nextFrame(page, n);
    }
    // Undo (bursts of typing and dragging coalesced into single steps: as many as there are).
    const undo = page.getByRole("button", { name: "Undo" });
    for (let i = 0; i < reps && (await undo.isEnabled()); i++) {
      const n = await frames(page);
      await undo.click();
      await nextFrame(page, n);
    }
    for (let i = 0; i < 5; i++) {
      const n = await frames(page);
      await page.getByRole("button", { name: "Auto-layout" }).click();
      await nextFrame(page, n);
    }
    // The debounced validation that follows the last change of the text (layout and moves leave
    // the text as it is: nothing to validate after them).
    await page.waitForFunction(() => {
      const last = performance
        .getEntriesByName("flowctl:frame")
        .filter((m) => !["auto-layout", "move"].includes(String((m as PerformanceMeasure).detail)))
        .at(-1);
      return last !== undefined && performance.getEntriesByName("flowctl:validate").some((m) => m.startTime > last.startTime);
    });
    const rows = await page.evaluate(() =>
      performance
        .getEntriesByType("measure")
        .filter((m) => m.name.startsWith("flowctl:"))
        .map((m) => ({ name: m.name, detail: String((m as PerformanceMeasure).detail ?? ""), duration: m.duration })),
    );
    report(rows as Row[], { openMs, reps, json, url });
  } finally {
    await browser.close();
    child.kill("SIGINT");
    await new Promise((r) => child.once("exit", r));
    rmSync(dir, { recursive: true, force: true });
  }
}

function report(rows: Row[], ctx: { openMs: number; reps: number; json: boolean; url: string }): void {
  const kinds = [...new Set(rows.filter((r) => r.name === "flowctl:frame").map((r) => r.detail))];
  const table = kinds.map((kind) => {
    const of = (name: string) => stats(rows.filter((r) => r.name === name && r.detail === kind).map((r) => r.duration));
    return { action: kind, dispatch: of("flowctl:dispatch"), commit: of("flowctl:commit"), frame: of("flowctl:frame") };
  });
  const validate = stats(rows.filter((r) => r.name === "flowctl:validate").map((r) => r.duration));
  const out = { components: 200, openMs: ctx.openMs, loadAverage: os.loadavg().map((l) => Math.round(l * 10) / 10), cpus: os.cpus().length, actions: table, validate };
  if (ctx.json) {
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return;
  }
  const f = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : "—");
  console.log(`editor on a 200-component pipeline — ${out.cpus} cores, load average ${out.loadAverage.join(" / ")}`);
  console.log(`open (navigation → 200 nodes drawn): ${ctx.openMs} ms`);
  console.log("action          n   dispatch med/p95   commit med/p95   frame med/p95 (ms)");
  for (const t of table) console.log(`${t.action.padEnd(14)} ${String(t.frame.n).padStart(3)}   ${f(t.dispatch.median).padStart(7)} ${f(t.dispatch.p95).padStart(7)}   ${f(t.commit.median).padStart(6)} ${f(t.commit.p95).padStart(7)}   ${f(t.frame.median).padStart(6)} ${f(t.frame.p95).padStart(7)}`);
  console.log(`validate (debounced, after edits): n=${validate.n} median ${f(validate.median)} ms, p95 ${f(validate.p95)} ms`);
}

// Run when executed (npm run bench:editor-ui), not when imported for its pipeline.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
