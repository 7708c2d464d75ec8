import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { FlowError } from "../../errors";
import { loadPipeline } from "../load-pipeline";
import { DNS_LABEL_RE } from "../pipeline-spec.schema";
import { escapeCompose, toDockerCompose } from "./docker-compose";
import { toKubernetesManifests } from "./kubernetes";
import type { TranslateOptions } from "./translate-common";

const VALID = path.join(import.meta.dirname, "..", "__fixtures__", "valid");
const load = (file: string) => {
  const { pipeline, diagnostics } = loadPipeline(readFileSync(path.join(VALID, file), "utf8"));
  if (!pipeline) throw new Error(`fixture ${file} does not load: ${JSON.stringify(diagnostics)}`);
  return pipeline;
};
const OPTS: TranslateOptions = { flowctlImage: "flowctl:test" };
const CONTRACT = ["ENABLE_FLOWCTL", "FLOWCTL_ENDPOINT", "FLOWCTL_COMPONENT_ID", "FLOWCTL_SERVICE_ID", "FLOWCTL_HEARTBEAT_INTERVAL", "FLOWCTL_HEARTBEAT_INTERVAL_MS", "PORT", "HEALTH_PORT", "METRICS_PORT", "ENABLE_METRICS", "MAX_QUEUE_SIZE"];

type Svc = { image: string; command?: string[]; environment: Record<string, string>; depends_on: string[]; restart: string; ports?: string[]; volumes?: string[]; healthcheck?: { test: string[] } };

describe("toDockerCompose", () => {
  const doc = toDockerCompose(load("builtins-demo.yaml"), { ...OPTS, prefix: "demo" });
  const services = doc.services as Record<string, Svc>;

  it("adds a control-plane service every component depends on and registers with", () => {
    const cp = services["demo-flowctl-control-plane"]!;
    expect(cp.command).toEqual(expect.arrayContaining(["flowctl", "server", "--address", "0.0.0.0"]));
    for (const [name, s] of Object.entries(services)) {
      if (name === "demo-flowctl-control-plane") continue;
      expect(s.depends_on[0]).toBe("demo-flowctl-control-plane");
      expect(s.environment.FLOWCTL_ENDPOINT).toBe("demo-flowctl-control-plane:8080");
      for (const key of CONTRACT) expect(s.environment, `${name}.${key}`).toHaveProperty(key);
    }
  });

  it("runs built-ins from the flowctl image and turns replicas into one service per instance", () => {
    expect(services["demo-gen"]).toMatchObject({ image: "flowctl:test", command: ["flowctl", "component", "load-generator"] });
    expect(services["demo-work-0"]!.environment).toMatchObject({ FLOWCTL_COMPONENT_ID: "work-0", PARTITION_ID: "0", PARTITION_COUNT: "2" });
    expect(services["demo-work-1"]!.environment).toMatchObject({ FLOWCTL_COMPONENT_ID: "work-1", PARTITION_ID: "1" });
    expect(services["demo-store"]!.depends_on).toEqual(["demo-flowctl-control-plane", "demo-work-0", "demo-work-1"]);
    expect(services["demo-store"]!.environment).toMatchObject({ BATCH_SIZE: "1000", BATCH_FLUSH_INTERVAL_MS: "250" });
    expect(services["demo-work-0"]!.restart).toBe("always");
  });

  it("escapes $ in user values so compose does not interpolate them", () => {
    expect(escapeCompose("$sum(x) costs $5")).toBe("$$sum(x) costs $$5");
  });

  it("maps images, ports, volumes, secrets and health checks of container pipelines", () => {
    const s = toDockerCompose(load("go-spec-c-container.yaml"), { ...OPTS, registry: "registry.local" }).services as Record<string, Svc>;
    expect(s["consumer-app"]).toMatchObject({ image: "ghcr.io/withobsrvr/consumer-app:latest", ports: ["18080:8080"], restart: "on-failure" });
    expect(s["consumer-app"]!.volumes).toEqual(["./data:/data", "~/.config/gcloud/adc.json:/secrets/gcp.json:ro"]);
    expect(s["stellar-live-source"]!.healthcheck!.test).toEqual(["CMD", "wget", "--quiet", "--tries=1", "--spider", "http://localhost:8080/healthz"]);
    expect(Object.keys(s)).not.toContain("cdp-latest-ledger"); // spec.pipelines are not run
  });

  it("resolves registry references to images as flowctl does", () => {
    const s = toDockerCompose(load("go-spec-a-starter.yaml"), OPTS).services as Record<string, Svc>;
    expect(s["stellar-source"]!.image).toBe("docker.io/withobsrvr/stellar-live-source:v1.0.0");
    expect(s["stellar-source"]!.environment.NETWORK_PASSPHRASE).toBe("Test SDF Network ; September 2015");
  });

  it("refuses command-only components, naming each of them", () => {
    const p = load("flowctl-diamond.yaml");
    expect(() => toDockerCompose(p, OPTS)).toThrow(FlowError);
    expect(() => toDockerCompose(p, OPTS)).toThrow(/component "branch-a" \(processor\) has a command but no image[\s\S]*component "join"/);
  });
});

