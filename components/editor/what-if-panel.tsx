"use client";
/**
 * What-if from the last run: each node's measured capacity (events/s one replica handles at 100 %
 * busy) and, for the replicas set in the editor now, the estimated pipeline throughput and the new
 * bottleneck — computed by the core's model before anything runs.
 */
import Link from "next/link";
import { useCallback, useMemo, type ReactNode } from "react";
import { formatPercent, formatRate } from "@/components/ui/format";
import { sessionDocument, type EditorSession } from "@/server/core/editor/editor-session";
import { configuredSourceLimits, nodeCapacities, whatIf, type NodeCapacity, type RunMeasurements, type WhatIfLimit, type WhatIfResult } from "@/server/core/editor/what-if";
import type { RunMeasurementsItem } from "@/server/services/api-types";
import type { CapacityBadge } from "./flow-elements";
import { useMeasurements } from "./use-pipeline-api";
import styles from "./editor.module.css";

export interface WhatIfState {
  basis: RunMeasurementsItem | null;
  loading: boolean;
  /** With the run's replicas (the model's view of the run) and with the replicas set now. */
  baseline: WhatIfResult | null;
  proposal: WhatIfResult | null;
  capacities: Map<string, NodeCapacity>;
  badges: ReadonlyMap<string, CapacityBadge>;
  /** Run replicas differ from the editor's somewhere. */
  changed: string[];
  replicasHint: (id: string) => ReactNode;
}

const EMPTY = new Map<string, CapacityBadge>();

export function describeLimit(l: WhatIfLimit | null): string {
  if (!l) return "nothing measured limits it";
  if (l.kind === "cpu") return "the host's CPU";
  if (l.kind === "source-rate") return `the configured rate of ${l.id}`;
  return l.id;
}

/** The what-if of the session's graph against the pipeline's last measured run. */
export function useWhatIf(pipeline: string | null, session: EditorSession): WhatIfState {
  const q = useMeasurements(pipeline);
  const basis = q.data ?? null;
  const computed = useMemo(() => {
    if (!basis) return null;
    const run: RunMeasurements = { components: basis.components, ...(basis.host ? { host: basis.host } : {}) };
    const sourceLimits = session.yamlError ? {} : configuredSourceLimits(sessionDocument(session));
    const capacities = new Map(nodeCapacities(session.graph, run).map((c) => [c.id, c]));
    const proposed = Object.fromEntries(session.graph.nodes.map((n) => [n.id, n.replicas]));
    const baseline = whatIf(session.graph, run, { sourceLimits });
    const proposal = whatIf(session.graph, run, { replicas: proposed, sourceLimits });
    const changed = session.graph.nodes.filter((n) => capacities.get(n.id) && capacities.get(n.id)!.replicas !== n.replicas).map((n) => n.id);
    const badges = new Map<string, CapacityBadge>();
    for (const n of proposal.nodes) {
      const c = capacities.get(n.id);
      if (!c || c.confidence === "unknown") continue;
      badges.set(n.id, { perReplica: c.perReplica ?? null, confidence: c.confidence, utilisation: n.utilisation ?? null, bottleneck: proposal.limit?.kind === "component" && proposal.limit.id === n.id });
    }
    return { baseline, proposal, capacities, badges, changed };
    // The session's text and graph are what the model reads.
  }, [basis, session]);

  const replicasHint = useCallback(
    (id: string): ReactNode => {
      if (!computed || !basis) return null;
      const c = computed.capacities.get(id);
      if (!c?.perReplica) return <span className="muted">No capacity measured for this component in the last run.</span>;
      const p = computed.proposal;
      return (
        <span data-testid="replicas-what-if">
          Last run: {c.replicas} replica(s) at ~{formatRate(c.perReplica)} each. With the replicas set here: pipeline ≈ <b>{formatRate(p.throughput)}</b> (run: {formatRate(basis.components.length ? computed.baseline.observed : null)}), bottleneck <b>{describeLimit(p.limit)}</b>.
        </span>
      );
    },
    [computed, basis],
  );

  return {
    basis,
    loading: q.isLoading,
    baseline: computed?.baseline ?? null,
    proposal: computed?.proposal ?? null,
    capacities: computed?.capacities ?? new Map(),
    badges: computed?.badges ?? EMPTY,
    changed: computed?.changed ?? [],
    replicasHint,
  };
}

export function WhatIfPanel({ state }: { state: WhatIfState }) {
  const { basis, baseline, proposal } = state;
  if (state.loading) return <p className={styles.panelNote}>Reading the last run…</p>;
  if (!basis || !baseline || !proposal) {
    return <p className={styles.panelNote}>No run of this pipeline has measured anything yet. Run it once: each component then shows its measured capacity here, and changing replicas estimates the throughput before anything runs.</p>;
  }
  const byId = new Map(proposal.nodes.map((n) => [n.id, n]));
  return (
    <div className={styles.whatIf} data-testid="what-if">
      <p>
        From run{" "}
        <Link href={`/runs/${basis.runId}`} className="mono">
          {basis.runId.slice(0, 8)}
        </Link>
        {basis.version ? ` (v${basis.version})` : ""}: observed <b>{formatRate(baseline.observed)}</b> out of the sources, bottleneck <b>{describeLimit(baseline.limit)}</b>.{" "}
        {state.changed.length > 0 ? (
          <>
            With the replicas set here ({state.changed.join(", ")} changed): estimated <b data-testid="what-if-throughput">{formatRate(proposal.throughput)}</b>, bottleneck <b data-testid="what-if-bottleneck">{describeLimit(proposal.limit)}</b>.
          </>
        ) : (
          <>Change a component’s replicas in the inspector to see the estimated throughput and the new bottleneck.</>
        )}
      </p>
      <div className={styles.whatIfTable}>
      <table>
        <thead>
          <tr>
            <th>component</th>
            <th className="num">capacity per replica</th>
            <th className="num">replicas, run → now</th>
            <th className="num">est. load</th>
            <th className="num">utilisation</th>
            <th>confidence</th>
          </tr>
        </thead>
        <tbody>
          {[...state.capacities.values()].map((c) => {
            const n = byId.get(c.id);
            return (
              <tr key={c.id} data-bottleneck={proposal.limit?.kind === "component" && proposal.limit.id === c.id ? "true" : undefined}>
                <td className="mono">{c.id}</td>
                <td className="num">{c.perReplica !== undefined ? `${formatRate(c.perReplica)}` : "—"}</td>
                <td className="num">
                  {c.replicas} → {n?.replicas ?? c.replicas}
                </td>
                <td className="num">{n?.load !== undefined ? `${formatRate(n.load)}` : "—"}</td>
                <td className="num">{n?.utilisation !== undefined ? formatPercent(n.utilisation) : "—"}</td>
                <td className="muted">{c.confidence}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      </div>
      {proposal.notes.length > 0 && (
        <ul className={styles.notes}>
          {proposal.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
