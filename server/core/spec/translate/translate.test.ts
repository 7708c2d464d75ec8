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
const OPTS: TranslateOptions = { flowctlImage: "flowctl:test", pipelineYaml: "kind: Pipeline\n" };
const CONTRACT = ["ENABLE_FLOWCTL", "FLOWCTL_ENDPOINT", "FLOWCTL_COMPONENT_ID", "FLOWCTL_SERVICE_ID", "FLOWCTL_HEARTBEAT_INTERVAL", "FLOWCTL_HEARTBEAT_INTERVAL_MS", "PORT", "HEALTH_PORT", "METRICS_PORT", "ENABLE_METRICS", "MAX_QUEUE_SIZE"];

type Svc = { image: string; command?: string[]; environment: Record<string, string>; depends_on: string[]; restart: string; ports?: string[]; volumes?: string[]; healthcheck?: { test: string[] } };

describe("toDockerCompose", () => {
  const { document: doc, warnings } = toDockerCompose(load("builtins-demo.yaml"), { ...OPTS, prefix: "demo", pipelineFile: "./builtins-demo.yaml" });
  const services = doc.services as Record<string, Svc>;

  it("adds the engine (flowctl run --attach on the mounted pipeline) every component depends on, registers with and advertises itself to", () => {
    const engine = services["demo-flowctl-engine"]!;
    expect(engine.command).toEqual(["run", "--attach", "/etc/flowctl/pipeline.yaml", "--control-plane-address", "0.0.0.0", "--control-plane-port", "8080", "--db-path", "/var/lib/flowctl/flowctl.db", "--no-show-status"]);
    expect(engine.volumes).toContain("./builtins-demo.yaml:/etc/flowctl/pipeline.yaml:ro");
    expect(engine.restart).toBe("on-failure");
    for (const [name, s] of Object.entries(services)) {
      if (name === "demo-flowctl-engine") continue;
      expect(s.depends_on[0]).toBe("demo-flowctl-engine");
      expect(s.environment.FLOWCTL_ENDPOINT).toBe("demo-flowctl-engine:8080");
      expect(s.environment.FLOWCTL_ADVERTISE_ADDRESS).toBe(name);
      for (const key of CONTRACT) expect(s.environment, `${name}.${key}`).toHaveProperty(key);
    }
  });

  it("copies no loopback host into a container, gives relative paths a volume, and says so in the warnings", () => {
    expect(services["demo-store"]!.environment.DATABASE_URL).toBe("postgres://postgres@host.docker.internal:5432/flowctl");
    expect(services["demo-store"]).toMatchObject({ extra_hosts: ["host.docker.internal:host-gateway"] });
    expect(services["demo-trace"]!.environment.FILE_PATH).toBe("/data/trace.jsonl");
    expect(services["demo-trace"]!.volumes).toEqual(["flowctl-files:/data"]);
    expect(doc.volumes).toHaveProperty("flowctl-files");
    for (const s of Object.values(services)) for (const v of Object.values(s.environment)) expect(v).not.toMatch(/localhost|127\.0\.0\.1/);
    expect(warnings.map((w) => [w.code, w.component, w.field])).toEqual([
      ["loopback-host", "store", "env.DATABASE_URL"],
      ["relative-path", "trace", "env.FILE_PATH"],
    ]);
  });

  it("runs built-ins from the flowctl image and turns replicas into one service per instance", () => {
    expect(services["demo-gen"]).toMatchObject({ image: "flowctl:test", command: ["component", "load-generator"] });
    // The Node settings the process driver gives built-ins, through the only channel a container has.
    expect(services["demo-gen"]!.environment).toMatchObject({ NODE_OPTIONS: "--max-semi-space-size=4", MALLOC_ARENA_MAX: "2" });
    expect(services["demo-flowctl-engine"]!.environment ?? {}).not.toHaveProperty("NODE_OPTIONS");
    expect(services["demo-work-0"]!.environment).toMatchObject({ FLOWCTL_COMPONENT_ID: "work-0", PARTITION_ID: "0", PARTITION_COUNT: "2" });
    expect(services["demo-work-1"]!.environment).toMatchObject({ FLOWCTL_COMPONENT_ID: "work-1", PARTITION_ID: "1" });
    expect(services["demo-store"]!.depends_on).toEqual(["demo-flowctl-engine", "demo-work-0", "demo-work-1"]);
    expect(services["demo-store"]!.environment).toMatchObject({ BATCH_SIZE: "1000", BATCH_FLUSH_INTERVAL_MS: "250" });
    expect(services["demo-work-0"]!.restart).toBe("always");
  });

  it("escapes $ in user values so compose does not interpolate them", () => {
    expect(escapeCompose("$sum(x) costs $5")).toBe("$$sum(x) costs $$5");
  });

  it("maps images, ports, volumes, secrets and health checks of container pipelines", () => {
    const { document, warnings: w } = toDockerCompose(load("go-spec-c-container.yaml"), { ...OPTS, registry: "registry.local" });
    const s = document.services as Record<string, Svc>;
    expect(w.filter((x) => x.code === "image-not-built").map((x) => x.field)).toEqual(["image", "image", "image"]);
    expect(s["consumer-app"]).toMatchObject({ image: "ghcr.io/withobsrvr/consumer-app:latest", ports: ["18080:8080"], restart: "on-failure" });
    expect(s["consumer-app"]!.volumes).toEqual(["./data:/data", "~/.config/gcloud/adc.json:/secrets/gcp.json:ro"]);
    expect(s["stellar-live-source"]!.healthcheck!.test).toEqual(["CMD", "wget", "--quiet", "--tries=1", "--spider", "http://localhost:8080/healthz"]);
    expect(Object.keys(s)).not.toContain("cdp-latest-ledger"); // spec.pipelines are not run
  });

  it("resolves registry references to images as flowctl does", () => {
    const s = toDockerCompose(load("go-spec-a-starter.yaml"), OPTS).document.services as Record<string, Svc>;
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
  const manifests = toKubernetesManifests(load("builtins-demo.yaml"), OPTS).manifests as M[];
  const byName = (kind: string, name: string) => manifests.find((m) => m.kind === kind && m.metadata.name === name)!;

  it("emits a workload and a Service per component plus the control plane, all with DNS-label names", () => {
    expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual([
      "ConfigMap/flowctl-engine-pipeline", "Deployment/flowctl-engine", "Service/flowctl-engine",
      "Deployment/gen", "Service/gen", "Deployment/shape", "Service/shape", "StatefulSet/work", "Service/work",
      "Deployment/store", "Service/store", "Deployment/trace", "Service/trace",
    ]);
    for (const m of manifests) expect(m.metadata.name).toMatch(DNS_LABEL_RE);
  });

  it("selects its own pods and exposes every container port", () => {
    for (const w of manifests.filter((m) => m.kind !== "Service" && m.kind !== "ConfigMap")) {
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

  it("runs the engine on the pipeline from a ConfigMap, and warns about the loopback host it cannot rewrite", () => {
    const engine = byName("Deployment", "flowctl-engine");
    expect(podOf(engine).container).toMatchObject({ image: "flowctl:test", args: expect.arrayContaining(["run", "--attach", "/etc/flowctl/pipeline.yaml"]) });
    expect(byName("ConfigMap", "flowctl-engine-pipeline")).toMatchObject({ data: { "pipeline.yaml": "kind: Pipeline\n" } });
    const { warnings } = toKubernetesManifests(load("builtins-demo.yaml"), OPTS);
    expect(warnings.find((w) => w.code === "loopback-host")).toMatchObject({ component: "store", field: "env.DATABASE_URL" });
    expect(podOf(byName("Deployment", "trace")).container.env).toContainEqual({ name: "FILE_PATH", value: "/data/trace.jsonl" });
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
    const ms = toKubernetesManifests(load("go-spec-c-container.yaml"), OPTS).manifests as M[];
    for (const m of ms) expect(m.metadata.namespace).toBe("default");
    const src = ms.find((m) => m.kind === "Deployment" && m.metadata.name === "stellar-live-source")!;
    expect(podOf(src).container.readinessProbe).toMatchObject({ httpGet: { path: "/healthz", port: "health" } });
    expect(podOf(src).container.env).toContainEqual({ name: "FLOWCTL_ENDPOINT", value: "flowctl-engine.default.svc:8080" });
    // The engine dials the pod IP; $(POD_IP) expands only variables defined before it.
    const env = podOf(src).container.env;
    expect(env[0]).toEqual({ name: "POD_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } });
    expect(env).toContainEqual({ name: "FLOWCTL_ADVERTISE_ADDRESS", value: "$(POD_IP)" });
    expect(podOf(src).container.env).toContainEqual({ name: "HEALTH_PORT", value: "8080" });
  });
});
