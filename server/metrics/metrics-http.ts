/**
 * A small HTTP server exposing a prom-client registry at `/metrics` — the engine's
 * `--metrics-port` in headless mode. The engine and CLI own when it runs; this owns how.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { OperationalError } from "../core/errors";
import type { Logger } from "../core/logger";

export interface MetricsHttpOptions {
  /** A prom-client Registry, or anything that renders exposition text. */
  registry: { metrics(): Promise<string>; readonly contentType: string };
  /** 0 = an OS-assigned port. @default 0 */
  port?: number;
  /** @default "127.0.0.1" */
  host?: string;
  logger?: Logger;
  /** Aborting closes the server. */
  signal?: AbortSignal;
}

export interface MetricsHttpServer {
  /** The bound port (the OS-assigned one when `port` was 0). */
  port: number;
  url: string;
  close(): Promise<void>;
}

/** Starts serving; resolves once listening. */
export async function startMetricsHttp(opts: MetricsHttpOptions): Promise<MetricsHttpServer> {
  const host = opts.host ?? "127.0.0.1";
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    if (path !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found: metrics are served at /metrics\n");
      return;
    }
    opts.registry.metrics().then(
      (body) => {
        res.writeHead(200, { "content-type": opts.registry.contentType, "content-length": Buffer.byteLength(body) });
        res.end(req.method === "HEAD" ? undefined : body);
      },
      (err: unknown) => {
        opts.logger?.error("collecting metrics failed", { error: (err as Error).message });
        res.writeHead(500, { "content-type": "text/plain" }).end(`collecting metrics failed: ${(err as Error).message}\n`);
      },
    );
  });
  // Scrapers keep connections alive; do not let them hold shutdown open.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", (err) => reject(new OperationalError(`metrics server could not listen on ${host}:${opts.port ?? 0}: ${err.message}`, { cause: err, retryable: false })));
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }));
  opts.signal?.addEventListener("abort", () => void close(), { once: true });
  opts.logger?.info("serving metrics", { url: `http://${host}:${port}/metrics` });
  return { port, url: `http://${host}:${port}/metrics`, close };
}
