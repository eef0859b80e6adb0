// Playwright runs the end-to-end tests against the release build served by the real server.
// `cargo xtask test` starts the server on a fresh database with demo data and sets ONSITE_URL.
import { defineConfig } from '@playwright/test';

const url = process.env.ONSITE_URL;
if (!url) throw new Error('ONSITE_URL is not set: run the end-to-end tests with `cargo xtask test`');

export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'target/playwright',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  use: {
    baseURL: url,
    viewport: { width: 360, height: 740 },
    hasTouch: true,
    isMobile: true,
    deviceScaleFactor: 2,
    locale: 'zh-CN',
    serviceWorkers: 'allow',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic',
        '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
});
