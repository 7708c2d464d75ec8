/**
 * How route handlers and server components reach the engine: `flowctl console` creates the services
 * once and installs them here; Next's modules only look them up. The lookup goes through a
 * `globalThis` symbol, never a module-level singleton, so neither Next bundling a second copy of a
 * module nor hot reload can create a second engine. Only types are imported: the route bundles never
 * pull in the engine.
 */
import { FlowError } from "../core/errors";
import type { ComponentService } from "./component.service";
import type { ConsoleAuth } from "./console-auth";
import type { MetricsService } from "./metrics.service";
import type { PipelineService } from "./pipeline.service";
import type { RunService } from "./run.service";

/** What the console process knows about itself, for pages and the API. */
export interface ConsoleInfo {
  version: string;
  /** `http://host:port` the console listens on. */
  url: string;
  /** The shared control plane's `host:port`. */
  controlPlaneEndpoint: string;
  /** Absolute path of the SQLite database. */
  databaseFile: string;
  /** Where built-ins' relative FILE_PATHs resolve and component logs are written. */
  dataDir: string;
  /** True when bound to loopback only: no login, commands allowed. */
  loopback: boolean;
  /** Off loopback, whether pipelines may name their own commands or images. */
  allowCommands: boolean;
  startedAt: Date;
}

/** Every service the console's routes and pages use. */
export interface ConsoleServices {
  readonly info: ConsoleInfo;
  readonly pipelines: PipelineService;
  readonly runs: RunService;
  readonly components: ComponentService;
  readonly metrics: MetricsService;
  readonly auth: ConsoleAuth;
}

const KEY = Symbol.for("flowctl.console.services");
type Holder = { [KEY]?: ConsoleServices };

/** Installs the services (the console entry point, once); returns the uninstall. */
export function installConsoleServices(services: ConsoleServices): () => void {
  const g = globalThis as Holder;
  if (g[KEY]) throw new FlowError("ILLEGAL_STATE", "console services are already installed in this process");
  g[KEY] = services;
  return () => {
    if (g[KEY] === services) delete g[KEY];
  };
}

/** The running console's services; UNAVAILABLE outside a `flowctl console` process. */
export function consoleServices(): ConsoleServices {
  const s = (globalThis as Holder)[KEY];
  if (!s) throw new FlowError("UNAVAILABLE", "the flowctl engine is not running in this process: start the console with `flowctl console` (npm start)", { kind: "operational" });
  return s;
}
