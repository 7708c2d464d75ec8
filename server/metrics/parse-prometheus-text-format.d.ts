// The library ships no types; this is the prom2json-compatible shape it returns.
declare module "parse-prometheus-text-format" {
  export interface PromLabels {
    [name: string]: string;
  }
  export interface PromValueMetric {
    value: string;
    labels?: PromLabels;
    timestamp_ms?: string;
  }
  export interface PromHistogramMetric {
    buckets: Record<string, string>;
    count: string;
    sum: string;
    labels?: PromLabels;
  }
  export interface PromSummaryMetric {
    quantiles: Record<string, string>;
    count: string;
    sum: string;
    labels?: PromLabels;
  }
  export interface PromFamily {
    name: string;
    help: string;
    type: "COUNTER" | "GAUGE" | "UNTYPED" | "HISTOGRAM" | "SUMMARY";
    metrics: Array<PromValueMetric | PromHistogramMetric | PromSummaryMetric>;
  }
  export default function parsePrometheusTextFormat(text: string): PromFamily[];
}
