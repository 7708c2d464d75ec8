/**
 * A real `prometheus` (Debian package) for integration tests: on loopback, a free port and a temp
 * directory, optionally over a TSDB backfilled with `promtool tsdb create-blocks-from openmetrics`.
 * `stop()` ends the process and removes the directory.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";

export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? "/usr/bin/prometheus";
export const PROMTOOL_BIN = process.env.PROMTOOL ?? "/usr/bin/promtool";

/** True when both binaries exist; in CI (`CI=true`) their absence is an error, not a skip. */
export function prometheusAvailable(): boolean {
  const ok = existsSync(PROMETHEUS_BIN) && existsSync(PROMTOOL_BIN);
  if (!ok && process.env.CI === "true") throw new Error(`prometheus/promtool not found (${PROMETHEUS_BIN}, ${PROMTOOL_BIN}): CI must install the prometheus package`);
  return ok;
}

export interface PrometheusProcess {
  url: string;
  dir: string;
  /** The last few KB of its stderr, for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

export interface StartPrometheusOptions {
  /** prometheus.yml contents. @default no scrape jobs */
  config?: string;
  /** OpenMetrics text (with timestamps and `# EOF`) to backfill before starting. */
  openMetrics?: string;
}

export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** Polls `probe` until it returns a value (not undefined), or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts Prometheus and resolves once it answers `/-/ready`. */
export async function startPrometheus(opts: StartPrometheusOptions = {}): Promise<PrometheusProcess> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "flowctl-prom-"));
  const data = path.join(dir, "data");
  if (opts.openMetrics !== undefined) {
    const file = path.join(dir, "backfill.om");
    writeFileSync(file, opts.openMetrics);
    const r = spawnSync(PROMTOOL_BIN, ["tsdb", "create-blocks-from", "openmetrics", file, data], { encoding: "utf8", timeout: 60_000 });
    if (r.status !== 0) throw new Error(`promtool backfill failed: ${r.stdout}${r.stderr}`);
  }
  writeFileSync(path.join(dir, "prometheus.yml"), opts.config ?? "global:\n  scrape_interval: 1m\nscrape_configs: []\n");
  const port = await freePort();
  const child = spawn(
    PROMETHEUS_BIN,
    [
      `--config.file=${path.join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${data}`,
      // Backfilled samples are old: keep them whatever their age.
      "--storage.tsdb.retention.time=100y",
      `--web.listen-address=127.0.0.1:${port}`,
      "--log.level=warn",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let log = "";
  child.stderr!.on("data", (b: Buffer) => (log = (log + b.toString()).slice(-4000)));
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(`prometheus to become ready (log: ${log})`, async () => {
      if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}: ${log}`);
      const r = await fetch(`${url}/-/ready`);
      return r.ok ? true : undefined;
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, dir, log: () => log, stop };
}
