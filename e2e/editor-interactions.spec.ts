/**
 * The editor's gestures on a six-component pipeline, each from a fresh "New pipeline" page: box
 * selection, moving and its undo, select all, cut and paste; diagnostics on nodes and edges, lint
 * markers and the problems list; key completion in the YAML panel; the palette's search and custom
 * component, importing by dropping a file, and saving a new pipeline under its YAML's name with a
 * warning (warnings never block a save).
 */
import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { canvasEdges, canvasNodes, centre, clickCanvas, dropFile, nodePosition, savedPipeline, selectedNodes, SIX_COMPONENTS } from "./editor-support";
import { screenshot } from "./support";

const SIX = ["archive", "audit", "console", "enrich", "shop-orders", "web-orders"];

/** A new pipeline holding the six-component fixture (imported with the file picker). */
async function openSix(page: Page): Promise<void> {
  await page.goto("/pipelines/new/edit");
  await expect(page.locator(".cm-content")).toBeVisible();
  await page.getByTestId("import-file").setInputFiles(SIX_COMPONENTS);
  await expect.poll(() => canvasNodes(page)).toEqual(SIX);
}

/** Replaces the YAML panel's whole text as typed (one set-text). */
async function typeYaml(page: Page, text: string): Promise<void> {
  await page.locator(".cm-content").click();
  await page.keyboard.press("Control+a");
  await page.keyboard.insertText(text);
}

test("selection: a Shift-drag box, moving with undo and redo, select all, Escape, cut and paste", async ({ page }, info) => {
  await openSix(page);
  // The picture of the editor in docs/editor.md: a component selected, its form in the inspector.
  await page.getByTestId("editor-node-enrich").click();
  await expect(page.getByTestId("editor-notice")).toHaveCount(0, { timeout: 15_000 });
  await screenshot(page, info, "editor-six");
  await page.keyboard.press("Escape");

  // A box around the two sources selects both (nodes and edges arrive in separate changes).
  const web = (await page.getByTestId("editor-node-web-orders").boundingBox())!;
  const shop = (await page.getByTestId("editor-node-shop-orders").boundingBox())!;
  await page.keyboard.down("Shift");
  await page.mouse.move(web.x - 12, web.y - 12);
  await page.mouse.down();
  await page.mouse.move(shop.x + shop.width + 12, shop.y + shop.height + 12, { steps: 10 });
  await page.mouse.up();
  await page.keyboard.up("Shift");
  await expect.poll(() => selectedNodes(page)).toEqual(["shop-orders", "web-orders"]);
  await expect(page.getByTestId("inspector")).toContainText("2 component(s)");
  await page.keyboard.press("Delete");
  await expect.poll(() => canvasNodes(page)).toEqual(["archive", "audit", "console", "enrich"]);
  await expect(page.getByTestId("yaml-editor")).not.toContainText("web-orders");
  await page.keyboard.press("Control+z");
  await expect.poll(() => canvasNodes(page)).toEqual(SIX);
  await expect.poll(() => canvasEdges(page)).toContain("web-orders->enrich");

  // An edge is selected by a click and deleted with the keyboard.
  const [out, into] = [await centre(page, "out-handle-enrich"), await centre(page, "in-handle-audit")];
  await page.mouse.click((out.x + into.x) / 2, (out.y + into.y) / 2);
  await expect(page.getByTestId("inspector")).toContainText("enrich → audit");
  await page.keyboard.press("Backspace");
  await expect.poll(() => canvasEdges(page)).not.toContain("enrich->audit");
  await page.keyboard.press("Control+z");
  await expect.poll(() => canvasEdges(page)).toContain("enrich->audit");

  // Dragging a node is one undoable step.
  const before = await nodePosition(page, "audit");
  const box = (await page.getByTestId("editor-node-audit").boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + 10);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2, box.y + 150, { steps: 10 });
  await page.mouse.up();
  await expect.poll(async () => (await nodePosition(page, "audit")).y).toBeGreaterThan(before.y + 50);
  const moved = await nodePosition(page, "audit");
  await expect(page.getByRole("button", { name: "Undo" })).toHaveAttribute("title", /Undo move audit/);
  await page.keyboard.press("Control+z");
  await expect.poll(() => nodePosition(page, "audit")).toEqual(before);
  await page.keyboard.press("Control+Shift+z");
  await expect.poll(() => nodePosition(page, "audit")).toEqual(moved);
  await expect(page.getByTestId("yaml-editor")).not.toContainText("position");

  // Select all, then Escape clears.
  await clickCanvas(page);
  await page.keyboard.press("Control+a");
  await expect(page.getByTestId("inspector")).toContainText("6 component(s), 5 edge(s) selected");
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("inspector")).toContainText("6 components · 5 edges");

  // Cut removes, paste brings it back (its id is free again); edges into it stay cut.
  await page.getByTestId("editor-node-console").click();
  await page.keyboard.press("Control+x");
  await expect(page.getByTestId("editor-node-console")).toHaveCount(0);
  await clickCanvas(page);
  await page.keyboard.press("Control+v");
  await expect(page.getByTestId("editor-node-console")).toBeVisible();
  await expect(page.getByTestId("inspector")).toHaveAttribute("data-node", "console");
  expect(await canvasEdges(page)).not.toContain("enrich->console");
});

