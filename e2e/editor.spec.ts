/**
 * The visual pipeline editor against a real console: build from scratch, validation on the nodes,
 * saving (refused with errors), YAML ↔ graph, undo/redo, copy/paste, auto-layout, versions and
 * their diff, export/import, forbidden connections, run and redeploy, what-if, drafts.
 */
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import type { PipelineVersionDetail, RunListItem } from "../server/services/api-types";
import { canvasEdges, canvasNodes, clickCanvas, connect, dragBetween, dropFromPalette, nodePosition, openEditor, savedPipeline } from "./editor-support";
import { screenshot, SLOW_SINK_DEMO } from "./support";

test.describe.configure({ mode: "serial" });

/** The pipeline the tests build and then keep working on. */
const NAME = "editor-built";

test("build a pipeline from scratch: drag, connect, set env; errors sit on the nodes and block the save until fixed", async ({ page, request }, info) => {
  await page.goto("/");
  await page.getByRole("link", { name: "New pipeline" }).click();
  await expect(page).toHaveURL(/\/pipelines\/new\/edit$/);
  await expect(page.locator(".cm-content")).toBeVisible();
  await dropFromPalette(page, "load-generator", 110, 110);
  await dropFromPalette(page, "transform", 320, 110);
  await dropFromPalette(page, "file", 530, 110);

  // A sink with no input is an error on its node (and in the problems list).
  const sink = page.getByTestId("editor-node-file");
  await expect(sink).toHaveAttribute("data-severity", "error");
  await expect(sink).toHaveAttribute("title", /sink "file" has no inputs/);
  await page.getByTestId("tab-problems").click();
  await expect(page.getByTestId("problems").locator('[data-target="file"]').first()).toBeVisible();

  // Saving with errors is refused, with the list.
  await page.getByTestId("save").click();
  await expect(page.getByTestId("save-refused")).toContainText('sink "file" has no inputs');
  await screenshot(page, info, "editor-save-refused");
  await page.getByRole("button", { name: "Back to the editor" }).click();

  await connect(page, "load-generator", "transform");
  await connect(page, "transform", "file");
  await expect.poll(() => canvasEdges(page)).toEqual(["load-generator->transform", "transform->file"]);
  await expect(sink).not.toHaveAttribute("title", /has no inputs/);

  // Env in the inspector: required settings are errors until set; values are checked as typed.
  await sink.click();
  await expect(page.getByTestId("inspector")).toHaveAttribute("data-node", "file");
  await page.getByTestId("env-FILE_PATH").fill("editor-out.jsonl");
  await page.getByTestId("editor-node-transform").click();
  await page.getByTestId("env-EXPRESSION").fill('{"seq": seq}');
  await page.getByTestId("editor-node-load-generator").click();
  await page.getByTestId("env-EVENTS_PER_SECOND").fill("fast");
  await expect(page.getByTestId("inspector").getByRole("status").first()).toBeVisible();
  await page.getByTestId("env-EVENTS_PER_SECOND").fill("50");
  await page.getByTestId("env-DURATION_SECONDS").fill("0");
  await expect(page.getByTestId("problem-counts")).toHaveAttribute("data-errors", "0");
  await expect(page.getByTestId("yaml-editor")).toContainText("FILE_PATH: editor-out.jsonl");
  await screenshot(page, info, "editor-built");

  await page.getByTestId("save").click();
  await page.getByTestId("pipeline-name").fill(NAME);
  await page.getByTestId("save-message").fill("built in the editor");
  const positions = { gen: await nodePosition(page, "load-generator"), sink: await nodePosition(page, "file") };
  await page.getByTestId("save-confirm").click();
  await expect(page).toHaveURL(new RegExp(`/pipelines/${NAME}/edit$`));
  await expect(page.getByTestId("editor-version")).toHaveText("version 1");

  const { detail, layout } = await savedPipeline(request, NAME);
  expect(detail.yaml).toContain("FILE_PATH: editor-out.jsonl");
  expect(detail.versions[0]!.message).toBe("built in the editor");
  expect(Object.keys(layout.layout!.positions).sort()).toEqual(["file", "load-generator", "transform"]);
  // A reload keeps the positions (they are stored next to the version, not in the YAML).
  await page.reload();
  await expect(page.locator(".cm-content")).toBeVisible();
  await expect(page.getByTestId("editor-node-file")).toBeVisible();
  expect(await nodePosition(page, "load-generator")).toEqual(positions.gen);
  expect(await nodePosition(page, "file")).toEqual(positions.sink);
  expect(detail.yaml).not.toContain("position");
});

