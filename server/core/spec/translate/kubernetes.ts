/**
 * CompiledPipeline → Kubernetes manifests: the engine (a ConfigMap with the pipeline file, a
 * Deployment running `flowctl run --attach` on it, a Service exposing its control plane), and per
 * component a workload with its replicas, resources, env and probes plus a Service exposing its
 * ports. One replica → Deployment. Several replicas → StatefulSet: each instance needs a stable
 * FLOWCTL_COMPONENT_ID (`<id>-<n>`, which is exactly the StatefulSet pod name) and PARTITION_ID
 * (the pod index), which identical Deployment pods cannot have.
 */
import type { CompiledComponent, CompiledPipeline } from "../compile";
import { FlowError } from "../../errors";
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

function engine(p: CompiledPipeline, opts: TranslateOptions): Manifest[] {
  const name = resourceName(ENGINE_NAME, opts);
  const port = opts.controlPlanePort ?? DEFAULT_CONTROL_PLANE_PORT;
  const labels = { ...selectorLabels(name, p), "app.kubernetes.io/component": "engine", "app.kubernetes.io/managed-by": "flowctl" };
  const file = ENGINE_PIPELINE_PATH.slice(ENGINE_PIPELINE_PATH.lastIndexOf("/") + 1);
  return [
    { apiVersion: "v1", kind: "ConfigMap", metadata: meta(`${name}-pipeline`, p, labels), data: { [file]: opts.pipelineYaml! } },
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: meta(name, p, labels),
      spec: {
        // One engine per run: two would each wait for the same components.
        replicas: 1,
        strategy: { type: "Recreate" },
        selector: { matchLabels: selectorLabels(name, p) },
        template: {
          metadata: { labels },
          spec: {
            containers: [
              {
                name: "engine",
                image: opts.flowctlImage,
                args: engineArgs(port),
                env: [tokenEnv(opts)],
                ports: [{ name: "grpc", containerPort: port }],
                readinessProbe: { tcpSocket: { port }, periodSeconds: 5 },
                volumeMounts: [
                  { name: "pipeline", mountPath: ENGINE_PIPELINE_PATH.slice(0, ENGINE_PIPELINE_PATH.lastIndexOf("/")), readOnly: true },
                  { name: "data", mountPath: ENGINE_DATA_DIR },
                ],
              },
            ],
            volumes: [
              { name: "pipeline", configMap: { name: `${name}-pipeline` } },
              // Run records live as long as the pod; mount a PersistentVolumeClaim here to keep them.
              { name: "data", emptyDir: {} },
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
  // Instance 0's env as the template; per-instance values come from the pod itself. The engine
  // dials the pod's IP (POD_IP comes first: $(POD_IP) only expands variables defined before it).
  const env = instanceEnv(c, 0, endpoint, "$(POD_IP)");
  const list: EnvVar[] = [{ name: "POD_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } }];
  list.push(...Object.entries(env)
    .filter(([k]) => !(c.replicas > 1 && ["FLOWCTL_COMPONENT_ID", "FLOWCTL_SERVICE_ID", "PARTITION_ID"].includes(k)))
    .map(([name, value]) => ({ name, value })));
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

function componentManifests(c: CompiledComponent, p: CompiledPipeline, opts: TranslateOptions, endpoint: string, dataVolume: boolean): Manifest[] {
  const name = resourceName(c.id, opts);
  const { image, command, args } = containerOf(c, opts);
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
    ...(dataVolume ? [{ name: DATA_VOLUME, emptyDir: {}, mountPath: DATA_MOUNT, readOnly: false }] : []),
  ];
  const probe = c.healthCheck ? { httpGet: { path: c.healthCheck, port: "health" }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 } : undefined;
  const container: Manifest = {
    name: "component",
    image,
    ...(command ? { command } : {}),
    ...(args ? { args } : {}),
    env: envList(c, endpoint, opts),
    ports,
    ...(c.resources ? { resources: c.resources } : {}),
    ...(probe ? { readinessProbe: probe, livenessProbe: { ...probe, initialDelaySeconds: 10 } } : {}),
    ...(volumes.length > 0 ? { volumeMounts: volumes.map((v) => ({ name: v.name, mountPath: v.mountPath, readOnly: v.readOnly })) } : {}),
  };
  const podVolumes = volumes.map((v) => ("hostPath" in v ? { name: v.name, hostPath: v.hostPath } : "secret" in v ? { name: v.name, secret: v.secret } : { name: v.name, emptyDir: {} }));
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

/** The manifests (apply in order) and what translation changed or could not fix. */
export interface KubernetesTranslation {
  manifests: Manifest[];
  warnings: TranslateWarning[];
}

/** Translates a pipeline; throws FAILED_PRECONDITION for components that cannot run in a container. */
export function toKubernetesManifests(p: CompiledPipeline, opts: TranslateOptions): KubernetesTranslation {
  assertTranslatable(p, opts);
  if (opts.pipelineYaml === undefined) throw new FlowError("INVALID_ARGUMENT", "pipelineYaml: the engine's ConfigMap needs the pipeline file's text");
  const port = opts.controlPlanePort ?? DEFAULT_CONTROL_PLANE_PORT;
  const endpoint = `${resourceName(ENGINE_NAME, opts)}${p.namespace ? `.${p.namespace}.svc` : ""}:${port}`;
  const warnings: TranslateWarning[] = [];
  const images = new Map<string, string>();
  const manifests = [...engine(p, opts)];
  for (const c of p.components) {
    const plan = containerEnvPlan(c, "kubernetes");
    warnings.push(...plan.warnings);
    images.set(c.id, containerOf(c, opts).image);
    manifests.push(...componentManifests({ ...c, env: plan.env }, p, opts, endpoint, plan.dataVolume));
  }
  warnings.push(...imageWarnings(p, images, { image: opts.flowctlImage, isDefault: opts.flowctlImageIsDefault === true }, "kubernetes"));
  return { manifests, warnings };
}
