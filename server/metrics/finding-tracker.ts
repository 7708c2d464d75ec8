/**
 * Which findings of a continuous diagnosis are raised and cleared, diagnosis after diagnosis. A
 * finding is raised the first time it appears and cleared only once it has been absent from
 * `clearAfter` diagnoses in a row: a finding near its threshold would otherwise be raised and
 * cleared every few seconds and flood the run's timeline.
 */
import type { Finding } from "../diagnosis/diagnosis-types";

/** A finding's identity across diagnoses: its code and the component it concerns. */
export const findingKey = (f: Finding): string => `${f.code}|${f.component ?? ""}`;

/** See the module comment. */
export class FindingTracker {
  private active = new Map<string, Finding>();
  private readonly absences = new Map<string, number>();

  constructor(private readonly clearAfter = 2) {}

  /** Folds in one diagnosis' findings; returns what changed. */
  update(findings: readonly Finding[]): { raised: Finding[]; cleared: Finding[] } {
    const next = new Map(findings.map((f) => [findingKey(f), f]));
    const raised = [...next].filter(([k]) => !this.active.has(k)).map(([, f]) => f);
    const cleared: Finding[] = [];
    for (const [k, f] of this.active) {
      if (next.has(k)) {
        this.absences.delete(k);
        continue;
      }
      const n = (this.absences.get(k) ?? 0) + 1;
      if (n >= this.clearAfter) {
        this.absences.delete(k);
        cleared.push(f);
      } else {
        this.absences.set(k, n);
        next.set(k, f);
      }
    }
    this.active = next;
    return { raised, cleared };
  }
}
