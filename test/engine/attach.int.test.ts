/**
 * `flowctl run --attach`: the engine starts nothing; the components are started by hand as
 * separate processes (`node bin/flowctl.mjs component <built-in>`, as docs/deploy.md says), on
 * their own ports, register with the engine's control plane, and the engine relays, accounts and
 * records the run as usual. A component that disappears is reported as gone (flowctl cannot
 * restart it) and taken back when it registers again. Cross-host: a component in a network
 * namespace, reached over a veth pair, with the token on the control and data planes.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { freePorts } from "../../server/drivers/process/free-port";
import { openStore } from "../../server/storage/store";
import { stopChild } from "./cli-harness";
import { tempDir, waitFor } from "./engine-harness";

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../bin/flowctl.mjs");
const TOKEN = "attach-test-token-0123456789";

interface Proc {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

const children: ChildProcess[] = [];
const cleanups: (() => void)[] = [];

afterEach(async () => {
  // The engine first (SIGINT: it ends its run), then the components it never owned.
  for (const c of children.splice(0)) await stopChild(c, 10_000);
  for (const f of cleanups.splice(0)) f();
});

function start(argv: string[], env: Record<string, string>, cwd: string): Proc {
  const child = spawn(argv[0]!, argv.slice(1), { cwd, env: { ...process.env, NO_COLOR: "1", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let out = "";
  child.stdout!.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (out += c.toString()));
  return { child, output: () => out, exited: new Promise((r) => child.once("close", (code) => r(code))) };
}

/** `flowctl run --attach` with the given flags. */
function engine(dir: string, file: string, flags: string[], env: Record<string, string> = {}): Proc {
  return start([process.execPath, BIN, "run", "--attach", file, "--db-path", path.join(dir, "flowctl.db"), "--no-show-status", "--no-component-logs", ...flags], env, dir);
}

/** A built-in started by hand, the way docs/deploy.md tells a user to. */
async function component(dir: string, builtin: string, id: string, cpEndpoint: string, env: Record<string, string> = {}, prefix: string[] = []): Promise<Proc & { metricsPort: number }> {
  const [port, health, metrics] = await freePorts(3);
  const p = start([...prefix, process.execPath, BIN, "component", builtin], {
    FLOWCTL_ENDPOINT: cpEndpoint,
    FLOWCTL_COMPONENT_ID: id,
    PORT: `127.0.0.1:${port}`,
    HEALTH_PORT: String(health),
    METRICS_PORT: String(metrics),
    FLOWCTL_HEARTBEAT_INTERVAL_MS: "500",
    ...env,
  }, dir);
  return { ...p, metricsPort: metrics! };
}

function writeYaml(dir: string, name: string, body: string): string {
  const file = path.join(dir, `${name}.yaml`);
  execFileSync("sh", ["-c", `cat > '${file}'`], { input: `apiVersion: flowctl/v1\nkind: Pipeline\nmetadata:\n  name: ${name}\nspec:\n${body}` });
  return file;
}

const LINEAR = `  sources:
    - id: gen
      type: load-generator
  processors:
    - id: work
      type: passthrough
      inputs: [gen]
  sinks:
    - id: out
      type: file
      inputs: [work]
      env: { FILE_PATH: out.jsonl }
`;

const runIdOf = (output: string) => /run id\s+([0-9a-f-]{36})/.exec(output)?.[1];

async function storedRun(dir: string, runId: string) {
  const store = await openStore({ databaseUrl: `file:${path.join(dir, "flowctl.db")}` });
  try {
    return { run: (await store.runs.get(runId))!, events: await store.runs.listEvents(runId) };
  } finally {
    await store.close();
  }
}

type Edge = { from: string; to: string; produced: number; delivered: number; unaccounted: number };
const edgesOf = (run: { metrics: unknown }) => (run.metrics as { edges: Edge[] }).edges;

async function sinkCount(metricsPort: number): Promise<number> {
  const text = await fetch(`http://127.0.0.1:${metricsPort}/metrics`).then((r) => r.text(), () => "");
  const m = /^component_events_processed_total\{[^}]*\} (\d+)/m.exec(text);
  return m ? Number(m[1]) : 0;
}

