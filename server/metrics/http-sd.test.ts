import { describe, expect, it } from "vitest";
import type { FileSdTopology } from "./file-sd";
import { httpSdTargets } from "./http-sd";

const orders: FileSdTopology = {
  pipeline: "orders",
  runId: "r1",
  components: [
    { id: "gen", role: "source", instances: [{ instanceId: "gen", metricsPort: 9101 }] },
    {
      id: "work",
      role: "processor",
      instances: [
        { instanceId: "work-0", metricsPort: 9102 },
        // Not serving metrics yet: not a target.
        { instanceId: "work-1", metricsPort: undefined },
      ],
    },
  ],
};
const billing: FileSdTopology = { pipeline: "billing", runId: "r2", components: [{ id: "db", role: "sink", instances: [{ instanceId: "db", metricsPort: 9201 }] }] };

describe("httpSdTargets", () => {
  it("lists the engine, then every instance with a metrics port of every run, labelled", () => {
    expect(httpSdTargets([orders, billing], { address: "127.0.0.1:3000" })).toEqual([
      { targets: ["127.0.0.1:3000"], labels: { job: "flowctl-engine", flowctl_role: "engine" } },
      { targets: ["127.0.0.1:9101"], labels: { job: "flowctl-component", pipeline: "orders", run_id: "r1", flowctl_component: "gen", flowctl_instance: "gen", flowctl_role: "source" } },
      { targets: ["127.0.0.1:9102"], labels: { job: "flowctl-component", pipeline: "orders", run_id: "r1", flowctl_component: "work", flowctl_instance: "work-0", flowctl_role: "processor" } },
      { targets: ["127.0.0.1:9201"], labels: { job: "flowctl-component", pipeline: "billing", run_id: "r2", flowctl_component: "db", flowctl_instance: "db", flowctl_role: "sink" } },
    ]);
  });

  it("is an empty list with nothing running and no engine target", () => {
    expect(httpSdTargets([], undefined)).toEqual([]);
  });

  it("reaches components on another host and keeps the engine's job and role over extra labels", () => {
    const groups = httpSdTargets([billing], { address: "console:3000", labels: { env: "dev", job: "mine" } }, { componentHost: "10.0.0.5" });
    expect(groups[0]).toEqual({ targets: ["console:3000"], labels: { env: "dev", job: "flowctl-engine", flowctl_role: "engine" } });
    expect(groups[1]!.targets).toEqual(["10.0.0.5:9201"]);
  });
});
