/** Runs the real `flowctl translate` as a child process and parses what it writes. */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { freePorts } from "../../drivers/process/free-port";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const BIN = path.join(ROOT, "bin/flowctl.mjs");
const VALID = path.join(ROOT, "server/core/spec/__fixtures__/valid");

function flowctl(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: "1" }, timeout: 60_000 }, (err, stdout, stderr) => {
      if (err && typeof err.code !== "number") return reject(err);
      resolve({ code: child.exitCode, stdout, stderr });
    });
    child.stdin!.end();
  });
}

describe("flowctl translate (real binary)", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "flowctl-translate-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("writes Kubernetes manifests to --to-file and docker-compose to stdout", async () => {
    const out = path.join(dir, "k8s.yaml");
    const k8s = await flowctl(["translate", "-f", path.join(VALID, "builtins-demo.yaml"), "-o", "kubernetes", "--to-file", out, "--prefix", "demo"]);
    expect(k8s.code).toBe(0);
    expect(k8s.stderr).toContain(`✓ Wrote kubernetes manifests (13 documents) to ${out}`);
    const docs = parseAllDocuments(await readFile(out, "utf8")).map((d) => d.toJS() as { kind: string; metadata: { name: string } });
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`)).toContain("StatefulSet/demo-work");
    // What translation could not fix is listed on stderr, one line per component and field.
    expect(k8s.stderr).toContain('WARNING [translate.loopback-host] component "store" env DATABASE_URL: postgres://postgres@localhost:5432/flowctl is the pod itself');
    expect(k8s.stderr).toContain('WARNING [translate.relative-path] component "trace" env FILE_PATH: relative path trace.jsonl');
    expect(k8s.stderr).toContain("WARNING [translate.flowctl-image-local] flowctl:");
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`).slice(0, 3)).toEqual(["ConfigMap/demo-flowctl-engine-pipeline", "Deployment/demo-flowctl-engine", "Service/demo-flowctl-engine"]);

    // The file as an argument, like run/validate (-f is the original's spelling).
    const compose = await flowctl(["translate", path.join(VALID, "go-spec-c-container.yaml"), "-o", "docker-compose"]);
    expect(compose.code).toBe(0);
    const doc = parse(compose.stdout) as { services: Record<string, unknown> };
    expect(Object.keys(doc.services)).toEqual(["flowctl-engine", "stellar-live-source", "ttp-processor-0", "ttp-processor-1", "consumer-app"]);
    expect(compose.stderr).toContain("spec.pipelines-not-run"); // warnings go to stderr, YAML stays clean

    const none = await flowctl(["translate", "-o", "docker-compose"]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("the pipeline file is required (flowctl translate pipeline.yaml, or -f pipeline.yaml)");
  });

  it("fails with exit 1 naming the components that have no image", async () => {
    const r = await flowctl(["translate", "-f", path.join(VALID, "flowctl-linear.yaml"), "-o", "docker-compose"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^Error: component "ledger-source" \(source\) has a command but no image/);
  });
});

describe("the translated compose project, run as processes (no Docker here)", () => {
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  });

  it("its engine command and each service's command and environment make a pipeline that completes", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "flowctl-compose-"));
    const pipelineFile = path.join(dir, "hello.yaml");
    await writeFile(
      pipelineFile,
      "apiVersion: flowctl/v1\nkind: Pipeline\nmetadata:\n  name: hello\nspec:\n  sources:\n    - id: gen\n      type: load-generator\n      env: { EVENT_COUNT: 500, EVENTS_PER_SECOND: 0 }\n" +
        "  sinks:\n    - id: out\n      type: file\n      inputs: [gen]\n      env: { FILE_PATH: out.jsonl }\n",
    );
    const composeFile = path.join(dir, "deploy", "compose.yaml");
    await mkdir(path.dirname(composeFile));
    expect((await flowctl(["translate", pipelineFile, "-o", "docker-compose", "--to-file", composeFile])).code).toBe(0);
    type Svc = { command: string[]; environment?: Record<string, string>; volumes?: string[] };
    const services = (parse(await readFile(composeFile, "utf8")) as { services: Record<string, Svc> }).services;
    const engine = services["flowctl-engine"]!;
    // The bind mount, relative to the compose file, is the pipeline file.
    const mount = engine.volumes!.find((v) => v.endsWith(":/etc/flowctl/pipeline.yaml:ro"))!;
    expect(path.resolve(path.dirname(composeFile), mount.split(":")[0]!)).toBe(pipelineFile);

    // Each container's own network namespace becomes free ports on loopback; /data and the
    // engine's directory become folders here; service names resolve to loopback.
    const [cpPort, ...ports] = await freePorts(7);
    const token = "compose-emulation-token-0123";
    const local = (v: string) =>
      v.replace("/etc/flowctl/pipeline.yaml", pipelineFile).replace("/var/lib/flowctl", dir).replace(/^\/data\//, `${dir}/`).replace("${FLOWCTL_TOKEN}", token);
    const engineArgs = engine.command.map(local);
    engineArgs[engineArgs.indexOf("--control-plane-port") + 1] = String(cpPort);
    const spawnService = (args: string[], env: Record<string, string>) => {
      const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, env: { ...process.env, NO_COLOR: "1", ...env }, stdio: ["ignore", "pipe", "pipe"] });
      children.push(child);
      let out = "";
      child.stdout!.on("data", (c: Buffer) => (out += c.toString()));
      child.stderr!.on("data", (c: Buffer) => (out += c.toString()));
      return { output: () => out, exited: new Promise<number | null>((r) => child.once("close", (code) => r(code))) };
    };
    const run = spawnService(engineArgs, { FLOWCTL_TOKEN: token });
    for (const [name, svc] of Object.entries(services)) {
      if (name === "flowctl-engine") continue;
      const env = Object.fromEntries(Object.entries(svc.environment!).map(([k, v]) => [k, local(v)]));
      Object.assign(env, {
        FLOWCTL_ENDPOINT: env.FLOWCTL_ENDPOINT!.replace(/^flowctl-engine:\d+$/, `127.0.0.1:${cpPort}`),
        FLOWCTL_ADVERTISE_ADDRESS: env.FLOWCTL_ADVERTISE_ADDRESS === name ? "127.0.0.1" : env.FLOWCTL_ADVERTISE_ADDRESS!,
        PORT: String(ports.shift()),
        HEALTH_PORT: String(ports.shift()),
        METRICS_PORT: String(ports.shift()),
      });
      spawnService(svc.command, env);
    }
    expect(await run.exited, run.output()).toBe(0);
    expect(run.output()).toContain("run COMPLETED");
    expect((await readFile(path.join(dir, "out.jsonl"), "utf8")).trim().split("\n")).toHaveLength(500);
    await rm(dir, { recursive: true, force: true });
  });
});
