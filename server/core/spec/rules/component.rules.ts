/** Per-component rules: ids, how the component runs, env, health, resources, replicas. */
import { parseCpu, parseMemory } from "../../units";
import { BUILTIN_COMPONENTS, findBuiltin, isRegistryRef } from "../builtins";
import { DNS_LABEL_MAX, DNS_LABEL_RE } from "../pipeline-spec.schema";
import { closestMatch } from "../suggest";
import { describeComponent, isRecord, type RawComponent, type Rule, type RuleContext } from "./rule-context";

const REGISTRY_REF_RE = /^([a-z0-9][a-z0-9._-]*\/)*[a-z0-9][a-z0-9._-]*@[A-Za-z0-9][A-Za-z0-9._+-]*$/;
const ENV_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PARTITION_KEY_RE = /^(id|type|metadata\.[^.\s]+)$/;

/** A DNS-label version of an id, for fix suggestions. */
function toDnsLabel(id: string): string {
  return id.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, DNS_LABEL_MAX).replace(/-+$/, "");
}

/** Ids: non-empty, DNS-label safe, ≤ 63 characters, unique across all roles. */
export const idRules: Rule = (ctx) => {
  const seen = new Map<string, RawComponent>();
  for (const c of ctx.components) {
    const id = c.value.id;
    if (typeof id !== "string") continue; // missing / wrong type: the schema reports it
    const path = [...c.path, "id"];
    if (id.trim() === "") {
      ctx.report({ severity: "error", code: "id.missing", message: `${describeComponent(c)} has an empty id`, path, fix: "set `id: <name>` (lowercase letters, digits and '-')" });
      continue;
    }
    if (id.length > DNS_LABEL_MAX) {
      ctx.report({
        severity: "error",
        code: "id.too-long",
        message: `id "${id}" is ${id.length} characters; ids become process, Kubernetes and metric label names, limited to ${DNS_LABEL_MAX}`,
        path,
        fix: `shorten it to at most ${DNS_LABEL_MAX} characters`,
      });
    } else if (!DNS_LABEL_RE.test(id)) {
      const label = toDnsLabel(id);
      ctx.report({
        severity: "error",
        code: "id.invalid",
        message: `id "${id}" is not DNS-label safe (lowercase letters, digits and '-', starting and ending with a letter or digit)`,
        path,
        fix: label ? `rename it to "${label}"` : "use lowercase letters, digits and '-'",
      });
    }
    const first = seen.get(id);
    if (first) {
      const at = ctx.src.positionOf([...first.path, "id"]);
      ctx.report({
        severity: "error",
        code: "id.duplicate",
        message: `duplicate component id "${id}": already used by the ${first.role} at line ${at.line} (ids are unique across sources, processors, sinks and pipelines)`,
        path,
        fix: `rename one of them, e.g. "${id}-2"`,
      });
    } else {
      seen.set(id, c);
    }
  }
};

/** Each source/processor/sink needs `command`, `image`, or a `type` that resolves. */
export const runnableRule: Rule = (ctx) => {
  for (const c of ctx.components) {
    if (c.role === "pipeline") continue;
    const { command, image, type } = c.value;
    if (Array.isArray(command) && command.length === 0) {
      ctx.report({ severity: "error", code: "component.empty-command", message: `${describeComponent(c)} has an empty command`, path: [...c.path, "command"], fix: 'give the program and its arguments, e.g. command: ["node", "dist/main.js"]' });
      continue;
    }
    if (command !== undefined) continue;
    if (image !== undefined) {
      warnIfProcessDriver(ctx, c, "an image");
      continue;
    }
    if (type === undefined) {
      ctx.report({
        severity: "error",
        code: "component.not-runnable",
        message: `${describeComponent(c)} has none of command, image or type, so there is nothing to run`,
        path: c.id !== undefined ? [...c.path, "id"] : c.path,
        fix: `add command: [...], an image, or a built-in type (${BUILTIN_COMPONENTS.filter((b) => b.role === c.role).map((b) => b.name).join(", ")})`,
      });
      continue;
    }
    if (typeof type !== "string") continue; // schema reports the type error
    const builtin = findBuiltin(type);
    if (builtin) {
      if (builtin.role !== c.role) {
        const alternatives = BUILTIN_COMPONENTS.filter((b) => b.role === c.role).map((b) => b.name);
        ctx.report({
          severity: "error",
          code: "component.builtin-wrong-role",
          message: `built-in "${builtin.name}" is a ${builtin.role}, but it is declared under ${c.role}s`,
          path: [...c.path, "type"],
          fix: `move it to spec.${builtin.role}s, or use a ${c.role} built-in: ${alternatives.join(", ")}`,
        });
      }
    } else if (isRegistryRef(type)) {
      if (REGISTRY_REF_RE.test(type)) warnIfProcessDriver(ctx, c, `the registry reference "${type}"`);
      else {
        ctx.report({
          severity: "error",
          code: "component.invalid-registry-ref",
          message: `type "${type}" is not a valid registry reference`,
          path: [...c.path, "type"],
          fix: "write it as name@version or org/name@version, e.g. stellar-live-source@v1.0.0",
        });
      }
    } else {
      const names = BUILTIN_COMPONENTS.map((b) => b.name);
      const guess = closestMatch(type, names);
      ctx.report({
        severity: "error",
        code: "component.unresolved-type",
        message: `type "${type}" is neither a built-in component nor a registry reference (name@version), and there is no command or image${guess ? `; did you mean "${guess}"?` : ""}`,
        path: [...c.path, "type"],
        fix: guess ? `use type: ${guess}` : `add command: [...] or image, or use a built-in: ${names.join(", ")}`,
      });
    }
  }
};

