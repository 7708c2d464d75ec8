/**
 * A custom processor written with the SDK (what `examples/custom-component.yaml` runs): reads the
 * load generator's JSON, adds a score, drops every tenth order, and counts high scores in a custom
 * Prometheus counter. Run by the engine as `node --import tsx components/score-orders.ts`.
 */
import { defineProcessor, payloadJson, withEvent } from "flowctl/sdk";

let highScores: { inc(): void } | undefined;

const processor = defineProcessor({
  name: "score-orders",
  description: "Scores orders and drops every tenth",
  inputEventTypes: ["order.created.v1"],
  outputEventTypes: ["order.scored.v1"],
  setup(ctx) {
    highScores = ctx.metrics.counter("orders_high_score_total", "Orders scored above 90.");
  },
  process(event) {
    const { seq } = payloadJson<{ seq: number }>(event);
    if (seq % 10 === 0) return null;
    const score = (seq * 37) % 100;
    if (score > 90) highScores?.inc();
    return withEvent(event, {
      type: "order.scored.v1",
      payload: Buffer.from(JSON.stringify({ seq, score })),
      contentType: "application/json",
    });
  },
});

await processor.run();
