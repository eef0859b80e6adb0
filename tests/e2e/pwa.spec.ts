// The installable offline app: the first visit installs the service worker with every built
// file precached; Chromium finds the app installable; an offline reload opens it; a new build
// leads to the "new version" prompt and then the update, with pending events still there.
import { test, expect, chromium } from '@playwright/test';
import * as os from 'os';
import { logIn, shellCached, pendingCount, act } from './helpers';
import * as fs from 'fs';
import * as path from 'path';

const DIST = 'dist';

test('the first visit precaches every built file', async ({ page }) => {
  await page.goto('/login');
  await shellCached(page);
  // The .br and .gz files are the same files compressed ahead by the build, sent by the server
  // in their place to browsers that accept them (never precached under their own names).
  // dist/desk/ is the desk console, not the phone's: never precached by the phone.
  const built = fs.readdirSync(DIST).filter((f) => f !== 'sw.js' && !f.endsWith('.br') && !f.endsWith('.gz')
    && fs.statSync(path.join(DIST, f)).isFile());
  const wasm = built.find((f) => f.endsWith('.wasm'))!;
  expect(fs.existsSync(path.join(DIST, `${wasm}.br`)), 'the build compresses the wasm ahead').toBe(true);
  const sent = await page.request.get(`/${wasm}`, { headers: { 'accept-encoding': 'br' } });
  expect(sent.headers()['content-encoding']).toBe('br');
  expect(sent.headers()['content-length']).toBe(String(fs.statSync(path.join(DIST, `${wasm}.br`)).size));
  const cached: string[] = await page.evaluate(async () => {
    const name = (await caches.keys()).find((k) => k.startsWith('onsite-shell-'))!;
    const keys = await (await caches.open(name)).keys();
    return keys.map((r) => new URL(r.url).pathname);
  });
  for (const f of built) expect(cached, f).toContain(`/${f}`);
  expect(cached).toContain('/');
  expect(cached.filter((p) => p.startsWith('/desk')), 'the phone holds nothing of the desk console').toEqual([]);

  const manifest = await (await page.request.get('/manifest.webmanifest')).json();
  expect(manifest.display).toBe('standalone');
  expect(manifest.name).toMatch(/Onsite/);
  expect(manifest.name).toMatch(/上门/);
  const maskable = manifest.icons.find((i: any) => i.purpose === 'maskable');
  expect(maskable).toBeTruthy();
  const png = await page.request.get(maskable.src);
  expect(png.headers()['content-type']).toBe('image/png');
});

test('Chromium finds the app installable', async ({ baseURL }, testInfo) => {
  // Test contexts are incognito, where nothing is installable: use a real profile.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onsite-profile-'));
  const launch = testInfo.project.use.launchOptions!;
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: launch.executablePath,
    args: launch.args,
    viewport: { width: 360, height: 740 },
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${baseURL}/login`);
    await shellCached(page);
    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    expect(installabilityErrors.map((e: any) => e.errorId)).toEqual([]);
  } finally {
    await context.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('an offline reload opens the app with its jobs', async ({ page, context }) => {
  await logIn(page, 'li.lei');
  await shellCached(page);
  const cards = await page.getByTestId('job-card').count();
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByTestId('job-card')).toHaveCount(cards);
  await page.goto('/jobs/00000000-0000-0000-0000-000000000000');
  await expect(page.locator('main')).toBeVisible();
  await context.setOffline(false);
});

test('a new build shows the update prompt and updates with the pending events kept', async ({ page }) => {
  const sw = path.join(DIST, 'sw.js');
  const original = fs.readFileSync(sw, 'utf8');
  try {
    await logIn(page, 'li.lei');
    await shellCached(page);
    const before: string[] = await page.evaluate(async () => caches.keys());

    // Keep an event pending: the server does not answer pushes for now.
    await page.route('**/api/v1/sync/push', (route) => route.abort());
    await page.getByTestId('job-card').first().click();
    await act(page, 'note');
    await page.locator('#words').fill('升级前的记录');
    await page.getByTestId('save-words').click();
    await expect.poll(() => pendingCount(page)).toBe(1);

    // Deploy a new build: a new precache version.
    const next = original.replace(/version: '([0-9a-f]+)'/, (_m, v) => `version: '${v}-next'`);
    expect(next).not.toBe(original);
    fs.writeFileSync(sw, next);
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.update());
    await expect(page.getByTestId('update-prompt')).toBeVisible();

    await Promise.all([page.waitForEvent('load'), page.getByTestId('update-reload').click()]);
    await expect.poll(() => page.evaluate(async () => (await caches.keys()).filter((k) => k.endsWith('-next')).length)).toBe(1);
    const after: string[] = await page.evaluate(async () => caches.keys());
    expect(after.filter((k) => before.includes(k))).toEqual([]); // the old cache is gone
    await expect(page.getByTestId('update-prompt')).toHaveCount(0);
    expect(await pendingCount(page)).toBe(1);
    await expect(page.getByTestId('history').locator('li').filter({ hasText: '升级前的记录' })).toHaveCount(1);
  } finally {
    fs.writeFileSync(sw, original);
  }
});