const CONTAINER_DRIVERS = new Set(["container", "docker", "kubernetes", "k8s", "nomad"]);

/** The process driver (flowctl run's default) starts `command` or a built-in, nothing else. */
function warnIfProcessDriver(ctx: RuleContext, c: RawComponent, what: string): void {
  const spec = ctx.raw.spec;
  const driver = isRecord(spec) && typeof spec.driver === "string" ? spec.driver : "process";
  if (CONTAINER_DRIVERS.has(driver)) return;
  ctx.report({
    severity: "warning",
    code: "component.needs-container-driver",
    message: `${describeComponent(c)} has only ${what} and no command; the process driver (driver: ${driver}) cannot start it, so \`flowctl run\` will fail`,
    path: [...c.path, c.value.image !== undefined ? "image" : "type"],
    fix: "add command: [...] to run it as a process, or set spec.driver: docker / kubernetes and deploy with `flowctl translate`",
  });
}

/** env names, health check port, resource requests vs limits, replicas/partition_key, queue on sources. */
export const componentFieldRules: Rule = (ctx) => {
  for (const c of ctx.components) {
    const v = c.value;
    if (isRecord(v.env)) {
      for (const name of Object.keys(v.env)) {
        if (ENV_NAME_RE.test(name)) continue;
        ctx.report({
          severity: "warning",
          code: "env.invalid-name",
          message: `env name "${name}" is not a portable environment variable name`,
          path: [...c.path, "env", name],
          atKey: true,
          fix: `use letters, digits and '_', e.g. ${name.toUpperCase().replace(/[^A-Z0-9_]/g, "_").replace(/^(\d)/, "_$1")}`,
        });
      }
    }
    if (typeof v.health_check === "string" && v.health_port === undefined) {
      ctx.report({
        severity: "warning",
        code: "health.missing-port",
        message: `${describeComponent(c)} sets health_check but no health_port, so the check cannot be probed or translated`,
        path: [...c.path, "health_check"],
        fix: "add health_port: <port the component serves the check on>",
      });
    }
    checkRequestsVsLimits(ctx, c);
    if (c.role === "pipeline") continue;
    const replicas = typeof v.replicas === "number" ? v.replicas : 1;
    const hasKey = typeof v.partition_key === "string";
    if (hasKey && !PARTITION_KEY_RE.test(v.partition_key as string)) {
      ctx.report({
        severity: "error",
        code: "partition-key.invalid",
        message: `partition_key "${String(v.partition_key)}" is not an event field this engine can hash`,
        path: [...c.path, "partition_key"],
        fix: "use id, type, or metadata.<name>",
      });
    } else if (hasKey && replicas <= 1) {
      ctx.report({
        severity: "hint",
        code: "partition-key.unused",
        message: `${describeComponent(c)} has a partition_key but one replica, so nothing is partitioned`,
        path: [...c.path, "partition_key"],
        fix: "set replicas: 2 or more, or remove partition_key",
      });
    }
    if (replicas > 1 && !hasKey && c.role !== "source") {
      ctx.report({
        severity: "hint",
        code: "replicas.unordered",
        message: `${describeComponent(c)} has ${replicas} replicas without partition_key: events are spread round-robin, so events with the same key may be handled out of order`,
        path: [...c.path, "replicas"],
        fix: "if order per key matters, add partition_key: id (or metadata.<name>)",
      });
    }
    if (c.role !== "sink" && v.retry !== undefined) {
      ctx.report({
        severity: "warning",
        code: "retry.not-a-sink",
        message: `${describeComponent(c)} sets retry, but only sinks retry writes, so it has no effect`,
        path: [...c.path, "retry"],
        atKey: true,
        fix: "remove retry, or set it on the sink that writes to the flaky system",
      });
    }
    const retry = v.retry;
    if (isRecord(retry) && typeof retry.backoff_ms === "number" && typeof retry.max_backoff_ms === "number" && retry.max_backoff_ms < retry.backoff_ms) {
      ctx.report({
        severity: "error",
        code: "retry.backoff-order",
        message: `${describeComponent(c)}: retry.max_backoff_ms (${retry.max_backoff_ms}) is below retry.backoff_ms (${retry.backoff_ms}), so the backoff could never grow`,
        path: [...c.path, "retry", "max_backoff_ms"],
        fix: `set max_backoff_ms to at least ${retry.backoff_ms}`,
      });
    }
    if (c.role === "source" && v.queue !== undefined) {
      ctx.report({
        severity: "warning",
        code: "queue.on-source",
        message: `${describeComponent(c)} sets queue, but sources have no input edges, so it has no effect`,
        path: [...c.path, "queue"],
        atKey: true,
        fix: "set queue on the components that consume this source",
      });
    }
  }
};

function checkRequestsVsLimits(ctx: Parameters<Rule>[0], c: RawComponent): void {
  const res = c.value.resources;
  if (!isRecord(res) || !isRecord(res.requests) || !isRecord(res.limits)) return;
  for (const [kind, parse] of [["cpu", parseCpu], ["memory", parseMemory]] as const) {
    const req = res.requests[kind];
    const lim = res.limits[kind];
    if ((typeof req !== "string" && typeof req !== "number") || (typeof lim !== "string" && typeof lim !== "number")) continue;
    const r = parse(req);
    const l = parse(lim);
    if (r === undefined || l === undefined || r <= l) continue;
    ctx.report({
      severity: "warning",
      code: "resources.request-exceeds-limit",
      message: `${describeComponent(c)} requests ${kind} ${String(req)} but is limited to ${String(lim)}`,
      path: [...c.path, "resources", "requests", kind],
      fix: `raise limits.${kind} or lower requests.${kind}`,
    });
  }
}
