// `npm run image`: builds the flowctl image (Dockerfile) and tags it flowctl:<package version>, the
// tag `flowctl translate` uses by default. Where Docker is missing or its daemon is not reachable
// it says so and exits 1, building nothing. Extra arguments go to `docker build` (e.g. --push, -t).
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { version } = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));
/** The tag this script builds; translate's default --flowctl-image is the same. */
const IMAGE_TAG = `flowctl:${version}`;

const docker = process.env.DOCKER ?? "docker";
const info = spawnSync(docker, ["info", "--format", "{{.ServerVersion}}"], { encoding: "utf8" });
if (info.error) {
  process.stderr.write(`npm run image: Docker is not available (${docker}: ${info.error.code === "ENOENT" ? "not found on PATH" : info.error.message}); install Docker to build ${IMAGE_TAG}\n`);
  process.exit(1);
}
if (info.status !== 0) {
  const why = (info.stderr || info.stdout).trim().split("\n").find((l) => l.trim()) ?? `exit code ${info.status}`;
  process.stderr.write(`npm run image: the Docker daemon is not reachable (${why}); start it (or set DOCKER_HOST) to build ${IMAGE_TAG}\n`);
  process.exit(1);
}
const args = ["build", "-t", IMAGE_TAG, ...process.argv.slice(2), root];
process.stderr.write(`npm run image: ${docker} ${args.join(" ")}\n`);
const build = spawnSync(docker, args, { stdio: "inherit" });
process.exit(build.status ?? 1);
