// Issue 20, a year on one phone: finished, synced jobs leave after the deployment's period (by
// the server's time, never the phone's alone), and at once when storage runs short; nothing
// unsynced ever leaves, and the phone keeps working.
import { test, expect, Page, APIRequestContext } from '@playwright/test';
import { PASSWORD, dispatch, pendingCount, storedJob, storedKey, syncNow, tickAllSteps } from './helpers';

const DAY = 86_400_000;

async function logIn(page: Page) {
  await page.goto('/login');
  await page.locator('#login').fill('li.lei');
  await page.locator('#password').fill(PASSWORD);
  await page.locator('form button[type=submit]').click();
  await expect(page).toHaveURL(/\/$/);
}

/** One real inspection, done and synced through the app: the template of a year's jobs. */
async function finishedJob(page: Page, request: APIRequestContext) {
  const id = await dispatch(request, 'inspection', `模板 ${Date.now() % 1_000_000}`, 'li.lei');
  await logIn(page);
  await page.goto(`/jobs/${id}`);
  await page.locator('[data-action=contact]').click();
  await page.locator('[data-action=arrive]').click();
  await expect(page.getByTestId('job-status')).toHaveAttribute('data-status', 'on_site');
  await tickAllSteps(page);
  await page.locator('[data-action=complete]').click();
  await page.locator('#words').fill('设备正常');
  await page.getByTestId('save-words').click();
  await expect(page.getByTestId('job-status')).toHaveAttribute('data-status', 'completed');
  await syncNow(page);
  await expect.poll(() => pendingCount(page), { timeout: 30_000 }).toBe(0);
  return { id, stored: JSON.parse((await storedJob(page, id)).text) };
}

/** Stores copies of a stored job (format 2) under new ids, the i-th aged `ageDays(i)` days
 *  (its every time, the server's receive times included, moved back). Stops at a full quota;
 *  returns the ids stored and whether the quota stopped it. */
async function storeYear(page: Page, template: unknown, n: number, ageDays: (i: number) => number, pendingAt = -1) {
  const ages = Array.from({ length: n }, (_, i) => ageDays(i));
  return page.evaluate(({ template, ages, pendingAt, DAY }) => {
    const ids: string[] = [];
    for (let i = 0; i < ages.length; i++) {
      const j = structuredClone(template) as any;
      const id = crypto.randomUUID();
      j.job.id = id;
      j.job.customer = `往年 ${i + 1}`;
      j.t0 -= Math.round(ages[i] * DAY);
      for (const e of j.e) {
        const bytes = crypto.getRandomValues(new Uint8Array(16));
        e[0] = btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
      }
      // One old job with an event the server never acknowledged.
      if (i === pendingAt) j.e[j.e.length - 1][6] = 0;
      try {
        localStorage.setItem(`onsite.v1.job.${id}`, JSON.stringify(j));
      } catch {
        return { ids, full: true };
      }
      ids.push(id);
    }
    return { ids, full: false };
  }, { template, ages, pendingAt, DAY });
}

/** The ids among `ids` the phone holds, live or on the shelf of settled jobs. */
const held = (page: Page, ids: string[]) => page.evaluate((ids) => {
  const on = new Set(Object.keys(localStorage).flatMap((k) =>
    k.startsWith('onsite.v1.job.') ? [k.slice(14)] : k.startsWith('onsite.v1.archive.') ? [k.slice(k.lastIndexOf('.') + 1)] : []));
  return ids.filter((id) => on.has(id));
}, ids);

test('a year of history: the old leave at start, nothing unsynced does, and the phone keeps working', async ({ page, request }) => {
  test.setTimeout(180_000);
  const { stored } = await finishedJob(page, request);
  // 2,500 jobs over a year, the newest first: job i finished i × 365 / 2,500 days ago.
  const year = await storeYear(page, stored, 2500, (i) => (i * 365) / 2500 + 0.01, 2000);
  console.log(`[figure] year of history stored: ${year.ids.length} jobs${year.full ? ' (the quota stopped it)' : ''}`);
  const pending = year.ids[2000];
  await page.goto('/');
  await expect(page.getByTestId('job-card').first()).toBeVisible();
  const expected = year.ids.filter((_, i) => (i * 365) / 2500 + 0.01 < 30 || i === 2000);
  await expect.poll(async () => (await held(page, year.ids)).length, { timeout: 30_000 }).toBe(expected.length);
  expect(await held(page, [pending])).toEqual([pending]);
  console.log(`[figure] after retention: ${expected.length} of ${year.ids.length} kept`);
  // The settled ones that stay are on the shelf, read only when shown; the pending one is live.
  expect(await storedKey(page, pending)).toBe(`onsite.v1.job.${pending}`);
  expect(await storedKey(page, expected[0])).toMatch(/^onsite\.v1\.archive\.\d{13}\./);
  // The list's cost follows the cards in view: the done group shows a page at a time.
  await page.goto('/');
  const done = page.locator('[data-group=done] [data-testid=job-card]');
  await expect(done).toHaveCount(10);
  await page.getByRole('button', { name: /显示更多|Show more/ }).click();
  await expect(done).toHaveCount(20);
  // One from the shelf opens: read from storage only now.
  const card = done.nth(15);
  const name = (await card.textContent())!;
  await card.click();
  await expect(page.getByTestId('job-status')).toHaveAttribute('data-status', 'completed');
  await expect(page.locator('.page.job')).toContainText(name.match(/往年 \d+/)![0]);

  // A new job can be recorded and synced.
  const customer = `新单 ${Date.now() % 1_000_000}`;
  const id = await dispatch(request, 'repair', customer, 'li.lei');
  await syncNow(page);
  await page.goto(`/jobs/${id}`);
  await page.locator('[data-action=contact]').click();
  await syncNow(page);
  // The pending old job's event is still unsynced here (its job is a copy the server never had:
  // the server refuses it, and it stays, marked).
  await expect.poll(async () => (await held(page, [pending])).length).toBe(1);
  await expect.poll(async () => page.evaluate((id) => {
    const j = JSON.parse(localStorage.getItem(`onsite.v1.job.${id}`)!);
    return j.e.every((e: unknown[]) => e[6] !== 0);
  }, id)).toBe(true);
});

