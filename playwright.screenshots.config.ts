// `cargo xtask screenshots`: the same phone as the end-to-end tests, pointed at the page tour
// in tests/screenshots, writing PNGs into target/screenshots/ for review.
import { defineConfig } from '@playwright/test';
import base from './playwright.config';

export default defineConfig({
  ...base,
  testDir: 'tests/screenshots',
  outputDir: 'target/playwright-screenshots',
  timeout: 120_000,
  use: { ...base.use, viewport: { width: 360, height: 740 } },
});
