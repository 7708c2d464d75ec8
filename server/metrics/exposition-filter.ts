/**
 * Splits the engine's exposition between its two readers in a console: each live run's store takes
 * its own pipeline's series (edges, component gauges) and stamps them with its `run_id`; the
 * console's engine store takes only the process-wide ones. Served from both, a run's edges were
 * counted twice by `sum by (from, to)`. A console runs one run of a pipeline at a time.
 */

const PIPELINE_LABEL = 'pipeline="';

/** Process-wide series (no `pipeline` label) and `pipeline`'s own. */
export function ofPipeline(text: string, pipeline: string): string {
  const mine = `pipeline=${JSON.stringify(pipeline)}`;
  return text
    .split("\n")
    .filter((line) => !line.includes(PIPELINE_LABEL) || line.includes(mine))
    .join("\n");
}

/** Only the series that belong to no pipeline (process, host, registry gauges). */
export function processWide(text: string): string {
  return text
    .split("\n")
    .filter((line) => !line.includes(PIPELINE_LABEL))
    .join("\n");
}
