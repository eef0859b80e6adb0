// The whole path on a phone-sized screen: log in, go offline, record contacted → arrived →
// (the inspection's steps) → completed, reload with no network and still see the app and the
// records, come back online, and check through the server's API that each event arrived
// exactly once.
import { test, expect } from '@playwright/test';
import { logIn, dispatch, jobDetail, pendingCount, shellCached, storedEventIds, syncNow, tickAllSteps } from './helpers';

test('record a visit offline, reload offline, sync once online: each event exactly once', async ({ page, context, request }) => {
  const customer = `巡检点 ${Date.now()}`;
  const jobId = await dispatch(request, 'inspection', customer);
  await logIn(page, 'wang.fang');
  // The service worker must hold the shell before the network goes.
  await shellCached(page);
  await syncNow(page);
  const card = page.getByTestId('job-card').filter({ hasText: customer });
  await expect(card).toBeVisible();
  await card.click();
  await expect(page.getByTestId('job-status')).toHaveAttribute('data-status', 'assigned');

  await context.setOffline(true);
  await page.locator('[data-action=contact]').click();
  await expect(page.getByTestId('job-status')).toHaveAttribute('data-status', 'contacted');
  await page.locator('[data-action=arrive]').click();
  await expect(page.getByTestId('job-status')).toHaveAttribute('data-status', 'on_site');
  const steps = page.locator('[data-step-done]');
  const stepCount = await steps.count();
  expect(stepCount).toBeGreaterThan(0);
  await tickAllSteps(page);
  await page.locator('[data-action=complete]').click();
  await page.locator('#words').fill('设备正常，线标完好');
  await page.getByTestId('save-words').click();
  await expect(page.getByTestId('job-status')).toHaveAttribute('data-status', 'completed');
  const total = 3 + stepCount;
  await expect(page.getByTestId('history').locator('li')).toHaveCount(total);
  expect(await pendingCount(page)).toBe(total);

  // What is on screen is in storage: a reload with no network opens the app and the records.
  expect(await storedEventIds(page, jobId)).toHaveLength(total);
  await page.reload();
  await expect(page.getByTestId('job-status')).toHaveAttribute('data-status', 'completed');
  const items = page.getByTestId('history').locator('li');
  await expect(items).toHaveCount(total);
  const localIds = await items.evaluateAll((lis) => lis.map((li) => li.getAttribute('data-event-id')));
  expect(await pendingCount(page)).toBe(total);

  // Back online: the app syncs by itself (the `online` event), and shows synced only once
  // the server acknowledged.
  await context.setOffline(false);
  await expect.poll(() => pendingCount(page), { timeout: 30_000 }).toBe(0);
  await expect(page.getByTestId('history').locator('.badge.synced')).toHaveCount(total);

  // Pressing Sync now again sends nothing twice.
  await syncNow(page);
  await expect.poll(() => pendingCount(page)).toBe(0);

  const detail = await jobDetail(request, jobId);
  const serverIds: string[] = detail.events.map((e: { id: string }) => e.id);
  expect(new Set(serverIds).size).toBe(serverIds.length);
  expect([...serverIds].sort()).toEqual([...localIds].sort());
  const types = detail.events.map((e: { type: string }) => e.type);
  expect(types[0]).toBe('customer_contacted');
  expect(types[1]).toBe('arrived');
  expect(types[types.length - 1]).toBe('completed');
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

test('events recorded online are sent by themselves, without Sync now', async ({ page, request }) => {
  const customer = `自动同步 ${Date.now()}`;
  const jobId = await dispatch(request, 'repair', customer);
  await logIn(page, 'wang.fang');
  await syncNow(page);
  await page.getByTestId('job-card').filter({ hasText: customer }).click();
  await page.locator('[data-action=contact]').click();
  await expect(page.getByTestId('job-status')).toHaveAttribute('data-status', 'contacted');
  await page.locator('[data-action=depart]').click();
  await expect(page.getByTestId('job-status')).toHaveAttribute('data-status', 'en_route');
  // No button pressed: the app sends them shortly after the last one.
  await expect.poll(async () => (await jobDetail(request, jobId)).events.length, { timeout: 20_000 }).toBe(2);
  await expect.poll(() => pendingCount(page)).toBe(0);
  const ids = await storedEventIds(page, jobId);
  expect(new Set((await jobDetail(request, jobId)).events.map((e: { id: string }) => e.id))).toEqual(new Set(ids));
});
