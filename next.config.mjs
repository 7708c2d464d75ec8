// Next.js configuration of the flowctl console. The console is served by `flowctl console` (a custom
// server that owns the engine); `next build` only compiles the pages and route handlers.
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.dirname(fileURLToPath(import.meta.url));

/** @type {import('next').NextConfig} */
const config = {
  // Live streams (SSE) must not sit in a compression buffer; the console is served locally.
  compress: false,
  // `npm run typecheck` (tsc, strict) and `npm run lint` check the whole repository, the console
  // included; the build does not repeat them.
  typescript: { ignoreBuildErrors: true },
  poweredByHeader: false,
  reactStrictMode: true,
  devIndicators: false,
  turbopack: { root },
};

export default config;
