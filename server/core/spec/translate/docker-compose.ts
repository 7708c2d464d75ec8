/**
 * CompiledPipeline → docker-compose document, in the shape of flowctl's generator plus what it
 * lacked: a control-plane service and the FLOWCTL_* environment contract on every component.
 * Replicas become one service per instance (`<id>-<n>`), since each needs its own
 * FLOWCTL_COMPONENT_ID and PARTITION_ID.
 */
import type { CompiledComponent, CompiledPipeline } from "../compile";
import {
  assertTranslatable,
  CONTROL_PLANE_NAME,
  containerOf,
  DEFAULT_CONTROL_PLANE_PORT,
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

/** Translates a pipeline; throws FAILED_PRECONDITION listing every component that cannot run in a container. */
export function toDockerCompose(p: CompiledPipeline, opts: TranslateOptions): ComposeDocument {
  assertTranslatable(p, opts);
  const cpPort = opts.controlPlanePort ?? DEFAULT_CONTROL_PLANE_PORT;
  const cpService = composeServiceName(resourceName(CONTROL_PLANE_NAME, opts));
  const endpoint = `${cpService}:${cpPort}`;
  const labels = (extra: Record<string, string>) => ({ ...p.labels, "com.obsrvr.pipeline": p.name, "dev.flowctl.pipeline": p.name, ...extra });

  const services: Record<string, ComposeService> = {
    [cpService]: {
      image: opts.flowctlImage,
      ...(opts.prefix ? { container_name: cpService } : {}),
      command: ["flowctl", "server", "--address", "0.0.0.0", "--port", String(cpPort), "--db-path", "/var/lib/flowctl/flowctl.db"],
      // Off-loopback the control plane requires a bearer token; compose refuses to start without it.
      environment: { FLOWCTL_TOKEN: "${FLOWCTL_TOKEN:?set FLOWCTL_TOKEN to a shared secret}" },
      ports: [`${cpPort}:${cpPort}`],
      volumes: ["flowctl-data:/var/lib/flowctl"],
      networks: [NETWORK],
      restart: "unless-stopped",
      labels: labels({ "com.obsrvr.component": "control-plane" }),
    },
  };

  const byId = new Map(p.components.map((c) => [c.id, c]));
  const serviceNamesOf = (id: string) => instanceIds(byId.get(id)!).map((i) => composeServiceName(resourceName(i, opts)));
  p.components.forEach((c, order) => {
    const { image, command } = containerOf(c, opts);
    instanceIds(c).forEach((instanceId, index) => {
      const name = composeServiceName(resourceName(instanceId, opts));
      const env: Record<string, string> = { ...escapeAll(instanceEnv(c, index, endpoint)), FLOWCTL_TOKEN: "${FLOWCTL_TOKEN}" };
      const service: ComposeService = {
        image,
        ...(opts.prefix ? { container_name: name } : {}),
        ...(command ? { command: command.map(escapeCompose) } : {}),
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
      ];
      if (volumes.length > 0) service.volumes = volumes;
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
  return { name: project, services, networks: { [NETWORK]: {} }, volumes: { "flowctl-data": {} } };
}
