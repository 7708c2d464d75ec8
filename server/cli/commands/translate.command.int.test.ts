/** Runs the real `flowctl translate` as a child process and parses what it writes. */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";

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
