/**
 * End-to-end tests of the console in Debian's chromium, against the real `flowctl console` on a
 * fresh store (and a second console bound beyond loopback, for the login tests). Playwright's own
 * browser download does not work offline: the system chromium is used.
 */
import { defineConfig, devices } from "@playwright/test";

/** Ports of the consoles under test (set E2E_PORT to run beside a console on the defaults). */
const PORT = Number(process.env.E2E_PORT ?? 3210);
const SECURE_PORT = PORT + 1;
/** The token of the console bound beyond loopback (16+ characters). */
export const E2E_TOKEN = "e2e-token-0123456789abcdef";

const STORE = "test-results/e2e-store";
const SECURE_STORE = "test-results/e2e-secure-store";

export default defineConfig({
  testDir: "./e2e",
  outputDir: "test-results/e2e",
  // Live pipelines take seconds to start and diagnose on a loaded 2-core machine.
  timeout: 180_000,
  expect: { timeout: 60_000 },
  fullyParallel: false,
  workers: 1,
  // One retry on CI: drags and live runs on a loaded 2-core machine occasionally lose a pointer event
  // or outlast a wait; a test that passes only on retry is reported as flaky in .ci/run's summary.
  retries: process.env.CI ? 1 : 0,
  forbidOnly: !!process.env.CI,
  reporter: process.env.CI ? [["list"], ["json", { outputFile: "test-results/playwright.json" }]] : "list",
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    viewport: { width: 1440, height: 960 },
  },
  projects: [
    {
      name: "debian-chromium",
      use: {
        ...devices["Desktop Chrome"],
        viewport: { width: 1440, height: 960 },
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
          args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        },
      },
    },
  ],
  webServer: [
    {
      // A fresh store: the console saves and starts its demo pipelines (and builds itself if needed).
      // Its log goes to a file beside the test results (the build's progress and every run's events).
      command: `rm -rf ${STORE} && mkdir -p ${STORE} && node bin/flowctl.mjs console --port ${PORT} --grpc-port 0 --data-dir ${STORE} --db-path ${STORE}/flowctl.db > ${STORE}.log 2>&1`,
      url: `http://127.0.0.1:${PORT}/api/health`,
      reuseExistingServer: false,
      timeout: 300_000,
      gracefulShutdown: { signal: "SIGINT", timeout: 30_000 },
    },
    {
      // Reachable beyond loopback: every page and API call needs the token.
      command: `rm -rf ${SECURE_STORE} && mkdir -p ${SECURE_STORE} && node bin/flowctl.mjs console --host 0.0.0.0 --port ${SECURE_PORT} --grpc-port 0 --no-demo --data-dir ${SECURE_STORE} --db-path ${SECURE_STORE}/flowctl.db > ${SECURE_STORE}.log 2>&1`,
      url: `http://127.0.0.1:${SECURE_PORT}/login`,
      env: { FLOWCTL_TOKEN: E2E_TOKEN },
      reuseExistingServer: false,
      timeout: 300_000,
      gracefulShutdown: { signal: "SIGINT", timeout: 30_000 },
    },
  ],
});
