/**
 * `flowctl console`: one process owning the engine service, one shared gRPC control plane, the
 * metrics of every run, and the Next.js request handler. It is the only place the engine is created
 * for the console; routes reach it through `consoleServices()`. Stopping it stops every run it owns.
 */
import { existsSync, mkdirSync } from "node:fs";
import type http from "node:http";
import path from "node:path";
import next from "next";
import { startControlPlane, type ControlPlaneHandle } from "../control-plane/control-plane.server";
import { ComponentRegistry } from "../control-plane/registry";
import type { RunController } from "../control-plane/run-tracking.service";
import { FlowError, IllegalStateError } from "../core/errors";
import type { Logger } from "../core/logger";
import { REPO_ROOT } from "../drivers/process/process-driver";
import { ownedRunController } from "../engine/owned-runs";
import { createEngineMetrics } from "../metrics/engine-metrics";
import { defaultTargetsFile } from "../metrics/file-sd";
import { announceControlPlane } from "../lifecycle/discovery";
import { openStore, type Store } from "../storage/store";
import { ComponentService } from "../services/component.service";
import { ConsoleAuth } from "../services/console-auth";
import { installConsoleServices, type ConsoleServices } from "../services/console-services";
import { MetricsService } from "../services/metrics.service";
import { PipelineService } from "../services/pipeline.service";
import { RunService } from "../services/run.service";
import { FLOWCTL_VERSION } from "../cli/version";
import { createConsoleHttpServer } from "./console-http";
import type { CompiledConsoleOptions } from "./console-options";
import { ensureConsoleBuild } from "./next-build";
import { recordRunsToResume, resumeRuns } from "./resume-runs";
import { seedDemoPipelines } from "./seed-demo";

/** Lifecycle of the console process. */
export type ConsoleState = "starting" | "running" | "stopping" | "stopped";

export interface ConsoleHandle {
  readonly state: ConsoleState;
  /** `http://host:port`. */
  readonly url: string;
  readonly controlPlaneEndpoint: string;
  readonly services: ConsoleServices;
  /** Stops every owned run (drained unless `force`), then the servers and the store. Idempotent. */
  stop(opts?: { force?: boolean }): Promise<void>;
}

