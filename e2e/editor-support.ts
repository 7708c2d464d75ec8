/** Gestures and reads of the pipeline editor's e2e tests. */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { expect, type APIRequestContext, type Page } from "@playwright/test";
import type { PipelineDetail, VersionLayout } from "../server/services/api-types";

/** Drags a palette entry onto the canvas at `x, y` (canvas pixels). */
export async function dropFromPalette(page: Page, builtin: string, x: number, y: number): Promise<void> {
  await page.getByTestId(`palette-${builtin}`).dragTo(page.getByTestId("editor-canvas"), { targetPosition: { x, y } });
  await expect(page.getByTestId(`editor-node-${builtin}`)).toBeVisible();
}

/**
 * Drags from one handle to another with the mouse, as a user connects components, and lets go
 * only once the canvas has the target handle under the pointer (on a loaded machine the drag can
 * otherwise outrun the canvas, and the release lands before it knows where it is).
 */
export async function dragBetween(page: Page, fromTestId: string, toTestId: string): Promise<void> {
  const a = (await page.getByTestId(fromTestId).boundingBox())!;
  const b = (await page.getByTestId(toTestId).boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 12 });
  await expect(page.getByTestId(toTestId)).toHaveClass(/\bconnectingto\b/);
  await page.mouse.up();
}

/** Connects `from`'s output handle to `to`'s input handle. */
export async function connect(page: Page, from: string, to: string): Promise<void> {
  await dragBetween(page, `out-handle-${from}`, `in-handle-${to}`);
}

/** Node ids on the canvas, sorted. */
export async function canvasNodes(page: Page): Promise<string[]> {
  const ids = await page.locator("[data-testid^=editor-node-]").evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.testid!.replace("editor-node-", "")));
  return ids.sort();
}

/** Edges on the canvas as `from->to`, sorted. */
export async function canvasEdges(page: Page): Promise<string[]> {
  const ids = await page.getByTestId("editor-canvas").locator(".react-flow__edge").evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.id ?? e.getAttribute("data-testid") ?? ""));
  return ids.map((id) => id.replace(/^rf__edge-/, "")).sort();
}

/** A node's position in canvas (flow) coordinates, as React Flow places it. */
export async function nodePosition(page: Page, id: string): Promise<{ x: number; y: number }> {
  const transform = await page.locator(`.react-flow__node[data-id="${id}"]`).evaluate((el) => (el as HTMLElement).style.transform);
  const m = /translate\((-?[\d.]+)px,\s*(-?[\d.]+)px\)/.exec(transform);
  if (!m) throw new Error(`node ${id} has no position (${transform})`);
  return { x: Number(m[1]), y: Number(m[2]) };
}

/** The newest version of a saved pipeline and the layout stored with it. */
export async function savedPipeline(request: APIRequestContext, name: string): Promise<{ detail: PipelineDetail; layout: VersionLayout }> {
  const detail = (await (await request.get(`/api/pipelines/${name}`)).json()) as PipelineDetail;
  const layout = (await (await request.get(`/api/pipelines/${name}/versions/${detail.latestVersionId}/layout`)).json()) as VersionLayout;
  return { detail, layout };
}

/** Clicks an empty spot of the canvas (deselects, gives the canvas the keyboard). */
export async function clickCanvas(page: Page): Promise<void> {
  await page.getByTestId("editor-canvas").click({ position: { x: 12, y: 12 } });
}

/** Opens a pipeline in the editor and waits until it is interactive (the YAML panel mounts after hydration). */
export async function openEditor(page: Page, name: string): Promise<void> {
  await page.goto(`/pipelines/${name}/edit`);
  await expect(page.locator(".cm-content")).toBeVisible();
  await expect(page.locator("[data-testid^=editor-node-]").first()).toBeVisible();
}

/** The six-component pipeline (two sources, fan-in, fan-out to three sinks) the gesture tests start from. */
export const SIX_COMPONENTS = "e2e/fixtures/orders-six.yaml";

/** Drops a file onto the canvas, as a user drags one from the desktop. */
export async function dropFile(page: Page, file: string): Promise<void> {
  const transfer = await page.evaluateHandle(
    ({ name, text }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], name, { type: "application/yaml" }));
      return dt;
    },
    { name: basename(file), text: readFileSync(file, "utf8") },
  );
  await page.getByTestId("editor-canvas").dispatchEvent("dragover", { dataTransfer: transfer });
  await page.getByTestId("editor-canvas").dispatchEvent("drop", { dataTransfer: transfer });
}

/** Node ids React Flow shows as selected, sorted. */
export async function selectedNodes(page: Page): Promise<string[]> {
  const ids = await page.locator(".react-flow__node.selected").evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.id ?? ""));
  return ids.sort();
}

/** The centre of an element in page pixels. */
export async function centre(page: Page, testId: string): Promise<{ x: number; y: number }> {
  const b = (await page.getByTestId(testId).boundingBox())!;
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
}
