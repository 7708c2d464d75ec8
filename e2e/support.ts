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

/**
 * Screenshots kept with the test's artifacts: the whole page (attached to the report and in
 * test-results/screenshots/<name>.png) and what the window shows (<name>-viewport.png).
 */
export async function screenshot(page: Page, info: TestInfo, name: string): Promise<void> {
  await info.attach(name, { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });
  await page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true });
  await page.screenshot({ path: `test-results/screenshots/${name}-viewport.png` });
}