test("a phone clock a year ahead drops nothing early: the server's time decides", async ({ page, request }) => {
  const { stored } = await finishedJob(page, request);
  const recent = await storeYear(page, stored, 50, (i) => i * 0.5);
  await page.clock.install({ time: Date.now() + 365 * DAY });
  await page.goto('/');
  await expect(page.getByTestId('job-card').first()).toBeVisible();
  // Give the start-up's pruning its turn, then count.
  await page.goto('/about');
  await expect(page.getByTestId('jobs-held')).toBeVisible();
  expect((await held(page, recent.ids)).length).toBe(recent.ids.length);
});

test('storage full at start: the app opens, frees space and says what it did', async ({ page, request }) => {
  test.setTimeout(180_000);
  const { stored } = await finishedJob(page, request);
  // Recent jobs (all within the period) until the browser refuses more.
  const filled = await storeYear(page, stored, 6000, (i) => 1 + (i % 25) * 0.9);
  expect(filled.full).toBe(true);
  await page.goto('/');
  await expect(page.getByTestId('job-card').first()).toBeVisible();
  await expect(page.getByTestId('sync-bar').getByRole('status')).toContainText(/存储空间不足|Storage was short/);
  const left = (await held(page, filled.ids)).length;
  console.log(`[figure] storage full at start: ${filled.ids.length} stored, ${left} kept after freeing`);
  expect(left).toBeLessThan(filled.ids.length);
  await page.goto('/about');
  await expect(page.getByTestId('storage-used')).toContainText('%');
});

test('older work on demand: a job the phone let go is found on the server and read as its report', async ({ page, request }) => {
  const { id } = await finishedJob(page, request);
  const customer = JSON.parse((await storedJob(page, id)).text).job.customer;
  // The phone lets it go (as retention does after the period).
  await page.evaluate((k) => localStorage.removeItem(k), (await storedKey(page, id))!);
  await page.goto('/');
  await page.getByRole('link', { name: /查找更早的工单|Find older jobs/ }).click();
  await page.getByLabel(/客户、电话或地址|Customer, phone or address/).fill(customer);
  await page.context().setOffline(true);
  await page.getByRole('button', { name: /^(查找|Search)$/ }).click();
  await expect(page.getByRole('alert')).toHaveText(/查找更早的工单需要网络|needs a connection/);
  await page.context().setOffline(false);
  await page.getByRole('button', { name: /^(查找|Search)$/ }).click();
  const found = page.getByTestId('history-item');
  await expect(found).toHaveCount(1);
  // By the day reported too: a day long past finds nothing, today finds it.
  await page.getByLabel(/报修日期从|Reported from/).fill('2020-01-01');
  await page.getByLabel(/^(至|Reported until)$/).fill('2020-01-31');
  await page.getByRole('button', { name: /^(查找|Search)$/ }).click();
  await expect(page.getByRole('status').filter({ hasText: /没有找到工单|No jobs found/ })).toBeVisible();
  const today = new Date().toISOString().slice(0, 10);
  await page.getByLabel(/报修日期从|Reported from/).fill(today);
  await page.getByLabel(/^(至|Reported until)$/).fill(today);
  await page.getByRole('button', { name: /^(查找|Search)$/ }).click();
  await expect(found).toHaveCount(1);
  await expect(found).toContainText(customer);
  await found.getByRole('button', { name: /查看完工报告|View report/ }).click();
  await expect(page.getByTestId('history-report')).toContainText('设备正常');
  await expect(page.getByTestId('history-report').getByRole('button', { name: /打印|Print/ })).toBeVisible();
  // Read, not stored again.
  expect(await storedKey(page, id)).toBeNull();
});
