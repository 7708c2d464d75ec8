import { describe, expect, it } from "vitest";
import type { EdgeAccount } from "../core/run";
import { renderEdgeAccount } from "./render-account";

const base: EdgeAccount = { from: "src", to: "sink", produced: 10, delivered: 10, dropped: 0, rejected: 0, lost: 0, abandoned: 0, filtered: 0, inFlight: 0, unaccounted: 0 };

describe("renderEdgeAccount", () => {
  it("says so in one line when every edge delivered everything", () => {
    expect(renderEdgeAccount([base, { ...base, from: "a" }])).toContain("every event delivered on 2 edges (20 in all)");
  });

  it("lists each edge's outcomes when something was not delivered", () => {
    const out = renderEdgeAccount([{ ...base, delivered: 6, dropped: 1, lost: 1, abandoned: 2, filtered: 3 }]);
    expect(out).toContain("Events per edge");
    expect(out).toMatch(/src → sink\s+10\s+6\s+1\s+0\s+1\s+2\s+3\s+0/);
  });
});
