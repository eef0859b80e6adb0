// The whole path on a phone-sized screen: log in, go offline, record contacted → arrived →
// completed, reload with no network and still see the app and the records, come back online,
// and check through the server's API that each event arrived exactly once.
import { test, expect, Page, APIRequestContext } from '@playwright/test';

const PASSWORD = 'onsite-demo';

async function logIn(page: Page, login: string) {
  await page.goto('/');
  await expect(page).toHaveURL(/\/login$/);
  await page.locator('#login').fill(login);
  await page.locator('#password').fill(PASSWORD);
  await page.locator('form button[type=submit]').click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId('job-card').first()).toBeVisible();
}

async function deskToken(request: APIRequestContext): Promise<string> {
  const res = await request.post('/api/v1/auth/login', { data: { login: 'desk', password: PASSWORD } });
  expect(res.status()).toBe(200);
  return (await res.json()).token;
}

async function pendingCount(page: Page): Promise<number> {
  return Number(await page.getByTestId('sync-summary').getAttribute('data-pending'));
}

test('record a visit offline, reload offline, sync once online: each event exactly once', async ({ page, context, request }) => {
  await logIn(page, 'wang.fang');

  // The service worker must hold the shell before the network goes.
  await page.evaluate(async () => { await navigator.serviceWorker.ready; });
  await expect.poll(() => page.evaluate(async () => (await caches.keys()).filter((k) => k.startsWith('onsite-shell-')).length)).toBe(1);

  // A repair job that is not started yet.
  const card = page.getByTestId('job-card').filter({ hasText: /报修|Repair/ }).filter({ hasText: /已派单|Assigned/ }).first();
  const href = await card.getAttribute('href');
  expect(href).toMatch(/^\/jobs\/[0-9a-f-]{36}$/);
  const jobId = href!.split('/').pop()!;
  await card.click();
  await expect(page.getByTestId('job-status')).toHaveAttribute('data-status', 'assigned');

  await context.setOffline(true);
  await page.locator('[data-action=contact]').click();
  await expect(page.getByTestId('job-status')).toHaveAttribute('data-status', 'contacted');
  await page.locator('[data-action=arrive]').click();
  await expect(page.getByTestId('job-status')).toHaveAttribute('data-status', 'on_site');
  await page.locator('[data-action=complete]').click();
  await page.locator('#words').fill('更换光猫，测速 300M 正常');
  await page.getByTestId('save-words').click();
  await expect(page.getByTestId('job-status')).toHaveAttribute('data-status', 'completed');
  await expect(page.getByTestId('history').locator('li')).toHaveCount(3);
  expect(await pendingCount(page)).toBe(3);

  // What is on screen is in storage: a reload with no network opens the app and the records.
  const stored = await page.evaluate((id) => localStorage.getItem(`onsite.v1.job.${id}`), jobId);
  expect(JSON.parse(stored!).events).toHaveLength(3);
  await page.reload();
  await expect(page.getByTestId('job-status')).toHaveAttribute('data-status', 'completed');
  const items = page.getByTestId('history').locator('li');
  await expect(items).toHaveCount(3);
  const localIds = await items.evaluateAll((lis) => lis.map((li) => li.getAttribute('data-event-id')));
  expect(await pendingCount(page)).toBe(3);

  // Back online: the app syncs by itself (the `online` event), and shows synced only once
  // the server acknowledged.
  await context.setOffline(false);
  await expect.poll(() => pendingCount(page), { timeout: 30_000 }).toBe(0);
  await expect(page.getByTestId('history').locator('.badge.synced')).toHaveCount(3);

  // Pressing Sync now again sends nothing twice.
  await page.getByRole('button', { name: /立即同步|Sync now/ }).click();
  await expect.poll(() => pendingCount(page)).toBe(0);

  const token = await deskToken(request);
  const res = await request.get(`/api/v1/jobs/${jobId}`, { headers: { Authorization: `Bearer ${token}` } });
  expect(res.status()).toBe(200);
  const detail = await res.json();
  const serverIds: string[] = detail.events.map((e: { id: string }) => e.id);
  expect(new Set(serverIds).size).toBe(serverIds.length);
  expect(serverIds.sort()).toEqual([...localIds].sort());
  expect(detail.events.map((e: { type: string }) => e.type)).toEqual(['customer_contacted', 'arrived', 'completed']);
  expect(detail.status).toBe('completed');
  for (const e of detail.events) expect(e.received_at).toBeTruthy();
});

test('a wrong password is refused with a clear message and nothing is stored', async ({ page }) => {
  await page.goto('/login');
  await page.locator('#login').fill('wang.fang');
  await page.locator('#password').fill('not-the-password');
  await page.locator('form button[type=submit]').click();
  await expect(page.getByRole('alert')).toContainText(/账号或密码错误|Wrong username or password/);
  expect(await page.evaluate(() => localStorage.getItem('onsite.v1.session'))).toBeNull();
});