test("forbidden connections are refused with their reason where they are dropped", async ({ page }, info) => {
  await openEditor(page, NAME);
  await connect(page, "file", "load-generator");
  await expect(page.getByTestId("connect-refusal")).toContainText('"load-generator" is a source');
  // Where the edge was dropped: the input handle of load-generator.
  const handle = (await page.getByTestId("in-handle-load-generator").boundingBox())!;
  const bubble = (await page.getByTestId("connect-refusal").boundingBox())!;
  expect(Math.abs(bubble.x - (handle.x + handle.width / 2))).toBeLessThan(40);
  expect(Math.abs(bubble.y - (handle.y + handle.height / 2))).toBeLessThan(40);
  await dragBetween(page, "out-handle-file", "in-handle-transform");
  await expect(page.getByTestId("connect-refusal")).toContainText('"file" is a sink: sinks consume events and have no output');
  await screenshot(page, info, "editor-refused-sink-to-source");

  // A cycle: transform → passthrough → transform.
  await dropFromPalette(page, "passthrough", 310, 400);
  await connect(page, "transform", "passthrough");
  await connect(page, "passthrough", "transform");
  await expect(page.getByTestId("connect-refusal")).toContainText("would create the cycle transform → passthrough → transform");
  await screenshot(page, info, "editor-refused-cycle");
  await expect.poll(() => canvasEdges(page)).toEqual(["load-generator->transform", "transform->file", "transform->passthrough"]);
  // Nothing refused reached the YAML.
  await expect(page.getByTestId("yaml-editor")).not.toContainText("inputs: [passthrough]");
});

test("YAML edits change the graph, invalid YAML keeps it, and undo/redo cover both", async ({ page }, info) => {
  await openEditor(page, NAME);
  const yaml = page.getByTestId("yaml-editor");
  await yaml.click();
  await page.keyboard.press("Control+End");
  await page.keyboard.insertText("    - id: audit\n      type: blackhole\n      inputs: [transform]\n");
  await expect(page.getByTestId("editor-node-audit")).toBeVisible();
  await expect.poll(() => canvasEdges(page)).toContain("transform->audit");

  // Undo and redo in the YAML panel go through the editor's one history.
  await page.keyboard.press("Control+z");
  await expect(page.getByTestId("editor-node-audit")).toHaveCount(0);
  await expect(yaml).not.toContainText("id: audit");
  await page.keyboard.press("Control+Shift+z");
  await expect(page.getByTestId("editor-node-audit")).toBeVisible();

  // Broken YAML: the graph stays as it was, the error shows at its line.
  await page.keyboard.press("Control+End");
  await page.keyboard.insertText("  bad: [\n");
  await expect(page.getByTestId("pipeline-editor")).toContainText(/YAML line \d+/);
  await expect(page.getByTestId("editor-node-audit")).toBeVisible();
  await expect(page.locator(".cm-lint-marker-error").first()).toBeVisible();
  await screenshot(page, info, "editor-yaml-broken");
  await page.keyboard.press("Control+z");
  await expect(page.getByTestId("pipeline-editor")).not.toContainText(/YAML line \d+/);
  await expect(page.getByTestId("editor-node-audit")).toBeVisible();

  // Graph edits undo too: delete with the keyboard, undo brings the node and its edge back.
  await page.getByTestId("editor-node-audit").click();
  await page.keyboard.press("Delete");
  await expect(page.getByTestId("editor-node-audit")).toHaveCount(0);
  await expect(yaml).not.toContainText("id: audit");
  await page.getByRole("button", { name: "Undo" }).click();
  await expect(page.getByTestId("editor-node-audit")).toBeVisible();
  await expect.poll(() => canvasEdges(page)).toContain("transform->audit");
  await page.getByRole("button", { name: "Redo" }).click();
  await expect(page.getByTestId("editor-node-audit")).toHaveCount(0);
});

