/** Rules about the document as a whole: metadata and sections this engine does not run. */
import { isRecord, type Rule } from "./rule-context";

// DNS-1123 subdomain: the name becomes part of container, compose and Kubernetes names.
const NAME_RE = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** `metadata.name` must be non-empty; names unusable as Kubernetes/compose names get a warning. */
export const metadataNameRule: Rule = (ctx) => {
  const metadata = ctx.raw.metadata;
  if (!isRecord(metadata) || typeof metadata.name !== "string") return; // the schema reports these
  const name = metadata.name;
  if (name.trim() === "") {
    ctx.report({ severity: "error", code: "metadata.name-missing", message: "metadata.name is required (it is empty)", path: ["metadata", "name"], fix: "set `name: my-pipeline`" });
  } else if (!NAME_RE.test(name) || name.length > 253) {
    const suggestion = name.toLowerCase().replace(/[^a-z0-9.-]+/g, "-").replace(/^[-.]+|[-.]+$/g, "").slice(0, 253);
    ctx.report({
      severity: "warning",
      code: "metadata.name-invalid",
      message: `metadata.name "${name}" is not a valid DNS name; it becomes part of run records, container and Kubernetes names`,
      path: ["metadata", "name"],
      fix: suggestion ? `use lowercase letters, digits, '-' and '.', e.g. "${suggestion}"` : "use lowercase letters, digits, '-' and '.'",
    });
  }
};

/** `spec.pipelines` is accepted for flowctl compatibility, but this engine does not start it. */
export const pipelinesSectionRule: Rule = (ctx) => {
  const spec = ctx.raw.spec;
  if (!isRecord(spec) || !Array.isArray(spec.pipelines) || spec.pipelines.length === 0) return;
  ctx.report({
    severity: "warning",
    code: "spec.pipelines-not-run",
    message: `spec.pipelines has ${spec.pipelines.length} entr${spec.pipelines.length === 1 ? "y" : "ies"}; black-box pipeline containers are not run by this engine (only sources, processors and sinks are)`,
    path: ["spec", "pipelines"],
    atKey: true,
    fix: "run them separately (e.g. `flowctl translate -o docker-compose`), or model them as components",
  });
};
