/**
 * Literal ports: `env.PORT`/`HEALTH_PORT`/`METRICS_PORT` (and `health_port`, `ports[].hostPort`)
 * written in YAML must be valid and distinct — two components binding one port fail at start.
 * Unset ports are assigned free ports by the engine and never collide.
 */
import type { DocPath } from "../yaml-source";
import { describeComponent, isRecord, type RawComponent, type Rule } from "./rule-context";

const PORT_ENV = ["PORT", "HEALTH_PORT", "METRICS_PORT"] as const;

interface PortUse {
  component: RawComponent;
  what: string;
  port: number;
  path: DocPath;
}

/** `8080`, `":8080"`, `"localhost:8080"` → 8080; anything else → undefined. */
export function parsePortLiteral(value: string | number): number | undefined {
  const m = /^(?:[^\s:]*:)?(\d{1,6})$/.exec(String(value).trim());
  return m ? Number(m[1]) : undefined;
}

/** Port rules: literal ports valid, distinct across components, absent under replicas. */
export const portRules: Rule = (ctx) => {
  const first = new Map<number, PortUse>();
  for (const c of ctx.components) {
    const uses: PortUse[] = [];
    const env = isRecord(c.value.env) ? c.value.env : {};
    for (const key of PORT_ENV) {
      const raw = env[key];
      if (typeof raw !== "string" && typeof raw !== "number") continue;
      const path = [...c.path, "env", key];
      const port = parsePortLiteral(raw);
      if (port === undefined) {
        ctx.report({
          severity: "error",
          code: "port.invalid",
          message: `env.${key} of ${describeComponent(c)} is ${JSON.stringify(raw)}, not a port (a number, ":port" or "host:port")`,
          path,
          fix: `write e.g. ${key}: "8080", or remove it to get a free port`,
        });
        continue;
      }
      if (port < 1 || port > 65535) {
        ctx.report({ severity: "error", code: "port.out-of-range", message: `env.${key} of ${describeComponent(c)} is ${port}; ports are 1–65535`, path, fix: "use a port between 1 and 65535, or remove it to get a free port" });
        continue;
      }
      uses.push({ component: c, what: `env.${key}`, port, path });
    }
    const hp = c.value.health_port;
    if (typeof hp === "number" && Number.isInteger(hp) && hp >= 1 && hp <= 65535 && !uses.some((u) => u.what === "env.HEALTH_PORT" && u.port === hp)) {
      uses.push({ component: c, what: "health_port", port: hp, path: [...c.path, "health_port"] });
    }
    if (Array.isArray(c.value.ports)) {
      c.value.ports.forEach((p: unknown, i) => {
        if (isRecord(p) && typeof p.hostPort === "number" && Number.isInteger(p.hostPort) && p.hostPort >= 1 && p.hostPort <= 65535) {
          uses.push({ component: c, what: `ports[${i}].hostPort`, port: p.hostPort, path: [...c.path, "ports", i, "hostPort"] });
        }
      });
    }
    const replicas = typeof c.value.replicas === "number" ? c.value.replicas : 1;
    for (const use of uses) {
      if (replicas > 1 && use.what.startsWith("env.")) {
        ctx.report({
          severity: "error",
          code: "port.replicas-conflict",
          message: `${describeComponent(c)} has ${replicas} replicas but a fixed ${use.what} ${use.port}; every replica would bind the same port`,
          path: use.path,
          fix: `remove ${use.what} so each replica gets a free port`,
        });
      }
      const prev = first.get(use.port);
      if (!prev) {
        first.set(use.port, use);
        continue;
      }
      const at = ctx.src.positionOf(prev.path);
      const owner = prev.component === c ? "this component's" : `${describeComponent(prev.component)}'s`;
      ctx.report({
        severity: "error",
        code: "port.duplicate",
        message: `${use.what} ${use.port} of ${describeComponent(c)} is already ${owner} ${prev.what} (line ${at.line}); two processes cannot bind one port`,
        path: use.path,
        fix: `pick another port, or remove ${use.what} to get a free one`,
      });
    }
  }
};