test("copy/paste gives unique ids, and auto-layout lays the graph out (undoable)", async ({ page }, info) => {
  await openEditor(page, NAME);
  await page.getByTestId("editor-node-transform").click();
  await page.keyboard.press("Control+c");
  await page.keyboard.press("Control+v");
  await expect(page.getByTestId("editor-node-transform-2")).toBeVisible();
  await expect(page.getByTestId("inspector")).toHaveAttribute("data-node", "transform-2");
  await expect(page.getByTestId("yaml-editor")).toContainText("id: transform-2");
  // Multi-select (shift-click) and paste again: both copied, edges between them kept. (Clicks
  // near the top-left corner: pasted copies sit 40 units down and right of their originals.)
  await page.getByTestId("editor-node-load-generator").click({ position: { x: 14, y: 10 } });
  await page.getByTestId("editor-node-transform").click({ position: { x: 14, y: 10 }, modifiers: ["Shift"] });
  await page.keyboard.press("Control+c");
  await page.keyboard.press("Control+v");
  await expect(page.getByTestId("editor-node-load-generator-2")).toBeVisible();
  await expect(page.getByTestId("editor-node-transform-3")).toBeVisible();
  await expect.poll(() => canvasEdges(page)).toContain("load-generator-2->transform-3");
  await screenshot(page, info, "editor-pasted");

  // Scatter a node, then auto-layout puts sources left and sinks right, in columns.
  const before = await nodePosition(page, "file");
  await page.getByRole("button", { name: "Auto-layout" }).click();
  await expect.poll(async () => (await nodePosition(page, "file")).x).toBeGreaterThan((await nodePosition(page, "transform")).x);
  const gen = await nodePosition(page, "load-generator");
  const tr = await nodePosition(page, "transform");
  expect(gen.x).toBeLessThan(tr.x);
  await screenshot(page, info, "editor-auto-layout");
  await page.keyboard.press("Control+z");
  await expect.poll(() => nodePosition(page, "file")).toEqual(before);
});

test("a second version, its diff as YAML and on the graph, and restoring the first as a new version", async ({ page, request }, info) => {
  await openEditor(page, NAME);
  await page.getByTestId("editor-node-transform").click();
  await page.getByTestId("field-replicas").fill("2");
  await expect(page.getByTestId("editor-node-transform")).toContainText("×2");
  // Form edits are in the one history: Ctrl+Z in the field undoes them, and the field follows.
  await page.getByTestId("field-replicas").press("Control+z");
  await expect(page.getByTestId("editor-node-transform")).not.toContainText("×2");
  await expect(page.getByTestId("field-replicas")).toHaveValue("");
  await page.getByTestId("field-replicas").press("Control+Shift+z");
  await expect(page.getByTestId("editor-node-transform")).toContainText("×2");
  await expect(page.getByTestId("field-replicas")).toHaveValue("2");
  await page.getByTestId("save").click();
  await page.getByTestId("save-message").fill("two transforms");
  await page.getByTestId("save-confirm").click();
  await expect(page.getByTestId("editor-version")).toHaveText("version 2");

  await page.getByTestId("tab-versions").click();
  await page.getByLabel("Pick v1").check();
  await page.getByLabel("Pick v2").check();
  await page.getByTestId("compare-versions").click();
  const diff = page.getByTestId("version-diff");
  await expect(diff.getByTestId("diff-summary")).toContainText("replicas");
  await expect(diff.getByTestId("diff-node-transform")).toHaveAttribute("data-status", "changed");
  await expect(diff.getByTestId("diff-node-file")).toHaveAttribute("data-status", "unchanged");
  await expect(diff.getByTestId("yaml-diff").locator('[data-op="add"]')).toContainText("replicas: 2");
  await screenshot(page, info, "editor-version-diff");
  await diff.getByRole("button", { name: "Close" }).click();

  await page.getByRole("button", { name: "Restore v1" }).click();
  await expect(page.getByTestId("editor-version")).toHaveText("version 3");
  const versions = (await (await request.get(`/api/pipelines/${NAME}/versions`)).json()) as Array<{ version: number; message: string | null; id: string }>;
  expect(versions.map((v) => [v.version, v.message])).toEqual([
    [3, "restore v1"],
    [2, "two transforms"],
    [1, "built in the editor"],
  ]);
  const [v3, , v1] = await Promise.all(versions.map(async (v) => (await (await request.get(`/api/pipelines/${NAME}/versions/${v.id}`)).json()) as PipelineVersionDetail));
  expect(v3!.yaml).toBe(v1!.yaml);
  // Back to two replicas for the runs that follow.
  await page.getByTestId("editor-node-transform").click();
  await page.getByTestId("field-replicas").fill("2");
  await page.getByTestId("save").click();
  await page.getByTestId("save-confirm").click();
  await expect(page.getByTestId("editor-version")).toHaveText("version 4");
});

test("export, then re-import, gives the same graph", async ({ page }, info) => {
  await openEditor(page, NAME);
  await expect(page.getByTestId("editor-node-file")).toBeVisible();
  const nodes = await canvasNodes(page);
  expect(nodes).toEqual(["file", "load-generator", "transform"]);
  const edges = await canvasEdges(page);
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export" }).click()]);
  expect(download.suggestedFilename()).toBe(`${NAME}.yaml`);
  const file = info.outputPath(`${NAME}.yaml`);
  await download.saveAs(file);
  expect(readFileSync(file, "utf8")).toContain(`name: ${NAME}`);

  await clickCanvas(page);
  await page.keyboard.press("Control+a");
  await page.keyboard.press("Delete");
  expect(await canvasNodes(page)).toEqual([]);
  await page.getByTestId("import-file").setInputFiles(file);
  await expect.poll(() => canvasNodes(page)).toEqual(nodes);
  expect(await canvasEdges(page)).toEqual(edges);
  await expect(page.getByTestId("editor-notice")).toContainText(`Imported ${NAME}.yaml`);
  await screenshot(page, info, "editor-reimported");
});

