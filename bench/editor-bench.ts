/**
 * `npm run bench:editor`: how long the visual editor's core takes on a 200-component pipeline —
 * YAML → graph, one edit plus re-validation (the work behind every canvas or inspector change),
 * auto-layout, version diff, undo. The goal is < 50 ms per edit. Pure CPU, no processes: prints
 * median and p95 over many repetitions, after a warm-up, of wall time and of this process's CPU
 * time (the machine is shared: CPU time is the code's cost, wall time includes other load).
 *
 *   npm run bench:editor              default repetitions
 *   npm run bench:editor -- --json    one JSON object on stdout
 *   npm run bench:editor -- --runs 200
 *
 * "Hand-styled" is the generated file as a person writes it (aligned comments, `{ a: 1 }` next to
 * `[a]`): every component has a line the serialiser would restyle, the worst case for the merge.
 */
import { performance } from "node:perf_hooks";
import os from "node:os";
import {
  autoLayout,
  checkSession,
  diffVersions,
  dispatch,
  graphFromYaml,
  openSession,
  parsePipelineDocument,
  detectStyle,
  type EditOp,
  type EditorSession,
} from "../server/core/editor/index";
import { validate } from "../server/core/spec/index";

const CHAINS = 10;
const DEPTH = 15;
const SINKS_PER_CHAIN = 4;

/** A hand-written-looking pipeline: 10 sources, 150 processors, 40 sinks, comments, mixed styles, cross edges. */
function pipeline200(): string {
  const out = ["# 200 components: 10 chains of 15 processors, each fanning out to 4 sinks.", "apiVersion: flowctl/v1", "kind: Pipeline", "metadata:", "  name: editor-bench", "spec:", "  sources:"];
  for (let c = 0; c < CHAINS; c++) out.push(`    - id: src-${c}   # source ${c}`, "      type: load-generator", `      env: { EVENTS_PER_SECOND: ${1000 + c}, EVENT_SIZE_BYTES: 256 }`);
  out.push("", "  processors:");
  for (let c = 0; c < CHAINS; c++) {
    for (let d = 0; d < DEPTH; d++) {
      const inputs = [d === 0 ? `src-${c}` : `p-${c}-${d - 1}`];
      if (d > 0 && d % 5 === 0) inputs.push(`p-${(c + 1) % CHAINS}-${d - 1}`); // a diamond across chains
      out.push(`    - id: p-${c}-${d}`);
      if (d % 2 === 0) out.push("      type: passthrough", `      inputs: [${inputs.join(", ")}]`, "      env:", `        WORK_MICROS: ${d}  # per event`);
      else out.push("      type: transform", "      inputs:", ...inputs.map((i) => `        - ${i}`), "      env:", `        EXPRESSION: '{"chain": ${c}, "depth": ${d}}'`);
      if (d === DEPTH - 1) out.push("      replicas: 2", "      partition_key: id");
    }
  }
  out.push("  sinks:");
  for (let c = 0; c < CHAINS; c++) {
    for (let s = 0; s < SINKS_PER_CHAIN; s++) {
      out.push(`    - id: out-${c}-${s}`, "      type: file", `      inputs: [p-${c}-${DEPTH - 1}]`, "      env:", `        FILE_PATH: "out/${c}-${s}.jsonl"   # one file per sink`, "      batch: { size: 500, flush_interval_ms: 100 }");
    }
  }
  return out.join("\n") + "\n";
}