type M = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels: Record<string, string> }; spec: Record<string, unknown> };
type Container = { env: { name: string; value?: string; valueFrom?: unknown }[]; ports: { name: string; containerPort: number }[]; resources?: unknown; readinessProbe?: unknown; image: string };

function podOf(m: M): { labels: Record<string, string>; container: Container } {
  const t = m.spec.template as { metadata: { labels: Record<string, string> }; spec: { containers: Container[] } };
  return { labels: t.metadata.labels, container: t.spec.containers[0]! };
}

describe("toKubernetesManifests", () => {
  const manifests = toKubernetesManifests(load("builtins-demo.yaml"), OPTS) as M[];
  const byName = (kind: string, name: string) => manifests.find((m) => m.kind === kind && m.metadata.name === name)!;

  it("emits a workload and a Service per component plus the control plane, all with DNS-label names", () => {
    expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual([
      "Deployment/flowctl-control-plane", "Service/flowctl-control-plane",
      "Deployment/gen", "Service/gen", "Deployment/shape", "Service/shape", "StatefulSet/work", "Service/work",
      "Deployment/store", "Service/store", "Deployment/trace", "Service/trace",
    ]);
    for (const m of manifests) expect(m.metadata.name).toMatch(DNS_LABEL_RE);
  });

  it("selects its own pods and exposes every container port", () => {
    for (const w of manifests.filter((m) => m.kind !== "Service")) {
      const { labels, container } = podOf(w);
      const selector = (w.spec.selector as { matchLabels: Record<string, string> }).matchLabels;
      expect(labels).toMatchObject(selector);
      const svc = byName("Service", w.metadata.name);
      expect((svc.spec as { selector: Record<string, string> }).selector).toEqual(selector);
      const svcPorts = (svc.spec.ports as { port: number }[]).map((p) => p.port);
      for (const p of container.ports ?? []) expect(svcPorts).toContain(p.containerPort);
      const envNames = container.env.map((e) => e.name);
      expect(new Set(envNames).size).toBe(envNames.length);
    }
  });

  it("gives replicas stable ids and partitions through a StatefulSet", () => {
    const work = byName("StatefulSet", "work");
    expect(work.spec).toMatchObject({ replicas: 2, serviceName: "work" });
    const env = podOf(work).container.env;
    expect(env.find((e) => e.name === "FLOWCTL_COMPONENT_ID")).toEqual({ name: "FLOWCTL_COMPONENT_ID", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } });
    expect(env.find((e) => e.name === "PARTITION_COUNT")).toEqual({ name: "PARTITION_COUNT", value: "2" });
    expect(podOf(work).container.resources).toEqual({ requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "1", memory: "512Mi" } });
  });

  it("uses the namespace, probes and the control-plane DNS name of container pipelines", () => {
    const ms = toKubernetesManifests(load("go-spec-c-container.yaml"), OPTS) as M[];
    for (const m of ms) expect(m.metadata.namespace).toBe("default");
    const src = ms.find((m) => m.kind === "Deployment" && m.metadata.name === "stellar-live-source")!;
    expect(podOf(src).container.readinessProbe).toMatchObject({ httpGet: { path: "/healthz", port: "health" } });
    expect(podOf(src).container.env).toContainEqual({ name: "FLOWCTL_ENDPOINT", value: "flowctl-control-plane.default.svc:8080" });
    expect(podOf(src).container.env).toContainEqual({ name: "HEALTH_PORT", value: "8080" });
  });
});
