/**
 * `flowctl server`: the control plane on its own (components and CLIs from elsewhere register and
 * query it), until SIGINT/SIGTERM; a second Ctrl-C forces.
 */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { z } from "zod";
import { FlowError } from "../../core/errors";
import { parseDuration, parseMemory } from "../../core/units";
import { handleSignals } from "../../lifecycle/signals";
import { DEFAULT_MAX_MESSAGE_BYTES } from "../../control-plane/control-plane.server";
import { startStandaloneControlPlane } from "../../control-plane/standalone.service";
import { cliContext, parseFlags } from "../context";
import { serveControlPlaneMetrics } from "../control-plane-metrics";
import { chooseListenPort } from "../control-plane-port";
import { announceControlPlane } from "../../lifecycle/discovery";
const duration = z.string().transform((s, ctx) => {
  const ms = parseDuration(s);
  if (ms === undefined || ms <= 0) ctx.addIssue({ code: "custom", message: `invalid duration ${JSON.stringify(s)} (use e.g. 500ms, 30s, 2m)` });
  return ms ?? 0;
});

const serverFlagsSchema = z
  .object({
    port: z.coerce.number().int("must be an integer").min(0, "must be 0-65535").max(65535, "must be 0-65535").default(8080),
    address: z.string().trim().min(1, "must not be empty").default("127.0.0.1"),
    tlsCert: z.string().min(1).optional(),
    tlsKey: z.string().min(1).optional(),
    tlsCaCert: z.string().min(1).optional(),
    dbPath: z.string().min(1).optional(),
    persistence: z.boolean().default(true),
    heartbeatTtl: duration.default(30_000),
    janitorInterval: duration.default(10_000),
    token: z.string().min(1).optional(),
    metricsPort: z.coerce.number().int("must be an integer").min(0, "must be 0-65535").max(65535, "must be 0-65535").optional(),
    maxMessageSize: z
      .string()
      .transform((s, ctx) => {
        const b = parseMemory(s);
        if (b === undefined || b < 1024) ctx.addIssue({ code: "custom", message: `invalid size ${JSON.stringify(s)} (use e.g. 16Mi, at least 1Ki)` });
        return b ?? 0;
      })
      .optional(),
  })
  .superRefine((f, ctx) => {
    if (Boolean(f.tlsCert) !== Boolean(f.tlsKey)) ctx.addIssue({ code: "custom", path: ["tlsCert"], message: "--tls-cert and --tls-key go together" });
    if (f.tlsCaCert && !f.tlsCert) ctx.addIssue({ code: "custom", path: ["tlsCaCert"], message: "needs --tls-cert and --tls-key (mTLS is TLS plus client certificates)" });
  });

function readPem(file: string, flag: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new FlowError("INVALID_ARGUMENT", `${flag}: cannot read ${JSON.stringify(file)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** Registers `flowctl server`. */
export function registerServerCommand(program: Command): void {
  program
    .command("server")
    .description("run the control plane standalone (registration, heartbeats, discovery, run tracking)")
    .option("--port <port>", "listen port (0 = any free port)", "8080")
    .option("--address <address>", "listen address; off-loopback needs --token/FLOWCTL_TOKEN or TLS", "127.0.0.1")
    .option("--tls-cert <file>", "server certificate (PEM)")
    .option("--tls-key <file>", "server private key (PEM)")
    .option("--tls-ca-cert <file>", "CA for client certificates (enables mTLS)")
    .option("--db-path <path>", "SQLite database file (default .flowctl/flowctl.db, or $FLOWCTL_DATABASE_URL)")
    .option("--no-persistence", "keep registry and runs in a temporary database deleted at exit")
    .option("--heartbeat-ttl <duration>", "heartbeat TTL before a component is UNHEALTHY", "30s")
    .option("--janitor-interval <duration>", "how often expired components are marked", "10s")
    .option("--token <token>", "bearer token required on every RPC (default: $FLOWCTL_TOKEN)")
    .option("--max-message-size <size>", "max gRPC message size", "16Mi")
    .option("--metrics-port <port>", "serve flowctl_registered_components / flowctl_healthy_components at /metrics (0 = any free port)")
    .action(async (raw: Record<string, unknown>, command: Command) => {
      const { logger } = cliContext(command);
      const flags = parseFlags(serverFlagsSchema, raw);
      const tls = flags.tlsCert && flags.tlsKey
        ? { cert: readPem(flags.tlsCert, "--tls-cert"), key: readPem(flags.tlsKey, "--tls-key"), ...(flags.tlsCaCert ? { ca: readPem(flags.tlsCaCert, "--tls-ca-cert") } : {}) }
        : undefined;
      // A server is reached at a port others are told about: a busy one is an error saying what to
      // pass, never a silent move (chooseListenPort throws for a port that is asked for).
      const { port } = await chooseListenPort(flags.address, flags.port, "--port");
      const cp = await startStandaloneControlPlane({
        address: flags.address,
        port,
        token: flags.token ?? (process.env.FLOWCTL_TOKEN || undefined),
        tls,
        databaseUrl: flags.dbPath,
        persistence: flags.persistence,
        heartbeatTtlMs: flags.heartbeatTtl,
        janitorIntervalMs: flags.janitorInterval,
        maxMessageBytes: flags.maxMessageSize ?? DEFAULT_MAX_MESSAGE_BYTES,
        logger,
      });
      let metricsServer: Awaited<ReturnType<typeof serveControlPlaneMetrics>> | undefined;
      try {
        if (flags.metricsPort !== undefined) metricsServer = await serveControlPlaneMetrics(cp.registry, { port: flags.metricsPort, host: flags.address, logger });
      } catch (err) {
        await cp.stop();
        throw err;
      }
      const token = flags.token ?? (process.env.FLOWCTL_TOKEN || undefined);
      const discovery = announceControlPlane("server", cp.handle.endpoint, { tokenRequired: Boolean(token), tls: Boolean(tls), database: cp.store.ephemeral ? null : cp.store.file, ...(metricsServer ? { url: metricsServer.url } : {}) }, logger);
      process.stdout.write(`✓ Control plane ready at ${cp.handle.endpoint}\n`);
      process.stdout.write(`  database: ${cp.store.ephemeral ? "temporary (--no-persistence)" : cp.store.file}\n`);
      if (metricsServer) process.stdout.write(`  metrics: ${metricsServer.url}\n`);
      await new Promise<void>((resolve) => {
        const unhandle = handleSignals({
          onGraceful: (signal) => {
            logger.info("stopping control plane", { signal });
            void Promise.allSettled([metricsServer?.close(), cp.stop()]).finally(() => {
              unhandle();
              resolve();
            });
          },
          onForce: () => process.exit(130),
        });
      });
      discovery?.remove();
      process.stdout.write("✓ Control plane stopped\n");
    });
}
