/**
 * CompiledPipeline → Kubernetes manifests: the control plane (Deployment + Service), and per
 * component a workload with its replicas, resources, env and probes plus a Service exposing its
 * ports. One replica → Deployment. Several replicas → StatefulSet: each instance needs a stable
 * FLOWCTL_COMPONENT_ID (`<id>-<n>`, which is exactly the StatefulSet pod name) and PARTITION_ID
 * (the pod index), which identical Deployment pods cannot have.
 */
import type { CompiledComponent, CompiledPipeline } from "../compile";
import {
  assertTranslatable,
  CONTROL_PLANE_NAME,
  containerOf,
  DEFAULT_CONTROL_PLANE_PORT,
  instanceEnv,
  portOf,
  resourceName,
  type TranslateOptions,
} from "./translate-common";

type Manifest = Record<string, unknown>;
type EnvVar = { name: string; value?: string; valueFrom?: Record<string, unknown> };

/** Secret holding the control-plane bearer token (created by the operator, see the header). */
export const TOKEN_SECRET = "flowctl-token";

function meta(name: string, p: CompiledPipeline, labels: Record<string, string>, annotations: Record<string, string> = {}): Manifest {
  return {
    name,
    ...(p.namespace ? { namespace: p.namespace } : {}),
    labels: { ...p.labels, ...labels },
    ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
  };
}

function selectorLabels(name: string, p: CompiledPipeline): Record<string, string> {
  return { "app.kubernetes.io/name": name, "app.kubernetes.io/part-of": p.name };
}

function tokenEnv(opts: TranslateOptions): EnvVar {
  return { name: "FLOWCTL_TOKEN", valueFrom: { secretKeyRef: { name: resourceName(TOKEN_SECRET, opts), key: "token" } } };
}

