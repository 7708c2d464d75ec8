/** Helpers of the console's e2e tests: API calls to the console under test, and screenshots. */
import type { APIRequestContext, Page, TestInfo } from "@playwright/test";
import type { PipelineListItem, RunDetail } from "../server/services/api-types";

/** The demo pipelines the console saves and starts on a fresh store. */
export const HEALTHY_DEMO = "demo";
export const SLOW_SINK_DEMO = "orders-slow-sink";

export async function pipelines(request: APIRequestContext): Promise<PipelineListItem[]> {
  const res = await request.get("/api/pipelines");
  if (!res.ok()) throw new Error(`GET /api/pipelines: ${res.status()}`);
  return (await res.json()) as PipelineListItem[];
}

/** Waits until `name` has a run in progress and returns its id. */
export async function activeRun(request: APIRequestContext, name: string, timeoutMs = 120_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const p = (await pipelines(request)).find((x) => x.name === name);
    if (p?.activeRunId) return p.activeRunId;
    if (Date.now() > deadline) throw new Error(`pipeline ${name} has no active run`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

export async function run(request: APIRequestContext, id: string): Promise<RunDetail> {
  return (await (await request.get(`/api/runs/${id}`)).json()) as RunDetail;
}

/** A screenshot of what the window shows, attached to the report and kept in test-results/screenshots/<name>.png. */
export async function screenshot(page: Page, info: TestInfo, name: string): Promise<void> {
  // One capture of the viewport: full-page captures of a view that re-renders every second took
  // up to a minute each on a loaded 2-core machine, and the artifact needs no more than the window.
  const body = await page.screenshot({ path: `test-results/screenshots/${name}.png`, animations: "disabled", caret: "hide" });
  await info.attach(name, { body, contentType: "image/png" });
}
