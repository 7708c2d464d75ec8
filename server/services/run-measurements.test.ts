/** The what-if basis: which run it comes from and what it carries. */
import { describe, expect, it } from "vitest";
import type { RunRecord } from "../core/run";
import type { ComponentReport, DiagnosisReport } from "../diagnosis/diagnosis-types";
import { measurementsOf, type MeasurementSources } from "./run-measurements";

const YAML = `apiVersion: flowctl/v1
kind: Pipeline
metadata: { name: p }
spec:
  sources: [{ id: gen, type: load-generator }]
  processors: [{ id: work, type: passthrough, inputs: [gen], replicas: 3 }]
  sinks: [{ id: out, type: blackhole, inputs: [work] }]
`;

const record = (runId: string, status: RunRecord["status"], versionId: string | null = null): RunRecord => ({
  runId,
  pipelineName: "p",
  pipelineVersionId: versionId,
  status,
  startedAt: new Date(0),
  endedAt: null,
  error: null,
  componentIds: ["gen", "work", "out"],
  configYaml: YAML,
  metrics: null,
});

const row = (id: string, role: ComponentReport["role"], inRate: number | null, outRate: number | null, busy: number | null, extra: Record<string, unknown> = {}): ComponentReport =>
  ({ id, role, inRate, outRate, busy, p50Ms: null, p95Ms: null, p99Ms: null, backpressured: null, queueDepth: null, queueCapacity: null, errors: null, ...extra }) as ComponentReport;

const report = (components: ComponentReport[], bottleneck: string | null = null): DiagnosisReport => ({
  pipeline: "p",
  window: { from: "2026-01-01T00:00:00.000Z", to: "2026-01-01T00:00:10.000Z" },
  bottleneck: bottleneck ? { kind: "component", component: bottleneck, edge: null, reason: "", evidence: [], recommendations: [] } : null,
  components,
  findings: [],
});

function sources(runs: RunRecord[], reports: Record<string, DiagnosisReport | Error>, active?: string): MeasurementSources & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    runs: (_p, limit) => Promise.resolve(runs.slice(0, limit)),
    active: () => active,
    diagnosis: (id) => {
      asked.push(id);
      const r = reports[id];
      return r instanceof Error || r === undefined ? Promise.reject(r ?? new Error("no rollups")) : Promise.resolve(r);
    },
    version: (id) => Promise.resolve(id === "v-2" ? 2 : null),
    cpuCount: 2,
  };
}

describe("measurementsOf", () => {
  it("takes the newest run that measured something, with the replicas that run had", async () => {
    const src = sources([record("r3", "FAILED"), record("r2", "COMPLETED", "v-2"), record("r1", "COMPLETED")], {
      r3: new Error("no rollups"),
      r2: report([row("gen", "source", null, 1000, 0.1), row("work", "processor", 1000, 1000, 0.9), row("out", "sink", 1000, 1000, 0.2)], "work"),
    });
    const m = await measurementsOf("p", src);
    expect(src.asked).toEqual(["r3", "r2"]);
    expect(m).toMatchObject({ runId: "r2", status: "COMPLETED", version: 2, bottleneck: "work", host: { cpuCount: 2, cpuUsedCores: null } });
    expect(m!.components.find((c) => c.id === "work")).toEqual({ id: "work", inRate: 1000, outRate: 1000, busy: 0.9, replicas: 3 });
    expect(m!.components.find((c) => c.id === "gen")!.replicas).toBe(1);
  });

  it("prefers the run in progress, skips runs still starting and rows with no numbers at all", async () => {
    const src = sources([record("r9", "STARTING"), record("r8", "COMPLETED"), record("r7", "RUNNING")], {
      r7: report([row("gen", "source", null, 50, 0.5), row("out", "sink", null, null, null)]),
      r8: report([row("gen", "source", null, 10, 0.5)]),
    }, "r7");
    const m = await measurementsOf("p", src);
    expect(src.asked).toEqual(["r7"]);
    expect(m!.runId).toBe("r7");
    expect(m!.components.map((c) => c.id)).toEqual(["gen"]);
  });

  it("sums the components' CPU when every row carries it", async () => {
    const src = sources([record("r1", "COMPLETED")], { r1: report([row("gen", "source", null, 10, 0.5, { cpuCores: 0.25 }), row("out", "sink", 10, 10, 0.5, { cpuCores: 0.5 })]) });
    expect((await measurementsOf("p", src))!.host).toEqual({ cpuCount: 2, cpuUsedCores: 0.75 });
  });

  it("is null when no recent run measured anything", async () => {
    const src = sources([record("r2", "FAILED"), record("r1", "INTERRUPTED")], { r1: report([row("gen", "source", null, null, null)]) });
    expect(await measurementsOf("p", src)).toBeNull();
  });
});