interface Stat {
  name: string;
  runs: number;
  /** Wall time: what a user waits, including whatever else the machine is doing. */
  medianMs: number;
  p95Ms: number;
  /** CPU time of this process (user + system): the cost of the code, much less sensitive to other load. */
  cpuMedianMs: number;
  cpuP95Ms: number;
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function measure(name: string, runs: number, fn: (i: number) => unknown): Stat {
  const warm = Math.min(10, runs);
  for (let i = 0; i < warm; i++) fn(i); // warm-up: JIT and caches; the index keeps counting
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = warm; i < warm + runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn(i);
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  wall.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  return { name, runs, medianMs: quantile(wall, 0.5), p95Ms: quantile(wall, 0.95), cpuMedianMs: quantile(cpu, 0.5), cpuP95Ms: quantile(cpu, 0.95) };
}

/**
 * A cycle of the edits a user makes most, each applied to the session the previous one produced
 * (as in the editor, where a session always owns its Document); the cycle ends where it started,
 * so it can repeat for as many runs as asked.
 */
function editCycle(i: number): EditOp {
  const ops: EditOp[] = [
    { kind: "set-field", id: "p-3-7", path: ["env", "EXPRESSION"], value: `{"changed": ${i}}` },
    { kind: "connect", from: "p-2-4", to: "out-7-1" },
    { kind: "disconnect", from: "p-2-4", to: "out-7-1" },
    { kind: "add-component", role: "sink", origin: { kind: "builtin", name: "stdout" }, id: "extra", inputs: ["p-5-14"] },
    { kind: "delete", nodes: ["extra"] },
    { kind: "rename", id: "p-4-9", newId: "enrich-4" },
    { kind: "rename", id: "enrich-4", newId: "p-4-9" },
    { kind: "set-field", id: "out-1-2", path: ["queue", "capacity"], value: 1000 + i },
  ];
  return ops[i % ops.length]!;
}

function apply(session: EditorSession, op: EditOp, at: number): EditorSession {
  const r = dispatch(session, { type: "edit", op, at });
  if (r.error) throw new Error(`${op.kind}: ${r.error.message}`);
  return r.session;
}

function main(argv: string[]): void {
  const runsArg = argv.indexOf("--runs");
  const runs = runsArg >= 0 ? Number(argv[runsArg + 1]) : 50;
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, got ${argv[runsArg + 1]}`);
  const text = pipeline200();
  const graph = graphFromYaml(text);
  if (!graph.ok) throw new Error(graph.error.message);
  const errors = validate(text).filter((d) => d.severity === "error");
  if (errors.length > 0) throw new Error(`the benchmark pipeline is invalid: ${errors[0]!.message}`);
  const session = openSession(text);
  // The same pipeline as the editor itself writes it (comments kept): a graph edit's text is then
  // the serialisation, with no restyled line of the user's to keep and re-check.
  const canonical = parsePipelineDocument(text).toString(detectStyle(text));
  // A second version: a handful of edits, as between two saves.
  let v2 = session;
  for (let i = 0; i < 6; i++) v2 = apply(v2, editCycle(i), i * 10_000);
  const chained = (start: string) => {
    let s = openSession(start);
    return (i: number) => (s = apply(s, editCycle(i), i * 10_000));
  };
  const withValidation = (start: string) => {
    const next = chained(start);
    return (i: number) => checkSession(next(i));
  };

  const stats: Stat[] = [
    measure("YAML → graph (parse + map)", runs, () => graphFromYaml(text)),
    measure("open (parse + map + layout of every node)", runs, () => openSession(text)),
    measure("edit op, hand-styled file (edit + merge)", runs, chained(text)),
    measure("edit op, editor-styled file", runs, chained(canonical)),
    measure("validate() after an edit", runs, () => validate(v2.text)),
    measure("edit op + re-validation, hand-styled file", runs, withValidation(text)),
    measure("edit op + re-validation, editor-styled file", runs, withValidation(canonical)),
    measure("YAML panel keystroke (set-text: parse + map)", runs, (i) => dispatch(session, { type: "set-text", text: text.replace("name: editor-bench", `name: editor-bench-${i}`), at: i })),
    measure("auto-layout (dagre, 200 nodes)", runs, () => autoLayout(session.graph)),
    measure("diff of two versions", runs, () => diffVersions(text, v2.text)),
    measure("undo", runs, () => dispatch(v2, { type: "undo" })),
  ];
  const nodes = graph.graph.nodes.length;
  const edges = graph.graph.edges.length;
  if (argv.includes("--json")) {
    process.stdout.write(JSON.stringify({ components: nodes, edges, lines: text.split("\n").length, node: process.version, cpus: os.cpus().length, loadAverage: os.loadavg()[0], stats }) + "\n");
    return;
  }
  const ms = (v: number) => `${v.toFixed(1)} ms`.padStart(9);
  const load = os.loadavg()[0]!.toFixed(1);
  const lines = [
    `editor core on a ${nodes}-component pipeline (${edges} edges, ${text.split("\n").length} lines); ${runs} runs each, Node ${process.version}, ${os.cpus().length} CPUs, load average ${load} at the end`,
    `${"operation".padEnd(52)} ${"wall med".padStart(9)} ${"wall p95".padStart(9)} ${"CPU med".padStart(9)} ${"CPU p95".padStart(9)}`,
    ...stats.map((s) => `${s.name.padEnd(52)} ${ms(s.medianMs)} ${ms(s.p95Ms)} ${ms(s.cpuMedianMs)} ${ms(s.cpuP95Ms)}`),
  ];
  process.stdout.write(lines.join("\n") + "\n");
}

main(process.argv.slice(2));