/** Starts the console; resolves once it serves requests (the demo pipelines are starting). */
export async function startConsole(opts: CompiledConsoleOptions, logger: Logger): Promise<ConsoleHandle> {
  let state: ConsoleState = "starting";
  const cleanups: Array<() => Promise<void> | void> = [];
  const cleanup = async () => {
    for (const fn of cleanups.reverse()) await Promise.resolve(fn()).catch((err: unknown) => logger.warn("console shutdown step failed", { error: String(err) }));
    cleanups.length = 0;
  };
  try {
    if (!existsSync(path.join(REPO_ROOT, "app"))) {
      // A packed flowctl (the SDK and CLI a component project installs) carries no console.
      throw new FlowError("FAILED_PRECONDITION", `this flowctl installation (${REPO_ROOT}) has no console pages: run \`npm start\` from a flowctl checkout`);
    }
    mkdirSync(opts.dataDir, { recursive: true });
    if (!opts.dev) await ensureConsoleBuild(REPO_ROOT, logger);

    const store: Store = await openStore({ ...(opts.databaseFile ? { databaseUrl: `file:${opts.databaseFile}` } : {}) });
    cleanups.push(() => store.close());
    const registry = new ComponentRegistry();
    const metrics = createEngineMetrics();
    const unsubscribe = registry.subscribe(() => {
      const all = registry.list({ includeUnhealthy: true });
      metrics.registeredComponents.set(all.length);
      metrics.healthyComponents.set(all.filter((c) => c.status === "HEALTHY").length);
    });
    cleanups.push(unsubscribe);

    // StopPipelineRun from any client stops whichever run of this console owns the id.
    const controlPlane = await startSharedControlPlane(opts, registry, store, logger, ownedRunController);
    cleanups.push(() => controlPlane.close({ graceMs: 2_000 }));

    const policy = { loopback: opts.loopback, allowCommands: opts.allowCommands, dataDir: opts.dataDir };
    const runs = new RunService({
      store,
      registry,
      controlPlaneEndpoint: controlPlane.endpoint,
      metrics,
      policy,
      logDir: opts.logDir,
      logger,
      gracePeriodMs: opts.gracePeriodMs,
    });
    cleanups.push(async () => {
      // Written before the runs stop, so the next start resumes exactly these.
      await recordRunsToResume(opts.dataDir, runs).catch((err: unknown) => logger.warn("runs to resume not recorded", { error: String(err) }));
      await runs.stopAll();
    });
    const pipelines = new PipelineService(store, runs, policy);
    const url = `http://${opts.host.includes(":") ? `[${opts.host}]` : opts.host}:${opts.port}`;
    const metricsService = new MetricsService({ metrics, runs, consoleTarget: () => new URL(services.info.url).host, targetsFile: defaultTargetsFile(), store, logger });
    const auth = new ConsoleAuth({ loopback: opts.loopback, token: opts.token });
    const services: ConsoleServices = {
      info: {
        version: FLOWCTL_VERSION,
        url,
        controlPlaneEndpoint: controlPlane.endpoint,
        databaseFile: store.file,
        dataDir: opts.dataDir,
        loopback: opts.loopback,
        allowCommands: opts.allowCommands,
        startedAt: new Date(),
      },
      pipelines,
      runs,
      components: new ComponentService(registry, runs),
      metrics: metricsService,
      auth,
    };
    cleanups.push(installConsoleServices(services));

    const app = next({ dev: opts.dev, dir: REPO_ROOT, hostname: opts.host, port: opts.port, customServer: true });
    await app.prepare();
    const server = createConsoleHttpServer(auth, app.getRequestHandler(), logger);
    await listen(server, opts.port, opts.host);
    const bound = (server.address() as { port: number }).port;
    (services.info as { url: string }).url = url.replace(/:\d+$/, `:${bound}`);
    cleanups.push(() => closeHttp(server));
    cleanups.push(() => app.close());
    metricsService.start();
    cleanups.push(() => metricsService.stop());
    // `flowctl status`, `pipelines` and `diagnose` in this directory find the console's control plane.
    const announced = announceControlPlane("console", controlPlane.endpoint, { database: store.file, tokenRequired: Boolean(opts.token), url: services.info.url }, logger);
    if (announced) cleanups.push(() => announced.remove());

    state = "running";
    await resumeRuns(opts.dataDir, runs, logger);
    if (opts.demo) await seedDemoPipelines(path.join(REPO_ROOT, "examples"), pipelines, runs, logger).catch((err: unknown) => logger.error("demo pipelines not started", { error: String(err) }));

    let stopping: Promise<void> | undefined;
    return {
      get state() {
        return state;
      },
      url: services.info.url,
      controlPlaneEndpoint: controlPlane.endpoint,
      services,
      stop(stopOpts = {}) {
        if (stopOpts.force) void runs.stopAll({ force: true });
        return (stopping ??= (async () => {
          if (state !== "running") throw new IllegalStateError(state, "stopping", "console");
          state = "stopping";
          await cleanup();
          state = "stopped";
        })());
      },
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/** The control plane every run shares; a busy default port falls back to a free one. */
async function startSharedControlPlane(
  opts: CompiledConsoleOptions,
  registry: ComponentRegistry,
  store: Store,
  logger: Logger,
  runController: RunController,
): Promise<ControlPlaneHandle> {
  const start = (port: number) =>
    startControlPlane({ address: opts.host, port, registry, store, runController, logger, ...(opts.token ? { token: opts.token } : {}) });
  try {
    return await start(opts.grpcPort);
  } catch (err) {
    if (!opts.grpcPortIsDefault || !/EADDRINUSE|address already in use|No address added/i.test(String((err as Error).message))) throw err;
    const cp = await start(0);
    logger.warn(`port ${opts.grpcPort} is busy: the control plane listens on ${cp.endpoint} instead (pass --grpc-port to choose)`);
    return cp;
  }
}

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) =>
      reject(err.code === "EADDRINUSE" ? new FlowError("UNAVAILABLE", `port ${port} on ${host} is in use: pass --port <another port> (or stop what listens there)`, { kind: "operational" }) : err);
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve();
    });
  });
}

/** Stops accepting, ends idle keep-alive connections, and cuts live streams after a short grace. */
async function closeHttp(server: http.Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const t = setTimeout(() => server.closeAllConnections(), 2_000);
  await closed;
  clearTimeout(t);
}
