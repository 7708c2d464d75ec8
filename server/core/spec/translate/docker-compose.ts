/**
 * CompiledPipeline → docker-compose document, in the shape of flowctl's generator plus what it
 * lacked: the engine (`flowctl run --attach` on the mounted pipeline file: it serves the control
 * plane the components register with and relays their events) and the FLOWCTL_* environment
 * contract on every component, whose env is made container-safe (container-env.ts).
 * Replicas become one service per instance (`<id>-<n>`), since each needs its own
 * FLOWCTL_COMPONENT_ID and PARTITION_ID.
 */
import type { CompiledComponent, CompiledPipeline } from "../compile";
import { containerEnvPlan, DATA_MOUNT, DATA_VOLUME, imageWarnings, type TranslateWarning } from "./container-env";
import {
  assertTranslatable,
  containerOf,
  DEFAULT_CONTROL_PLANE_PORT,
  ENGINE_DATA_DIR,
  ENGINE_NAME,
  ENGINE_PIPELINE_PATH,
  engineArgs,
  instanceEnv,
  instanceIds,
  portOf,
  resourceName,
  type TranslateOptions,
} from "./translate-common";

type ComposeService = Record<string, unknown>;

/** The compose document (`name`, `services`, `networks`, `volumes`), ready for YAML stringify. */
export interface ComposeDocument {
  name: string;
  services: Record<string, ComposeService>;
  networks: Record<string, Record<string, never>>;
  volumes: Record<string, Record<string, never>>;
}

const NETWORK = "pipeline";

/** Compose service names: flowctl's sanitising (non-alphanumerics → `-`, `svc-` if not starting with a letter). */
export function composeServiceName(id: string): string {
  const s = id.replace(/[^A-Za-z0-9]+/g, "-");
  return /^[A-Za-z]/.test(s) ? s : `svc-${s}`;
}

/** Compose interpolates `$VAR` in every string; user text keeps its `$` (JSONata's `$sum`) as `$$`. */
export function escapeCompose(value: string): string {
  return value.replace(/\$/g, "$$$$");
}

function escapeAll<T extends Record<string, string>>(env: T): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, escapeCompose(v)]));
}

function restartOf(c: CompiledComponent): string {
  return c.restartPolicy === "no" ? "no" : c.restartPolicy;
}

/** The compose document and what translation changed or could not fix. */
export interface ComposeTranslation {
  document: ComposeDocument;
  warnings: TranslateWarning[];
}

/** Translates a pipeline; throws FAILED_PRECONDITION listing every component that cannot run in a container. */
export function toDockerCompose(p: CompiledPipeline, opts: TranslateOptions): ComposeTranslation {
  assertTranslatable(p, opts);
  const warnings: TranslateWarning[] = [];
  const cpPort = opts.controlPlanePort ?? DEFAULT_CONTROL_PLANE_PORT;
  const cpService = composeServiceName(resourceName(ENGINE_NAME, opts));
  const endpoint = `${cpService}:${cpPort}`;
  const labels = (extra: Record<string, string>) => ({ ...p.labels, "com.obsrvr.pipeline": p.name, "dev.flowctl.pipeline": p.name, ...extra });

  const services: Record<string, ComposeService> = {
    [cpService]: {
      image: opts.flowctlImage,
      ...(opts.prefix ? { container_name: cpService } : {}),
      command: engineArgs(cpPort),
      // Off-loopback the control plane requires a bearer token; compose refuses to start without it.
      environment: { FLOWCTL_TOKEN: "${FLOWCTL_TOKEN:?set FLOWCTL_TOKEN to a shared secret of 16+ characters}" },
      ports: [`${cpPort}:${cpPort}`],
      volumes: [`${opts.pipelineFile ?? "./pipeline.yaml"}:${ENGINE_PIPELINE_PATH}:ro`, `flowctl-data:${ENGINE_DATA_DIR}`],
      networks: [NETWORK],
      // A completed run stays completed; a crashed engine comes back and waits for the components.
      restart: "on-failure",
      labels: labels({ "com.obsrvr.component": "engine" }),
    },
  };

  const byId = new Map(p.components.map((c) => [c.id, c]));
  const serviceNamesOf = (id: string) => instanceIds(byId.get(id)!).map((i) => composeServiceName(resourceName(i, opts)));
  const images = new Map<string, string>();
  let dataVolume = false;
  p.components.forEach((c, order) => {
    const { image, command, args } = containerOf(c, opts);
    images.set(c.id, image);
    const plan = containerEnvPlan(c, "docker-compose");
    warnings.push(...plan.warnings);
    dataVolume ||= plan.dataVolume;
    const inContainer = { ...c, env: plan.env };
    instanceIds(c).forEach((instanceId, index) => {
      const name = composeServiceName(resourceName(instanceId, opts));
      // The service name resolves to this container on the project network: the engine dials it.
      const env: Record<string, string> = { ...escapeAll(instanceEnv(inContainer, index, endpoint, name)), FLOWCTL_TOKEN: "${FLOWCTL_TOKEN}" };
      const argv = command ?? args;
      const service: ComposeService = {
        image,
        ...(opts.prefix ? { container_name: name } : {}),
        ...(argv ? { command: argv.map(escapeCompose) } : {}),
        environment: env,
        networks: [NETWORK],
        restart: restartOf(c),
        labels: labels({ "com.obsrvr.component": c.role, "dev.flowctl.component-id": c.id, "com.obsrvr.order": String(order) }),
        depends_on: [cpService, ...c.inputs.flatMap(serviceNamesOf)],
      };
      if (c.ports.length > 0) service.ports = c.ports.map((port) => `${port.hostPort ?? port.containerPort}:${port.containerPort}${port.protocol && port.protocol !== "TCP" ? `/${port.protocol.toLowerCase()}` : ""}`);
      const volumes = [
        ...c.volumes.flatMap((v) => {
          const target = v.container_path ?? v.mountPath;
          const source = v.host_path ?? v.name;
          // Host paths are left to compose interpolation on purpose: flowctl expanded $HOME there.
          return target && source ? [`${source}:${target}${v.readonly ? ":ro" : ""}`] : [];
        }),
        ...c.secrets.flatMap((s) => (s.type !== "env" && s.host_path ? [`${s.host_path}:${s.container_path ?? `/secrets/${s.name}`}:ro`] : [])),
        ...(plan.dataVolume ? [`${DATA_VOLUME}:${DATA_MOUNT}`] : []),
      ];
      if (volumes.length > 0) service.volumes = volumes;
      if (plan.hostGateway) service.extra_hosts = ["host.docker.internal:host-gateway"];
      if (c.healthCheck) {
        const port = portOf(env.HEALTH_PORT, 8088);
        service.healthcheck = {
          test: ["CMD", "wget", "--quiet", "--tries=1", "--spider", `http://localhost:${port}${c.healthCheck.startsWith("/") ? "" : "/"}${c.healthCheck}`],
          interval: "10s",
          timeout: "5s",
          retries: 3,
          start_period: "5s",
        };
      }
      services[name] = service;
    });
  });

  const project = resourceName(p.name, opts).toLowerCase().replace(/[^a-z0-9_-]+/g, "-").replace(/^[^a-z0-9]+/, "") || "flowctl";
  warnings.push(...imageWarnings(p, images, { image: opts.flowctlImage, isDefault: opts.flowctlImageIsDefault === true }, "docker-compose"));
  return {
    document: { name: project, services, networks: { [NETWORK]: {} }, volumes: { "flowctl-data": {}, ...(dataVolume ? { [DATA_VOLUME]: {} } : {}) } },
    warnings,
  };
}
