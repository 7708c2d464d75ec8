/**
 * `flowctl run` observes its live run (a real CLI process): `--metrics-port 0` serves the engine's
 * /metrics (flowctl_edge_events_total), the status line carries the diagnosis verdict, and after
 * the run `flowctl diagnose <run-id> --json` names the slow sink from what the run stored
 * (10 s rollups and diagnosis.finding RunEvents).
 */
import fs from "node:fs";
import path from "node:path";
import { afterEach, expect, it } from "vitest";
import { stringify } from "yaml";
import { openStore } from "../../server/storage/store";
import { cleanupChildren, flowctl } from "./cli-harness";
import { tempDir, waitFor } from "./engine-harness";

afterEach(cleanupChildren);

it("flowctl run --metrics-port serves /metrics, shows the verdict, and stores what diagnose <run-id> needs", async () => {
  const dir = tempDir("flowctl-observe-");
  const file = path.join(dir, "slow-sink.yaml");
  fs.writeFileSync(
    file,
    stringify({
      apiVersion: "flowctl/v1",
      kind: "Pipeline",
      metadata: { name: "slow-sink" },
      spec: {
        driver: "process",
        sources: [{ id: "gen", type: "load-generator", env: { EVENTS_PER_SECOND: "0" } }],
        processors: [{ id: "pass", type: "passthrough", inputs: ["gen"] }],
        sinks: [{ id: "db", type: "blackhole", inputs: ["pass"], env: { DELAY_MS: "10" } }],
      },
    }),
  );
  const db = path.join(dir, "flowctl.db");
  // No --for: how much a loaded machine gets done in a fixed time varies; the test waits for what
  // it asserts (the verdict, stored rollups), then stops the run as a user would (Ctrl-C).
  const run = flowctl(
    ["run", file, "--control-plane-port", "0", "--db-path", db, "--metrics-port", "0", "--show-status", "--status-interval", "2s", "--no-component-logs", "--grace-period", "4s"],
    dir,
  );
  await waitFor("the metrics URL in the preflight block", () => /metrics\s+http:\/\/127\.0\.0\.1:\d+\/metrics/.test(run.stdout()), 60_000);
  const url = /metrics\s+(http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(run.stdout())![1]!;
  let body = "";
  await waitFor(
    "edge events on /metrics",
    async () => {
      // A refused or reset connection on a loaded machine is retried, not a failure.
      body = await fetch(url).then((r) => r.text(), () => "");
      return /flowctl_edge_events_total\{[^}]*from="gen"[^}]*to="pass"[^}]*\} [1-9]/.test(body);
    },
    60_000,
    250,
  );
  expect(body).toContain("flowctl_edge_queue_capacity");
  await waitFor("a status line naming the bottleneck", () => /status .*bottleneck: .*db/.test(run.stdout()), 120_000);
  const runId = /run id\s+([0-9a-f-]{36})/.exec(run.stdout())![1]!;
  // Two whole 10 s rollups for diagnose <run-id>: wait until the stored points span 20 s.
  await waitFor(
    "20 s of rollups stored",
    async () => {
      const reader = await openStore({ databaseUrl: `file:${db}` });
      try {
        const ts = (await reader.metrics.listRollups(runId)).map((p) => p.t.getTime());
        return ts.length > 0 && Math.max(...ts) - Math.min(...ts) >= 20_000;
      } finally {
        await reader.close();
      }
    },
    120_000,
    1_000,
  );
  run.child.kill("SIGINT");
  const code = await run.exited;
  expect(code).toBe(0);
  expect(run.stdout()).toContain("run STOPPED");

  // The findings timeline is in the store as RunEvents.
  const store = await openStore({ databaseUrl: `file:${db}` });
  try {
    const events = await store.runs.listEvents(runId);
    expect(events.some((e) => e.type === "diagnosis.finding" && e.data?.state === "raised")).toBe(true);
    expect((await store.metrics.listRollups(runId)).length).toBeGreaterThan(0);
  } finally {
    await store.close();
  }

  const diag = flowctl(["diagnose", runId, "--json", "--db-path", db], dir);
  expect(await diag.exited).toBe(0);
  const report = JSON.parse(diag.stdout()) as { pipeline: string; bottleneck: { kind: string; component: string | null } | null };
  expect(report.pipeline).toBe("slow-sink");
  expect(report.bottleneck).toMatchObject({ kind: "component", component: "db" });
});