describe("flowctl run --attach", () => {
  it("relays between components started by hand, with the exact account, and leaves them running", async () => {
    const dir = tempDir("flowctl-attach-");
    const file = writeYaml(dir, "attached", LINEAR);
    const [cpPort] = await freePorts(1);
    const run = engine(dir, file, ["--control-plane-port", String(cpPort)]);
    await waitFor("the engine to wait for registrations", () => run.output().includes("waiting for gen, work, out to register"), 60_000);
    expect(run.output()).toContain(`FLOWCTL_ENDPOINT=127.0.0.1:${cpPort} FLOWCTL_COMPONENT_ID=<id>`);
    const endpoint = `127.0.0.1:${cpPort}`;
    const out = await component(dir, "file", "out", endpoint, { FILE_PATH: path.join(dir, "out.jsonl") });
    const work = await component(dir, "passthrough", "work", endpoint);
    const gen = await component(dir, "load-generator", "gen", endpoint, { EVENT_COUNT: "3000", EVENTS_PER_SECOND: "0" });

    expect(await run.exited).toBe(0);
    expect(run.output()).toContain("run COMPLETED");
    expect(readFileSync(path.join(dir, "out.jsonl"), "utf8").trim().split("\n")).toHaveLength(3000);
    const { run: record, events } = await storedRun(dir, runIdOf(run.output())!);
    expect(record.status).toBe("COMPLETED");
    expect(edgesOf(record).map((e) => ({ edge: `${e.from}→${e.to}`, produced: e.produced, delivered: e.delivered, unaccounted: e.unaccounted }))).toEqual([
      { edge: "gen→work", produced: 3000, delivered: 3000, unaccounted: 0 },
      { edge: "work→out", produced: 3000, delivered: 3000, unaccounted: 0 },
    ]);
    // Nothing was started by the engine: no component.started events, three registrations.
    expect(events.filter((e) => e.type === "component.started")).toEqual([]);
    expect(events.filter((e) => e.type === "component.registered").map((e) => e.componentId).sort()).toEqual(["gen", "out", "work"]);
    // …and nothing was stopped by it either: the components belong to whoever started them.
    for (const c of [gen, work, out]) expect(c.child.exitCode).toBeNull();
  });

  it("reports a component that disappears as gone (not restartable by flowctl) and takes it back when it registers again", async () => {
    const dir = tempDir("flowctl-attach-gone-");
    const file = writeYaml(dir, "gone", LINEAR.replace("type: file", "type: blackhole").replace("      env: { FILE_PATH: out.jsonl }\n", ""));
    const [cpPort] = await freePorts(1);
    const endpoint = `127.0.0.1:${cpPort}`;
    const run = engine(dir, file, ["--control-plane-port", String(cpPort), "--heartbeat-ttl", "3s"]);
    await waitFor("the engine to listen", () => run.output().includes("waiting for gen"), 60_000);
    const out = await component(dir, "blackhole", "out", endpoint);
    let work = await component(dir, "passthrough", "work", endpoint);
    await component(dir, "load-generator", "gen", endpoint, { EVENTS_PER_SECOND: "400" });
    await waitFor("the run to be RUNNING", () => run.output().includes("run RUNNING"), 60_000);
    await waitFor("events at the sink", async () => (await sinkCount(out.metricsPort)) > 0, 30_000);

    work.child.kill("SIGKILL");
    await waitFor("work to be reported gone", () => /work is gone \(.*\); flowctl did not start it \(attach mode\) and cannot restart it/.test(run.output()), 30_000);
    work = await component(dir, "passthrough", "work", endpoint);
    await waitFor("work to register again", () => (run.output().match(/work registered at/g) ?? []).length === 2, 30_000);
    const atComeback = await sinkCount(out.metricsPort);
    await waitFor("events to flow again through the new work", async () => (await sinkCount(out.metricsPort)) > atComeback + 100, 30_000);

    run.child.kill("SIGINT");
    expect(await run.exited).toBe(0);
    expect(run.output()).toContain("run STOPPED");
    const { run: record, events } = await storedRun(dir, runIdOf(run.output())!);
    const gone = events.find((e) => e.type === "component.gone");
    expect(gone).toMatchObject({ componentId: "work", data: { restartedBy: "external" } });
    expect(events.filter((e) => e.type === "component.restarted")).toEqual([]);
    for (const e of edgesOf(record)) expect({ edge: `${e.from}→${e.to}`, unaccounted: e.unaccounted }).toEqual({ edge: `${e.from}→${e.to}`, unaccounted: 0 });
  });

  it("refuses an off-loopback control plane without FLOWCTL_TOKEN, before anything starts", async () => {
    const dir = tempDir("flowctl-attach-token-");
    const file = writeYaml(dir, "open", LINEAR);
    const run = engine(dir, file, ["--control-plane-address", "0.0.0.0", "--control-plane-port", "0"], { FLOWCTL_TOKEN: "" });
    expect(await run.exited).toBe(1);
    expect(run.output()).toMatch(/token/i);
  });
});

