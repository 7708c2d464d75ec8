/**
 * The closed catalogue of diagnostic codes `validate` emits (documented with an example each in
 * docs/validation.md). Codes are stable API: editors, the console and CI scripts match on them.
 */
import type { Severity } from "./diagnostics";

/** Every code, its severity and a one-line summary. */
export const DIAGNOSTIC_CODES = {
  "yaml.syntax": { severity: "error", summary: "The file is not valid YAML." },
  "yaml.duplicate-key": { severity: "error", summary: "A mapping repeats a key." },
  "yaml.warning": { severity: "warning", summary: "The YAML parser warned (e.g. an unknown tag)." },
  "document.empty": { severity: "error", summary: "The file has no content." },
  "document.not-a-mapping": { severity: "error", summary: "The document is a list or a scalar, not a mapping." },
  "api-version.missing": { severity: "error", summary: "apiVersion is absent." },
  "api-version.invalid": { severity: "error", summary: "apiVersion is not flowctl/v1." },
  "kind.missing": { severity: "error", summary: "kind is absent." },
  "kind.invalid": { severity: "error", summary: "kind is not Pipeline." },
  "metadata.name-missing": { severity: "error", summary: "metadata.name is absent or empty." },
  "metadata.name-invalid": { severity: "warning", summary: "metadata.name is not a DNS name." },
  "spec.missing": { severity: "error", summary: "spec is absent." },
  "spec.pipelines-not-run": { severity: "warning", summary: "spec.pipelines entries are not run by this engine." },
  "driver.invalid": { severity: "error", summary: "spec.driver is not a known driver." },
  "key.unknown": { severity: "warning", summary: "A key the schema does not know (ignored), with a did-you-mean." },
  "schema.required": { severity: "error", summary: "A required field is missing." },
  "schema.type": { severity: "error", summary: "A value has the wrong type." },
  "schema.enum": { severity: "error", summary: "A value is not one of the allowed values." },
  "schema.range": { severity: "error", summary: "A number or list is out of its allowed range." },
  "schema.format": { severity: "error", summary: "A string does not match its format." },
  "schema.invalid": { severity: "error", summary: "Any other schema violation." },
  "id.missing": { severity: "error", summary: "A component has no id or an empty one." },
  "id.invalid": { severity: "error", summary: "An id is not a DNS label." },
  "id.too-long": { severity: "error", summary: "An id is longer than 63 characters." },
  "id.duplicate": { severity: "error", summary: "Two components share an id." },
  "component.not-runnable": { severity: "error", summary: "None of command, image or type." },
  "component.empty-command": { severity: "error", summary: "command is an empty list." },
  "component.unresolved-type": { severity: "error", summary: "type is neither a built-in nor a registry reference." },
  "component.invalid-registry-ref": { severity: "error", summary: "A name@version reference is malformed." },
  "component.builtin-wrong-role": { severity: "error", summary: "A built-in is declared in the wrong role." },
  "component.builtin-missing-env": { severity: "error", summary: "A built-in lacks a required setting." },
  "component.builtin-invalid-env": { severity: "error", summary: "A built-in's setting has a value it cannot use." },
  "component.needs-container-driver": { severity: "warning", summary: "Only an image or registry reference under the process driver." },
  "restart-policy.invalid": { severity: "error", summary: "restart_policy is not no, on-failure, always or unless-stopped." },
  "resources.invalid-quantity": { severity: "error", summary: "A CPU or memory quantity is malformed." },
  "resources.request-exceeds-limit": { severity: "warning", summary: "A resource request is above its limit." },
  "port.out-of-range": { severity: "error", summary: "A port is outside 1–65535." },
  "port.invalid": { severity: "error", summary: "env PORT/HEALTH_PORT/METRICS_PORT is not a port." },
  "port.duplicate": { severity: "error", summary: "Two literal ports collide." },
  "port.replicas-conflict": { severity: "error", summary: "A replicated component has a fixed port." },
  "env.invalid-name": { severity: "warning", summary: "An env name is not a portable variable name." },
  "health.missing-port": { severity: "warning", summary: "health_check without health_port." },
  "partition-key.invalid": { severity: "error", summary: "partition_key names no hashable event field." },
  "partition-key.unused": { severity: "hint", summary: "partition_key on a single replica." },
  "replicas.unordered": { severity: "hint", summary: "Replicas without partition_key lose per-key order." },
  "queue.on-source": { severity: "warning", summary: "queue on a source has no effect." },
  "retry.not-a-sink": { severity: "warning", summary: "retry on a source or processor has no effect." },
  "retry.backoff-order": { severity: "error", summary: "retry.max_backoff_ms is below retry.backoff_ms." },
  "graph.no-sources": { severity: "error", summary: "The pipeline has no sources." },
  "graph.no-sinks": { severity: "error", summary: "The pipeline has no sinks." },
  "graph.source-has-inputs": { severity: "error", summary: "A source lists inputs." },
  "graph.missing-inputs": { severity: "error", summary: "A processor or sink has no inputs." },
  "graph.unknown-input": { severity: "error", summary: "An input names no source or processor." },
  "graph.sink-as-input": { severity: "error", summary: "An input names a sink." },
  "graph.duplicate-input": { severity: "warning", summary: "The same input is listed twice." },
  "graph.cycle": { severity: "error", summary: "The inputs form a cycle (the message prints it)." },
  "graph.unreachable": { severity: "warning", summary: "A component no source can reach." },
  "tuning.long-chain": { severity: "warning", summary: "More than 3 simple processors in a row." },
  "tuning.wide-fan-out": { severity: "warning", summary: "A component feeds more than 10 consumers." },
  "tuning.large-queue": { severity: "warning", summary: "A queue capacity above 100000 events." },
  "tuning.unbatched-database-sink": { severity: "warning", summary: "A database sink without batch." },
} as const satisfies Record<string, { severity: Severity; summary: string }>;

/** A code of the catalogue. */
export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

/** Type guard for codes coming from JSON (e.g. `flowctl validate --json` output). */
export function isDiagnosticCode(code: string): code is DiagnosticCode {
  return Object.hasOwn(DIAGNOSTIC_CODES, code);
}
