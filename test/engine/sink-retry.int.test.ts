/**
 * A sink whose writes fail 30 % of the time, with `retry:` in the pipeline: failed writes are
 * retried with backoff, what still fails is in the run's dead-letter file with the error, and
 * every event is either written or dead-lettered — counted in the summary.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { stringify } from "yaml";
import { afterEach, expect, it } from "vitest";
import type { RunHandle } from "../../server/engine/run-pipeline";
import { FIXTURE, readCount, startRun, tempDir } from "./engine-harness";

const FLAKY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/sdk-components/flaky-sink.mjs");
const runs: RunHandle[] = [];
afterEach(async () => {
  await Promise.all(runs.splice(0).map((r) => r.stop("test cleanup")));
});

it("retries failed sink writes, dead-letters what still fails, and accounts for every event", async () => {
  const dir = tempDir();
  const count = path.join(dir, "sink.count");
  const N = 3000;
  const file = path.join(dir, "flaky.yaml");
  fs.writeFileSync(
    file,
    stringify({
      apiVersion: "flowctl/v1",
      kind: "Pipeline",
      metadata: { name: "flaky" },
      spec: {
        sources: [{ id: "src", command: [process.execPath, FIXTURE], env: { ROLE: "source", WIRE: "batch", EVENT_COUNT: String(N), EVENTS_PER_SECOND: "3000" } }],
        sinks: [
          {
            id: "db",
            command: [process.execPath, FLAKY],
            inputs: ["src"],
            // Two attempts only, so some batches fail both and are dead-lettered.
            retry: { max_attempts: 2, backoff_ms: 5, max_backoff_ms: 20 },
            env: { FAIL_RATE: "0.3", SEED: "7", COUNT_FILE: count },
          },
        ],
      },
    }),
  );
  const handle = await startRun(file, { registrationTimeoutMs: 60_000 });
  runs.push(handle);
  const s = await handle.done;
  expect(s.status).toBe("COMPLETED");
  const dlqFile = path.join(s.logDir, "db.dead-letter.jsonl");
  const dead = fs.existsSync(dlqFile) ? fs.readFileSync(dlqFile, "utf8").trim().split("\n").filter(Boolean) : [];
  expect(dead.length).toBeGreaterThan(0);
  expect(JSON.parse(dead[0]!)).toMatchObject({ component: "db", attempts: 2, error: expect.stringMatching(/injected write failure/) });
  // Written + dead-lettered = every event; the dead-lettered ones are the sink's errors.
  expect(readCount(count) + dead.length).toBe(N);
  const db = s.components.find((c) => c.id === "db")!;
  expect(db.errors).toBe(dead.length);
  expect(s.edges[0]).toMatchObject({ produced: N, delivered: N, unaccounted: 0 });
});