/** A network namespace with a veth pair to this one; undefined (with the reason) when impossible here. */
function createNetns(): { name: string; hostIp: string; nsIp: string; remove: () => void } | { skip: string } {
  const id = `${process.pid % 10_000}${Math.floor(Math.random() * 90 + 10)}`;
  const name = `fcattach${id}`;
  const third = (process.pid % 200) + 20;
  const [hostIp, nsIp] = [`10.213.${third}.1`, `10.213.${third}.2`];
  const sh = (cmd: string) => execFileSync("sh", ["-c", cmd], { stdio: "pipe" });
  const remove = () => {
    try {
      sh(`ip netns del ${name}; ip link del vh${id}`);
    } catch {
      // Already gone (deleting the namespace removes the veth pair too).
    }
  };
  try {
    sh(`ip netns add ${name}`);
    sh(`ip link add vh${id} type veth peer name vn${id} && ip link set vn${id} netns ${name}`);
    sh(`ip addr add ${hostIp}/30 dev vh${id} && ip link set vh${id} up`);
    sh(`ip netns exec ${name} sh -c 'ip addr add ${nsIp}/30 dev vn${id} && ip link set vn${id} up && ip link set lo up'`);
    return { name, hostIp, nsIp, remove };
  } catch (err) {
    remove();
    return { skip: `network namespaces are not available here (${String((err as { stderr?: Buffer }).stderr ?? err).trim().split("\n")[0]}); needs root and iproute2` };
  }
}

const netns = process.platform === "linux" ? createNetns() : { skip: "network namespaces need Linux" };
if ("name" in netns) netns.remove(); // probed only; each test makes its own
const netnsSkip = "skip" in netns ? netns.skip : undefined;

describe("flowctl run --attach across hosts (network namespace)", () => {
  it.skipIf(netnsSkip !== undefined)(`relays through a processor in another network namespace with the token on both planes${netnsSkip ? ` — skipped: ${netnsSkip}` : ""}`, async () => {
    const ns = createNetns();
    if ("skip" in ns) throw new Error(ns.skip);
    cleanups.push(ns.remove);
    const dir = tempDir("flowctl-attach-netns-");
    const file = writeYaml(dir, "crosshost", LINEAR);
    const [cpPort, nsPort] = await freePorts(2);
    const auth = { FLOWCTL_TOKEN: TOKEN };
    const run = engine(dir, file, ["--control-plane-address", "0.0.0.0", "--control-plane-port", String(cpPort)], auth);
    await waitFor("the engine to listen", () => run.output().includes("waiting for gen"), 60_000);
    expect(run.output()).toContain(`FLOWCTL_ENDPOINT=<this machine's address>:${cpPort} FLOWCTL_COMPONENT_ID=<id> FLOWCTL_TOKEN=<the run's token>`);
    const local = `127.0.0.1:${cpPort}`;
    await component(dir, "file", "out", local, { ...auth, FILE_PATH: path.join(dir, "out.jsonl") });
    // The processor lives in the namespace: it dials the engine over the veth pair, listens on
    // every interface there and advertises the address the engine can reach.
    await component(dir, "passthrough", "work", `${ns.hostIp}:${cpPort}`, { ...auth, PORT: `0.0.0.0:${nsPort}`, FLOWCTL_ADVERTISE_ADDRESS: ns.nsIp }, ["ip", "netns", "exec", ns.name]);
    await component(dir, "load-generator", "gen", local, { ...auth, EVENT_COUNT: "2000", EVENTS_PER_SECOND: "0" });

    expect(await run.exited).toBe(0);
    expect(run.output()).toContain(`work registered at ${ns.nsIp}:${nsPort}`);
    expect(run.output()).toContain("run COMPLETED");
    expect(readFileSync(path.join(dir, "out.jsonl"), "utf8").trim().split("\n")).toHaveLength(2000);
    const { run: record } = await storedRun(dir, runIdOf(run.output())!);
    expect(edgesOf(record).map((e) => [e.from, e.to, e.produced, e.delivered, e.unaccounted])).toEqual([
      ["gen", "work", 2000, 2000, 0],
      ["work", "out", 2000, 2000, 0],
    ]);
    // The processor's data plane is off-loopback: a call without the token is refused.
    const denied = execFileSync(process.execPath, ["-e", probeWithoutToken(`${ns.nsIp}:${nsPort}`)], { cwd: path.resolve(path.dirname(BIN), "..") }).toString();
    expect(denied).toContain("UNAUTHENTICATED");
  });
});

/** A script that opens the processor's Process stream without a token and prints the status. */
function probeWithoutToken(endpoint: string): string {
  return `
const grpc = require("@grpc/grpc-js");
const client = new grpc.Client(${JSON.stringify(endpoint)}, grpc.credentials.createInsecure());
const call = client.makeBidiStreamRequest("/flowctl.v1.ProcessorService/Process", (b) => b, (b) => b);
call.on("error", (e) => { console.log(grpc.status[e.code]); process.exit(0); });
call.on("data", () => {});
call.write(Buffer.alloc(0));
setTimeout(() => { console.log("no answer"); process.exit(0); }, 5000);
`;
}
