/**
 * Where the PromQL engine reads series from. {@link SeriesStore} satisfies {@link SeriesSource}
 * as is; {@link CompositeSeriesSource} puts several sources behind one (the console's live runs
 * and finished runs loaded from rollups), stamping each source's series with extra labels.
 */
import { lastIndexAtOrBefore, matchLabels, seriesKey, type LabelMatcher, type Labels, type Matchers, type SeriesView } from "../series-store";

export { lastIndexAtOrBefore };
import type { LabelMatcherNode, VectorSelectorNode } from "./ast";
import { compareLabels } from "./values";

/** A read-only set of series: what the engine needs from a store. */
export interface SeriesSource {
  /** Series named `name` whose labels satisfy `matchers` (a missing label counts as ""). */
  select(name: string, matchers?: Matchers): SeriesView[];
  /** Every metric name held. */
  names(): string[];
}

/** One source of a {@link CompositeSeriesSource} and the labels stamped on its series. */
export interface SourceMember {
  source: SeriesSource;
  /** e.g. `{ run_id, pipeline }`. @default {} */
  labels?: Labels;
}

/**
 * Several sources as one. A stamped label replaces a series label of the same name; when the
 * values differ the series' own value is kept as `exported_<name>` (Prometheus's rule for target
 * labels). Series that end up with the same name and labels in several members are merged into
 * one series, time-ordered; where two members hold a sample at the same millisecond the earlier
 * member wins. Cheap to build: make one per request over the current members.
 */
export class CompositeSeriesSource implements SeriesSource {
  private readonly members: ReadonlyArray<Required<SourceMember>>;

  constructor(members: Iterable<SourceMember>) {
    this.members = [...members].map((m) => ({ source: m.source, labels: m.labels ?? {} }));
  }

  select(name: string, matchers: Matchers = {}): SeriesView[] {
    const byKey = new Map<string, SeriesView[]>();
    for (const { source, labels: stamp } of this.members) {
      // Matchers on stamped (or renamed) labels are checked after stamping, not by the member.
      const inner: Record<string, LabelMatcher> = {};
      for (const [k, m] of Object.entries(matchers)) if (!(k in stamp) && !k.startsWith("exported_")) inner[k] = m;
      for (const view of source.select(name, inner)) {
        const labels = stampLabels(view.labels, stamp);
        if (!matchLabels(labels, matchers)) continue;
        const key = seriesKey(name, labels);
        const views = byKey.get(key);
        const stamped = withLabels(view, labels);
        if (views) views.push(stamped);
        else byKey.set(key, [stamped]);
      }
    }
    return [...byKey.values()].map((views) => (views.length === 1 ? views[0]! : mergeViews(views)));
  }

  names(): string[] {
    const names = new Set<string>();
    for (const m of this.members) for (const n of m.source.names()) names.add(n);
    return [...names].sort();
  }
}

function stampLabels(own: Labels, stamp: Labels): Labels {
  const out: Record<string, string> = { ...own };
  for (const [k, v] of Object.entries(stamp)) {
    if (out[k] !== undefined && out[k] !== v) out[`exported_${k}`] = out[k];
    out[k] = v;
  }
  return out;
}

/** The same points under other labels (reads through: a live ring keeps growing). */
function withLabels(view: SeriesView, labels: Labels): SeriesView {
  return {
    name: view.name,
    labels,
    get length() {
      return view.length;
    },
    timeAt: (i) => view.timeAt(i),
    valueAt: (i) => view.valueAt(i),
  };
}

/** One time-ordered series from several (a snapshot; the first view wins a tie). */
function mergeViews(views: readonly SeriesView[]): SeriesView {
  const points = new Map<number, number>();
  for (const v of views) {
    for (let i = 0; i < v.length; i++) {
      const t = v.timeAt(i);
      if (!points.has(t)) points.set(t, v.valueAt(i));
    }
  }
  const times = [...points.keys()].sort((a, b) => a - b);
  const values = times.map((t) => points.get(t)!);
  return { name: views[0]!.name, labels: views[0]!.labels, length: times.length, timeAt: (i) => times[i]!, valueAt: (i) => values[i]! };
}

/** A selected series: its labels with the metric name as `__name__`, and its points. */
export interface SelectedSeries {
  labels: Labels;
  view: SeriesView;
}

/** The series of `source` that a PromQL selector names (every matcher applied, regexes included). */
export function selectSeries(source: SeriesSource, sel: Pick<VectorSelectorNode, "name" | "matchers">): SelectedSeries[] {
  const out: SelectedSeries[] = [];
  // Equality matchers narrow the source's own lookup; every matcher is then applied here.
  const eq: Record<string, string> = {};
  for (const m of sel.matchers) if (m.op === "=" && m.name !== "__name__" && eq[m.name] === undefined) eq[m.name] = m.value;
  const names = sel.name !== undefined ? [sel.name] : source.names();
  for (const name of names) {
    for (const view of source.select(name, eq)) {
      const labels: Labels = { ...view.labels, __name__: name };
      if (sel.matchers.every((m) => matchesValue(m, labels[m.name] ?? ""))) out.push({ labels, view });
    }
  }
  // Storage order, as in Prometheus: sorted by label set (error messages list series in it).
  return out.sort((a, b) => compareLabels(a.labels, b.labels));
}

/** Whether one PromQL matcher accepts a label value ("" for a missing label). */
export function matchesValue(m: LabelMatcherNode, v: string): boolean {
  switch (m.op) {
    case "=":
      return v === m.value;
    case "!=":
      return v !== m.value;
    case "=~":
      return m.re!.test(v);
    case "!~":
      return !m.re!.test(v);
  }
}