test("Run starts the saved version and lands on its live view; Redeploy replaces the run", async ({ page, request }, info) => {
  await openEditor(page, NAME);
  await expect(page.getByTestId("run")).toHaveText("Run v4");
  await page.getByTestId("run").click();
  await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
  const first = page.url().split("/").pop()!;
  await expect(page.getByTestId("run-status")).toHaveText(/starting|running/);
  await expect(page.getByTestId("run-status")).toHaveText("running");
  await screenshot(page, info, "editor-run-live");

  await openEditor(page, NAME);
  await expect(page.getByTestId("redeploy")).toHaveText("Redeploy v4");
  await page.getByTestId("redeploy").click();
  await page.waitForURL((url) => /\/runs\/[0-9a-f-]{36}$/.test(url.pathname) && !url.pathname.endsWith(first));
  const second = page.url().split("/").pop()!;
  await expect(page.getByTestId("run-status")).toHaveText("running");
  const runs = (await (await request.get(`/api/runs?pipeline=${NAME}`)).json()) as RunListItem[];
  expect(runs.find((r) => r.runId === first)!.status).toBe("STOPPED");
  expect(runs.find((r) => r.runId === second)!.version).toBe(4);
  await request.post(`/api/runs/${second}/stop`);
});

test("what-if from the last run: measured capacity on the nodes, and more replicas estimate throughput and the new bottleneck", async ({ page }, info) => {
  // The slow-sink demo runs from the start: its sink is the measured bottleneck.
  await openEditor(page, SLOW_SINK_DEMO);
  await expect(page.getByTestId("capacity-orders-db")).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId("capacity-orders-db")).toContainText("bottleneck");
  await page.getByTestId("editor-node-orders-db").click();
  await page.getByTestId("field-replicas").fill("4");
  await expect(page.getByTestId("replicas-what-if")).toContainText("With the replicas set here");
  await page.getByTestId("tab-what-if").click();
  await expect(page.getByTestId("what-if")).toContainText("orders-db changed");
  await expect(page.getByTestId("what-if-throughput")).not.toHaveText("—");
  await expect(page.getByTestId("capacity-orders-db")).not.toContainText("bottleneck");
  await screenshot(page, info, "editor-what-if");
  // Nothing was saved: leave without keeping the change.
  await page.getByRole("button", { name: "Undo" }).click();
});

test("unsaved changes: leaving asks, and the draft is offered back", async ({ page }, info) => {
  await openEditor(page, NAME);
  await page.getByTestId("editor-node-file").click();
  await page.getByTestId("env-FILE_PATH").fill("draft-out.jsonl");
  await expect(page.getByTestId("unsaved")).toBeVisible();
  // Closing or reloading the tab asks too (the browser's own question; declining keeps the page).
  let unload = "";
  page.once("dialog", (d) => {
    unload = d.type();
    void d.dismiss();
  });
  await page.close({ runBeforeUnload: true });
  await expect.poll(() => unload).toBe("beforeunload");
  expect(page.isClosed()).toBe(false);
  let asked = "";
  page.once("dialog", (d) => {
    asked = d.message();
    void d.dismiss();
  });
  await page.getByRole("link", { name: "Pipelines" }).click();
  await expect.poll(() => asked).toContain("unsaved changes");
  await expect(page).toHaveURL(new RegExp(`/pipelines/${NAME}/edit$`));
  // Leave anyway (the draft is written within half a second of the last change).
  await page.waitForFunction((key) => localStorage.getItem(key)?.includes("draft-out.jsonl"), `flowctl.editor.draft:${NAME}`);
  page.once("dialog", (d) => void d.accept());
  await page.getByRole("link", { name: "Pipelines" }).click();
  await expect(page).toHaveURL(/\/$|\/pipelines$/);

  await openEditor(page, NAME);
  await expect(page.getByTestId("draft-offer")).toBeVisible();
  await screenshot(page, info, "editor-draft-offer");
  await page.getByRole("button", { name: "Restore them" }).click();
  await expect(page.getByTestId("yaml-editor")).toContainText("FILE_PATH: draft-out.jsonl");
  await expect(page.getByTestId("unsaved")).toBeVisible();
});
