import { defineConfig } from "@playwright/test";

// Browser tests against the real local stack (`make run`'s pieces on their usual ports), driven in
// Debian's Chromium. Outside CI a stack that is already running is reused.
const baseURL = process.env.CINEWEAVE_URL ?? "http://127.0.0.1:8080";

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results/artifacts",
  timeout: 300_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1, // one CPU-bound render at a time: the local GPU runner shares this machine's two cores
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL,
    headless: true,
    viewport: { width: 1366, height: 900 },
    acceptDownloads: true,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      // The machine has no outside network: keep Chromium from trying to reach Google's services.
      args: ["--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-sandbox"],
    },
  },
  webServer: {
    command: ".venv/bin/python -m shared.local.stack",
    cwd: "..",
    url: `${baseURL}/api/healthz`,
    timeout: 180_000,
    reuseExistingServer: !process.env.CI,
    stdout: "ignore",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 30_000 },
  },
});
