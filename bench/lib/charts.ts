/**
 * The bench's pictures: Vega-Lite specs rendered to SVG in Node (no browser, no canvas). Each
 * picture is written next to the figures it shows, under docs/bench/.
 */
import { writeFileSync } from "node:fs";
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

export type Row = Record<string, string | number>;

/** Renders a Vega-Lite spec to an SVG file. */
export async function writeSvg(file: string, spec: TopLevelSpec): Promise<void> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  writeFileSync(file, await view.toSVG());
  view.finalize();
}

/** A line chart of `y` against `x`, one line per `series`; `logX` for latencies. */
export function lineChart(o: {
  title: string;
  rows: Row[];
  x: { field: string; title: string; log?: boolean };
  y: { field: string; title: string; format?: string };
  series?: { field: string; title: string };
  width?: number;
  height?: number;
}): TopLevelSpec {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: o.title,
    width: o.width ?? 520,
    height: o.height ?? 260,
    data: { values: o.rows },
    mark: { type: "line", point: true, interpolate: "linear" },
    encoding: {
      x: { field: o.x.field, type: "quantitative", title: o.x.title, scale: o.x.log ? { type: "log" } : { zero: false } },
      y: { field: o.y.field, type: "quantitative", title: o.y.title, ...(o.y.format ? { axis: { format: o.y.format } } : {}) },
      ...(o.series ? { color: { field: o.series.field, type: "nominal", title: o.series.title } } : {}),
    },
  } as TopLevelSpec;
}

/** Two line charts side by side sharing `x` (e.g. events/s and CPU per event against chain length). */
export function pairedCharts(o: {
  title: string;
  rows: Row[];
  x: { field: string; title: string; log?: boolean };
  left: { field: string; title: string };
  right: { field: string; title: string };
  series?: { field: string; title: string };
}): TopLevelSpec {
  const panel = (y: { field: string; title: string }) => ({
    width: 300,
    height: 220,
    mark: { type: "line", point: true },
    encoding: {
      x: { field: o.x.field, type: "quantitative", title: o.x.title, scale: o.x.log ? { type: "log" } : { zero: false } },
      y: { field: y.field, type: "quantitative", title: y.title },
      ...(o.series ? { color: { field: o.series.field, type: "nominal", title: o.series.title } } : {}),
    },
  });
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: o.title,
    data: { values: o.rows },
    hconcat: [panel(o.left), panel(o.right)],
  } as TopLevelSpec;
}
