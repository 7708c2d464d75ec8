/**
 * The files of a new component project (`flowctl init component <name>`): a TypeScript package
 * depending on flowctl, its component, a unit test on `flowctl/sdk/testing` (node:test), and a
 * pipeline that runs it between built-ins. Pure: name, role and versions in, paths and text out.
 */
import type { ComponentRole } from "../../core/spec/pipeline-spec.schema";

/** What a component project is generated from. */
export interface ComponentScaffold {
  /** kebab-case; the package, the component's `name` and the pipeline id. */
  name: string;
  role: ComponentRole;
  /** The `flowctl` dependency: a path (`file:…`), a git URL or a tarball. */
  flowctlSpec: string;
  typescriptVersion: string;
  nodeTypesVersion: string;
}

/** `shout-loud` → `shoutLoud`. */
export function camelCase(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

const json = (v: unknown) => JSON.stringify(v, null, 2) + "\n";

function packageJson(s: ComponentScaffold): string {
  return json({
    name: s.name,
    version: "0.1.0",
    private: true,
    description: `A flowctl ${s.role} component`,
    type: "module",
    scripts: {
      // `npm install` runs prepare: the pipeline starts dist/main.js, so it exists right away.
      prepare: "tsc -p .",
      build: "tsc -p .",
      test: `tsc -p . && node --test dist/${s.name}.test.js`,
      start: "tsc -p . && flowctl run pipeline.yaml",
    },
    dependencies: { flowctl: s.flowctlSpec },
    devDependencies: { "@types/node": s.nodeTypesVersion, typescript: s.typescriptVersion },
    engines: { node: ">=20.19" },
  });
}

const TSCONFIG = json({
  compilerOptions: {
    target: "ES2022",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    strict: true,
    outDir: "dist",
    rootDir: "src",
    sourceMap: true,
    skipLibCheck: true,
    types: ["node"],
  },
  include: ["src"],
});

function component(s: ComponentScaffold): string {
  const id = camelCase(s.name);
  switch (s.role) {
    case "processor":
      return `import { defineProcessor, payloadJson, withEvent } from "flowctl/sdk";

/**
 * ${s.name}: called once per event, in order; return the event(s) to send on (an array, one
 * event, or null to drop it). Here: adds \`processedBy\` to each JSON payload.
 */
export const ${id} = defineProcessor({
  name: "${s.name}",
  description: "Adds processedBy to each JSON event",
  process(event) {
    const body = payloadJson<Record<string, unknown>>(event);
    return withEvent(event, { payload: Buffer.from(JSON.stringify({ ...body, processedBy: "${s.name}" })), contentType: "application/json" });
  },
});
`;
    case "source":
      return `import { createEvent, defineSource } from "flowctl/sdk";

/**
 * ${s.name}: yields events until it has sent COUNT (env, default 100) or the run stops it;
 * returning ends the stream, so a bounded run completes. ctx.sleep() counts as idle time.
 */
export const ${id} = defineSource({
  name: "${s.name}",
  description: "Counts from 1 to COUNT, one event every 10 ms",
  outputEventTypes: ["${s.name}.tick.v1"],
  async *produce(ctx) {
    const count = Number(process.env.COUNT ?? 100);
    for (let n = 1; n <= count && !ctx.signal.aborted; n++) {
      yield createEvent({ type: "${s.name}.tick.v1", payload: { n } });
      await ctx.sleep(10);
    }
  },
});
`;
    case "sink":
      return `import { appendFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { defineSink, payloadText } from "flowctl/sdk";

/**
 * ${s.name}: receives batches (by size or time); an event is acknowledged only once consume()
 * resolved. Here: appends each payload as a line to OUTPUT_FILE (env, default out/${s.name}.jsonl).
 */
export const ${id} = defineSink({
  name: "${s.name}",
  description: "Appends each event's payload to a file",
  batch: { size: 100, flushIntervalMs: 100 },
  async consume(batch) {
    const file = process.env.OUTPUT_FILE ?? "out/${s.name}.jsonl";
    await mkdir(path.dirname(file), { recursive: true });
    await appendFile(file, batch.map((e) => payloadText(e) + "\\n").join(""));
  },
});
`;
  }
}

function main(s: ComponentScaffold): string {
  const id = camelCase(s.name);
  return `// What the pipeline starts (\`node dist/main.js\`): runs the component until the engine stops it.
import { ${id} } from "./${s.name}.js";

await ${id}.run();
`;
}

function unitTest(s: ComponentScaffold): string {
  const id = camelCase(s.name);
  const head = `import assert from "node:assert/strict";
import { test } from "node:test";
`;
  switch (s.role) {
    case "processor":
      return `${head}import { createEvent, payloadJson, testProcessor } from "flowctl/sdk/testing";
import { ${id} } from "./${s.name}.js";

test("adds processedBy to every event and keeps the rest of the payload", async () => {
  const p = await testProcessor(${id});
  const out = await p.process([createEvent({ type: "t", payload: { seq: 1 } }), createEvent({ type: "t", payload: { seq: 2 } })]);
  assert.deepEqual(out.map((e) => payloadJson(e)), [
    { seq: 1, processedBy: "${s.name}" },
    { seq: 2, processedBy: "${s.name}" },
  ]);
});
`;
    case "source":
      return `${head}import { FakeClock, payloadJson, testSource } from "flowctl/sdk/testing";
import { ${id} } from "./${s.name}.js";

test("counts up from 1", async () => {
  const src = await testSource(${id}, { clock: new FakeClock() });
  const first = await src.take(3);
  assert.deepEqual(first.map((e) => payloadJson(e)), [{ n: 1 }, { n: 2 }, { n: 3 }]);
  await src.close();
});
`;
    case "sink":
      return `${head}import { mkdtemp, readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createEvent, testSink } from "flowctl/sdk/testing";
import { ${id} } from "./${s.name}.js";

test("writes one line per event once the batch is flushed", async () => {
  process.env.OUTPUT_FILE = path.join(await mkdtemp(path.join(os.tmpdir(), "${s.name}-")), "out.jsonl");
  const s = await testSink(${id}, { batch: { size: 2, flushIntervalMs: 100 } });
  await s.send([createEvent({ type: "t", payload: { a: 1 } }), createEvent({ type: "t", payload: { a: 2 } })]);
  await s.drain();
  assert.equal(await readFile(process.env.OUTPUT_FILE, "utf8"), '{"a":1}\\n{"a":2}\\n');
});
`;
  }
}

function pipeline(s: ComponentScaffold): string {
  const self = (inputs?: string) => `    - id: ${s.name}
      command: [node, dist/main.js]${inputs ? `\n      inputs: [${inputs}]` : ""}`;
  const generator = `  sources:
    - id: generator
      type: load-generator
      env: { EVENTS_PER_SECOND: 200, EVENT_COUNT: 500, EVENT_SIZE_BYTES: 64 }`;
  const fileSink = (input: string) => `  sinks:
    - id: out
      type: file
      inputs: [${input}]
      env: { FILE_PATH: out/events.jsonl }`;
  const head = `# Runs ${s.name} between flowctl's built-in components: \`npx flowctl run pipeline.yaml\`
# (after \`npm install\`, which compiles src/ into dist/). Completes on its own.
apiVersion: flowctl/v1
kind: Pipeline
metadata:
  name: ${s.name}
spec:
`;
  switch (s.role) {
    case "processor":
      return `${head}${generator}\n  processors:\n${self("generator")}\n${fileSink(s.name)}\n`;
    case "source":
      return `${head}  sources:\n${self()}\n${fileSink(s.name)}\n`;
    case "sink":
      return `${head}${generator}\n  sinks:\n${self("generator")}\n`;
  }
}

function readme(s: ComponentScaffold): string {
  return `# ${s.name}

A flowctl ${s.role} written with the flowctl SDK (\`flowctl/sdk\`).

\`\`\`sh
npm install                     # installs flowctl and compiles src/ into dist/
npm test                        # unit test (flowctl/sdk/testing, node:test)
npx flowctl run pipeline.yaml   # runs it in a pipeline between built-in components
\`\`\`

- \`src/${s.name}.ts\` — the component; \`src/main.ts\` runs it (\`node dist/main.js\` in pipeline.yaml).
- After editing, \`npm run build\` (or \`npm start\`, which builds and runs the pipeline).
- \`npx flowctl validate pipeline.yaml\`, \`npx flowctl diagnose pipeline.yaml --for 20s\`.
`;
}

/** Every file of the project, by path relative to its directory. */
export function componentProjectFiles(s: ComponentScaffold): Record<string, string> {
  return {
    "package.json": packageJson(s),
    "tsconfig.json": TSCONFIG,
    [`src/${s.name}.ts`]: component(s),
    "src/main.ts": main(s),
    [`src/${s.name}.test.ts`]: unitTest(s),
    "pipeline.yaml": pipeline(s),
    "README.md": readme(s),
    ".gitignore": "node_modules/\ndist/\nout/\n.flowctl/\n",
  };
}