test("problems: on the node and the edge, as lint markers, and the problems list focuses what it names", async ({ page }, info) => {
  await openSix(page);
  // A sink used as an input: the edge it draws is flagged, and its line is marked in the YAML.
  const text = readFileSync(SIX_COMPONENTS, "utf8");
  await typeYaml(page, text.replace("inputs: [web-orders, shop-orders]", "inputs: [web-orders, shop-orders, audit]"));
  await expect(page.getByTestId("edge-problem-audit-enrich")).toBeVisible();
  await expect(page.getByTestId("edge-problem-audit-enrich")).toHaveAttribute("title", /input "audit" is a sink/);
  await expect(page.getByTestId("problem-counts")).toHaveAttribute("data-errors", "2");
  await expect(page.locator(".cm-lint-marker-error").first()).toBeVisible();
  await screenshot(page, info, "editor-edge-problem");

  // The problems list: an edge's problem selects the edge; a node's selects and centres the node.
  await page.getByTestId("tab-problems").click();
  await page.getByTestId("problems").locator('[data-target="audit->enrich"]').first().click();
  await expect(page.getByTestId("inspector")).toContainText("audit → enrich");
  await page.getByRole("button", { name: "Undo" }).click();
  await expect(page.getByTestId("problem-counts")).toHaveAttribute("data-errors", "0");
  // Pan the view so that enrich is far from the centre, then let the list bring it back.
  const pane = (await page.getByTestId("editor-canvas").boundingBox())!;
  await page.mouse.move(pane.x + 12, pane.y + 12);
  await page.mouse.down();
  await page.mouse.move(pane.x + 260, pane.y + 160, { steps: 8 });
  await page.mouse.up();
  const canvas = await centre(page, "editor-canvas");
  await expect.poll(async () => Math.abs((await centre(page, "editor-node-enrich")).x - canvas.x)).toBeGreaterThan(150);
  await page.getByTestId("problems").locator('[data-target="enrich"]').first().click();
  await expect(page.getByTestId("inspector")).toHaveAttribute("data-node", "enrich");
  await expect.poll(async () => Math.abs((await centre(page, "editor-node-enrich")).x - canvas.x)).toBeLessThan(40);
  await expect.poll(async () => Math.abs((await centre(page, "editor-node-enrich")).y - canvas.y)).toBeLessThan(40);

  // Fit view brings every node into the canvas again; the minimap shows them all.
  await page.getByRole("button", { name: "Fit view", exact: true }).click();
  const bounds = (await page.getByTestId("editor-canvas").boundingBox())!;
  for (const id of SIX) {
    await expect.poll(async () => {
      const b = (await page.getByTestId(`editor-node-${id}`).boundingBox())!;
      return b.x >= bounds.x && b.y >= bounds.y && b.x + b.width <= bounds.x + bounds.width && b.y + b.height <= bounds.y + bounds.height;
    }).toBe(true);
  }
  await expect(page.locator(".react-flow__minimap-node")).toHaveCount(SIX.length);
});

