/**
 * HTTP endpoints of a component: Prometheus `/metrics` and the original SDK's `/health`, `/ready`,
 * `/live` (flowctl-go-spec §6.3). When HEALTH_PORT equals METRICS_PORT one server serves both.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { ComponentMetrics } from "./metrics";
import type { HealthState } from "./wire/grpc-server";

/** What the HTTP endpoints report. */
export interface HttpEndpointsOptions {
  metrics: ComponentMetrics | undefined;
  health: () => HealthState;
  startedAt: number;
}

function formatUptime(ms: number): string {
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h ? h + "h" : ""}${h || m ? m + "m" : ""}${s % 60}s`;
}

function handler(opts: HttpEndpointsOptions): http.RequestListener {
  return (req, res) => {
    const url = (req.url ?? "/").split("?")[0];
    const status = opts.health();
    const json = (code: number, body: unknown) => {
      res.writeHead(code, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const body = { status, uptime: formatUptime(Date.now() - opts.startedAt), timestamp: new Date().toISOString() };
    if (req.method !== "GET" && req.method !== "HEAD") return json(405, { error: "method not allowed" });
    if (url === "/health") return json(200, body);
    if (url === "/ready") return json(status === "HEALTHY" ? 200 : 503, body);
    if (url === "/live") return json(status === "UNHEALTHY" ? 500 : 200, body);
    if (url === "/metrics" && opts.metrics) {
      opts.metrics.expose().then(
        (text) => {
          res.writeHead(200, { "content-type": opts.metrics!.registry.contentType });
          res.end(text);
        },
        (err: Error) => json(500, { error: err.message }),
      );
      return;
    }
    json(404, { error: `no route ${url}` });
  };
}

/** Starts one HTTP server on `host:port` (0 = OS-assigned); resolves with it and its bound port. */
export async function startHttpEndpoints(opts: HttpEndpointsOptions, port: number, what: string, host = "0.0.0.0"): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer(handler(opts));
  await new Promise<void>((resolve, reject) => {
    server.once("error", (err) => reject(new Error(`${what}: cannot listen on ${host}:${port}: ${err.message}`, { cause: err })));
    server.listen(port, host, () => {
      server.removeAllListeners("error");
      resolve();
    });
  });
  return { server, port: (server.address() as AddressInfo).port };
}

/** Closes an endpoints server, dropping keep-alive connections. */
export function closeHttpServer(server: http.Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
