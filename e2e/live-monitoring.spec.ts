import { expect, test } from "@playwright/test";
import { activeRun, HEALTHY_DEMO, run, screenshot, SLOW_SINK_DEMO } from "./support";

test.describe.configure({ mode: "serial" });

test("the demo pipelines appear on a fresh store and their events/s rise above zero", async ({ page }, info) => {
  await page.goto("/");
  const demo = page.locator(`[data-pipeline="${HEALTHY_DEMO}"]`);
  await expect(demo).toBeVisible();
  await expect(page.locator(`[data-pipeline="${SLOW_SINK_DEMO}"]`)).toBeVisible();
  await expect(demo.getByText("running")).toBeVisible();
  // The list is polled: the live rate replaces the dash once the first window is scraped.
  await expect
    .poll(async () => Number.parseFloat((await demo.getByTestId("pipeline-rate").textContent()) ?? "") || 0, { timeout: 120_000 })
    .toBeGreaterThan(0);
  await screenshot(page, info, "pipelines");
});

test("the live run view shows the slow sink highlighted as the bottleneck, with recommendations", async ({ page, request }, info) => {
  // Starting, a first diagnosis window and the UI on a busy 2-core machine: minutes, not seconds.
  test.setTimeout(300_000);
  const runId = await activeRun(request, SLOW_SINK_DEMO);
  await page.goto(`/runs/${runId}`);
  await expect(page.getByTestId("run-status")).toHaveText("running");
  // Overlays move: the source's out rate becomes a number.
  await expect(page.getByTestId("out-orders")).not.toHaveText("—");
  // Diagnosis needs one full 10 s window, then runs every 5 s.
  await expect(page.getByTestId("node-orders-db")).toHaveAttribute("data-bottleneck", "true", { timeout: 120_000 });
  await expect(page.getByTestId("bottleneck-panel")).toHaveAttribute("data-bottleneck", "orders-db");
  await expect(page.getByTestId("recommendations").locator("li").first()).toBeVisible();
  await expect(page.getByTestId("edge-validate-orders-db")).toHaveAttribute("data-band", /warn|bad/);
  // Selecting the node opens its detail; the log panel follows it.
  await page.getByTestId("node-orders-db").click();
  await expect(page.getByTestId("node-detail")).toContainText("DELAY_MS");
  await expect(page.getByTestId("log-lines")).toContainText("component ready");
  await page.getByLabel("Search the log").fill("registered");
  await page.getByLabel("Next match").click();
  await expect(page.getByTestId("log-matches")).toHaveText(/^1\/\d+$/);
  await screenshot(page, info, "live-run");
});

test("stop and start from the UI change the run's status", async ({ page, request }, info) => {
  test.setTimeout(300_000);
  const runId = await activeRun(request, HEALTHY_DEMO);
  await page.goto(`/runs/${runId}`);
  await expect(page.getByTestId("run-status")).toHaveText("running");
  await page.getByTestId("stop-run").click();
  await expect(page.getByTestId("run-status")).toHaveText("stopped");
  expect((await run(request, runId)).status).toBe("STOPPED");
  await screenshot(page, info, "stopped-run");

  await page.goto(`/pipelines/${HEALTHY_DEMO}`);
  await page.getByRole("button", { name: `Start ${HEALTHY_DEMO}` }).click();
  await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("run-status")).toHaveText(/starting|running/);
  const next = page.url().split("/").pop()!;
  expect(next).not.toBe(runId);
  await expect(page.getByTestId("run-status")).toHaveText("running");
  await screenshot(page, info, "pipeline-restarted");
});

test("a finished run renders its charts, and the scrubber moves every overlay to that moment", async ({ page, request }, info) => {
  const stopped = (await (await request.get(`/api/runs?pipeline=${HEALTHY_DEMO}&status=STOPPED`)).json()) as Array<{ runId: string }>;
  const runId = stopped[0]!.runId;
  await page.goto(`/runs/${runId}`);
  await expect(page.getByTestId("run-status")).toHaveText("stopped");
  const scrubber = page.getByTestId("time-scrubber");
  await expect(scrubber).toBeVisible();
  // Charts read the stored rollups through the Prometheus API.
  await expect(page.getByTestId("chart-Throughput per component").locator(".recharts-line-curve").first()).toBeVisible();
  await expect(page.getByTestId("out-generator")).not.toHaveText("—");
  const window = page.getByTestId("bottleneck-panel");
  const endWindow = await window.textContent();
  const endTime = await page.getByTestId("scrub-time").textContent();
  // Drag to the start of the run: a different moment, a different window, other numbers.
  await page.getByLabel("Moment of the run shown").focus();
  await page.keyboard.press("Home");
  await expect(page.getByTestId("scrub-time")).not.toHaveText(endTime!);
  await expect(window).not.toHaveText(endWindow!);
  await screenshot(page, info, "finished-run-scrubbed");
});

test("the runs page filters by pipeline and status in the URL", async ({ page }, info) => {
  await page.goto("/runs");
  await page.getByLabel("Filter by status").selectOption("STOPPED");
  await expect(page).toHaveURL(/status=STOPPED/);
  const rows = page.getByTestId("runs-table").locator("tbody tr");
  await expect(rows.first()).toBeVisible();
  await expect(rows.filter({ hasNotText: "stopped" })).toHaveCount(0);
  await screenshot(page, info, "runs");
});

test("the components page lists the registered components", async ({ page }, info) => {
  await page.goto("/components");
  const table = page.getByTestId("components-table");
  await expect(table.locator('[data-component="orders-db"]')).toBeVisible();
  await expect(table.locator('[data-component="generator"]')).toContainText("healthy");
  await screenshot(page, info, "components");
});

test("the metrics explorer charts a rate() query", async ({ page }, info) => {
  const q = "sum by (component_id) (rate(component_events_processed_total[30s]))";
  await page.goto(`/explore?q=${encodeURIComponent(q)}&range=300000`);
  await expect(page.getByTestId("chart-Result over time").locator(".recharts-line-curve").first()).toBeVisible();
  await expect(page.getByTestId("instant-table").locator("tbody tr").first()).toBeVisible();
  await screenshot(page, info, "explore");
});
