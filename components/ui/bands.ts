/**
 * Colour bands of the live view. Queue fill uses NiFi's back-pressure bands: green below 60 %,
 * yellow below 85 %, red above; busy and back-pressured shares use the same thresholds, the way
 * Flink colours its job graph.
 */
export type Band = "ok" | "warn" | "bad" | "idle";

/** Band of a 0..1 queue fill (or busy share); `idle` when unknown. */
export function fillBand(fill: number | null | undefined): Band {
  if (fill === null || fill === undefined || !Number.isFinite(fill)) return "idle";
  if (fill < 0.6) return "ok";
  if (fill < 0.85) return "warn";
  return "bad";
}

/** Band of a component's health as the control plane reports it. */
export function healthBand(health: string, status: string): Band {
  if (status === "failed" || health === "UNHEALTHY") return "bad";
  if (status === "restarting" || status === "starting" || status === "registering" || health === "DEGRADED" || health === "STARTING") return "warn";
  if (status === "running" && health === "HEALTHY") return "ok";
  return "idle";
}

/** Band of a run status. */
export function runStatusBand(status: string): Band {
  switch (status) {
    case "RUNNING":
    case "COMPLETED":
      return "ok";
    case "STARTING":
    case "STOPPED":
      return status === "STARTING" ? "warn" : "idle";
    case "FAILED":
    case "INTERRUPTED":
      return "bad";
    default:
      return "idle";
  }
}

/** CSS variable of a band's strong colour. */
export function bandColor(b: Band): string {
  return b === "ok" ? "var(--ok)" : b === "warn" ? "var(--warn)" : b === "bad" ? "var(--bad)" : "var(--idle)";
}