test("the YAML panel completes keys from the schema and built-in names for type:", async ({ page }) => {
  await openSix(page);
  await page.locator(".cm-content").click();
  await page.keyboard.press("Control+End");
  // A new key under the last sink: the schema's component keys are offered.
  await page.keyboard.insertText("      rep");
  await page.keyboard.type("l");
  // Picked with the mouse: CodeMirror ignores Enter for a moment after the list opens.
  const option = (label: string) => page.locator(".cm-tooltip-autocomplete li").filter({ has: page.locator(".cm-completionLabel", { hasText: new RegExp(`^${label}$`) }) });
  await option("replicas").click();
  await expect(page.getByTestId("yaml-editor")).toContainText("replicas:");
  await page.keyboard.insertText("2\n");
  await expect(page.getByTestId("editor-node-console")).toContainText("×2");

  // A new sink's type: the built-ins of its role.
  await page.keyboard.insertText("    - id: extra\n      inputs: [enrich]\n      type: bla");
  await page.keyboard.type("c");
  await option("blackhole").click();
  await expect(page.getByTestId("editor-node-extra")).toContainText("blackhole");
  await expect.poll(() => canvasEdges(page)).toContain("enrich->extra");
});

test("palette search and a custom command; a dropped file imports; a new pipeline saves under its YAML's name, warnings allowed", async ({ page, request }, info) => {
  await page.goto("/pipelines/new/edit");
  await expect(page.locator(".cm-content")).toBeVisible();
  await page.getByLabel("Search components").fill("jsonata");
  await expect(page.getByTestId("palette-transform")).toBeVisible();
  await expect(page.getByTestId("palette-load-generator")).toHaveCount(0);
  await page.getByLabel("Search components").fill("");

  await page.getByLabel("Command line").fill("node enrich.js --fast");
  await page.getByText("Drag or click to add this processor").click();
  await expect(page.getByTestId("editor-node-processor")).toContainText("node enrich.js --fast");
  await expect(page.getByTestId("yaml-editor")).toContainText("command: [node, enrich.js, --fast]");
  // A custom component's env is free key/value rows.
  await page.getByLabel("New variable name").fill("MODE");
  await page.getByLabel("New variable value").fill("strict");
  await page.getByLabel("New variable value").press("Enter");
  await expect(page.getByTestId("yaml-editor")).toContainText("MODE: strict");
  await expect(page.getByLabel("Value of MODE")).toHaveValue("strict");

  await dropFile(page, SIX_COMPONENTS);
  await expect.poll(() => canvasNodes(page)).toEqual(SIX);
  await expect(page.getByTestId("editor-notice")).toContainText("Imported orders-six.yaml");

  // A large input queue is a warning: shown, and no obstacle to saving.
  await page.getByTestId("editor-node-enrich").click();
  await page.getByTestId("inspector").getByText("Input queue").click();
  await page.getByTestId("field-queue.capacity").fill("200000");
  await expect(page.getByTestId("problem-counts")).toContainText("1 warning(s)");
  await expect(page.getByTestId("problem-counts")).toHaveAttribute("data-errors", "0");
  await page.getByTestId("save").click();
  await expect(page.getByTestId("pipeline-name")).toHaveValue("orders-six");
  await screenshot(page, info, "editor-save-new");
  await page.getByTestId("save-confirm").click();
  await expect(page).toHaveURL(/\/pipelines\/orders-six\/edit$/);
  await expect(page.getByTestId("editor-version")).toHaveText("version 1");
  const { detail } = await savedPipeline(request, "orders-six");
  expect(detail.yaml).toContain("capacity: 200000");
  expect(detail.yaml).toContain("# Orders: two sources merged");
});
