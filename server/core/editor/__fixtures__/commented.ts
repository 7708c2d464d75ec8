/**
 * A pipeline written by hand: comments everywhere, mixed flow styles (`{ a: 1 }` and `[a]`),
 * blank lines, quoting, a line longer than 80 characters. Graph edits must leave every line they
 * do not edit byte-identical.
 */
export const COMMENTED_PIPELINE = `# Orders pipeline — owned by the data team.
# Keep this header.
apiVersion: flowctl/v1
kind: Pipeline
metadata:
  name: orders   # the run name
  labels: { team: data, tier: "gold" }
spec:
  sources:
    # synthetic load
    - id: gen
      type: load-generator
      env: { EVENTS_PER_SECOND: 1000, EVENT_COUNT: 10000 }

  processors:
    - id: enrich   # adds the region
      type: transform
      inputs: [gen]     # from the generator
      env:
        EXPRESSION: '{"seq": seq, "region": ["eu", "us", "ap"][seq % 3], "amount": seq % 97, "note": "a long line"}'
    - id: work
      type: passthrough
      inputs: [enrich]
      replicas: 2 # scaled
  sinks:
    # archive everything
    - id: archive
      type: file
      inputs:
        - work
      env:
        FILE_PATH: "out/orders.jsonl"   # relative to this file
      batch: { size: 100, flush_interval_ms: 50 }
    - id: audit
      type: stdout
      inputs: [work]
# trailing comment
`;