function controlPlane(p: CompiledPipeline, opts: TranslateOptions): Manifest[] {
  const name = resourceName(CONTROL_PLANE_NAME, opts);
  const port = opts.controlPlanePort ?? DEFAULT_CONTROL_PLANE_PORT;
  const labels = { ...selectorLabels(name, p), "app.kubernetes.io/component": "control-plane", "app.kubernetes.io/managed-by": "flowctl" };
  return [
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: meta(name, p, labels),
      spec: {
        replicas: 1,
        selector: { matchLabels: selectorLabels(name, p) },
        template: {
          metadata: { labels },
          spec: {
            containers: [
              {
                name: "control-plane",
                image: opts.flowctlImage,
                command: ["flowctl", "server", "--address", "0.0.0.0", "--port", String(port), "--no-persistence"],
                env: [tokenEnv(opts)],
                ports: [{ name: "grpc", containerPort: port }],
                readinessProbe: { tcpSocket: { port }, periodSeconds: 5 },
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: meta(name, p, labels),
      spec: { selector: selectorLabels(name, p), ports: [{ name: "grpc", port, targetPort: port }] },
    },
  ];
}

function envList(c: CompiledComponent, endpoint: string, opts: TranslateOptions): EnvVar[] {
  // Instance 0's env as the template; per-instance values come from the pod itself.
  const env = instanceEnv(c, 0, endpoint);
  const list: EnvVar[] = Object.entries(env)
    .filter(([k]) => !(c.replicas > 1 && ["FLOWCTL_COMPONENT_ID", "FLOWCTL_SERVICE_ID", "PARTITION_ID"].includes(k)))
    .map(([name, value]) => ({ name, value }));
  if (c.replicas > 1) {
    list.push(
      { name: "FLOWCTL_COMPONENT_ID", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
      { name: "FLOWCTL_SERVICE_ID", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
      { name: "PARTITION_ID", valueFrom: { fieldRef: { fieldPath: "metadata.labels['apps.kubernetes.io/pod-index']" } } },
    );
  }
  for (const s of c.secrets) {
    if (s.type === "env") list.push({ name: s.env ?? s.name.toUpperCase().replace(/[^A-Z0-9_]/g, "_"), valueFrom: { secretKeyRef: { name: s.name, key: s.name, optional: s.required === false } } });
  }
  list.push(tokenEnv(opts));
  return list;
}

function componentManifests(c: CompiledComponent, p: CompiledPipeline, opts: TranslateOptions, endpoint: string): Manifest[] {
  const name = resourceName(c.id, opts);
  const { image, command } = containerOf(c, opts);
  const labels = { ...selectorLabels(name, p), "app.kubernetes.io/component": c.role, "app.kubernetes.io/managed-by": "flowctl" };
  const env = instanceEnv(c, 0, endpoint);
  const declared: { name: string; containerPort: number; protocol?: string }[] = [
    { name: "grpc", containerPort: portOf(env.PORT, 50051) },
    { name: "health", containerPort: portOf(env.HEALTH_PORT, 8088) },
    { name: "metrics", containerPort: portOf(env.METRICS_PORT, 9090) },
    ...c.ports.map((pt, i) => ({ name: pt.name ?? `port-${i}`, containerPort: pt.containerPort, ...(pt.protocol ? { protocol: pt.protocol } : {}) })),
  ];
  // Kubernetes rejects a port listed twice (e.g. ports[].containerPort equal to health_port): first name wins.
  const ports = declared.filter((pt, i) => declared.findIndex((q) => q.containerPort === pt.containerPort && (q.protocol ?? "TCP") === (pt.protocol ?? "TCP")) === i);
  const volumes = [
    ...c.volumes.flatMap((v, i) => (v.host_path && (v.container_path ?? v.mountPath) ? [{ name: v.name ?? `volume-${i}`, hostPath: { path: v.host_path }, mountPath: (v.container_path ?? v.mountPath)!, readOnly: v.readonly ?? false }] : [])),
    ...c.secrets.flatMap((s) => (s.type === "env" ? [] : [{ name: `secret-${s.name}`, secret: { secretName: s.name }, mountPath: s.container_path ?? `/secrets/${s.name}`, readOnly: true }])),
  ];
  const probe = c.healthCheck ? { httpGet: { path: c.healthCheck, port: "health" }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 } : undefined;
  const container: Manifest = {
    name: "component",
    image,
    ...(command ? { command } : {}),
    env: envList(c, endpoint, opts),
    ports,
    ...(c.resources ? { resources: c.resources } : {}),
    ...(probe ? { readinessProbe: probe, livenessProbe: { ...probe, initialDelaySeconds: 10 } } : {}),
    ...(volumes.length > 0 ? { volumeMounts: volumes.map((v) => ({ name: v.name, mountPath: v.mountPath, readOnly: v.readOnly })) } : {}),
  };
  const podVolumes = volumes.map((v) => ("hostPath" in v ? { name: v.name, hostPath: v.hostPath } : { name: v.name, secret: v.secret }));
  const stateful = c.replicas > 1;
  // Kubernetes restarts pod containers whatever happens; flowctl's policy is kept as an annotation.
  const annotations = { "flowctl.dev/restart-policy": c.restartPolicy, "flowctl.dev/inputs": c.inputs.join(",") };
  const workload: Manifest = {
    apiVersion: "apps/v1",
    kind: stateful ? "StatefulSet" : "Deployment",
    metadata: meta(name, p, labels, annotations),
    spec: {
      replicas: c.replicas,
      ...(stateful ? { serviceName: name, podManagementPolicy: "Parallel" } : {}),
      selector: { matchLabels: selectorLabels(name, p) },
      template: {
        metadata: { labels, annotations: { "prometheus.io/scrape": "true", "prometheus.io/port": String(portOf(env.METRICS_PORT, 9090)) } },
        spec: { containers: [container], ...(podVolumes.length > 0 ? { volumes: podVolumes } : {}) },
      },
    },
  };
  const service: Manifest = {
    apiVersion: "v1",
    kind: "Service",
    metadata: meta(name, p, labels),
    spec: {
      selector: selectorLabels(name, p),
      ...(stateful ? { clusterIP: "None" } : {}),
      ports: ports.map((pt) => ({ name: pt.name, port: pt.containerPort, targetPort: pt.containerPort, ...("protocol" in pt ? { protocol: pt.protocol } : {}) })),
    },
  };
  return [workload, service];
}

/** Translates a pipeline to manifests (apply in order); throws FAILED_PRECONDITION for components that cannot run in a container. */
export function toKubernetesManifests(p: CompiledPipeline, opts: TranslateOptions): Manifest[] {
  assertTranslatable(p, opts);
  const port = opts.controlPlanePort ?? DEFAULT_CONTROL_PLANE_PORT;
  const endpoint = `${resourceName(CONTROL_PLANE_NAME, opts)}${p.namespace ? `.${p.namespace}.svc` : ""}:${port}`;
  return [...controlPlane(p, opts), ...p.components.flatMap((c) => componentManifests(c, p, opts, endpoint))];
}
