// Shared steps of the end-to-end tests.
import { expect, Page, APIRequestContext } from '@playwright/test';

export const PASSWORD = 'onsite-demo';

export async function logIn(page: Page, login: string) {
  await page.goto('/');
  await expect(page).toHaveURL(/\/login$/);
  await page.locator('#login').fill(login);
  await page.locator('#password').fill(PASSWORD);
  await page.locator('form button[type=submit]').click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId('job-card').first()).toBeVisible();
}

/** Taps an action of the action bar: an aside (note, escalate, cannot complete) is behind
 *  "More" while the visit has a next step, so "More" is opened first when the action is hidden. */
export async function act(page: Page, action: string) {
  const button = page.locator(`.action-bar [data-action=${action}]`);
  if (!(await button.isVisible())) await page.locator('[data-action=more]').click();
  await button.click();
}

export async function token(request: APIRequestContext, login: string): Promise<string> {
  const res = await request.post('/api/v1/auth/login', { data: { login, password: PASSWORD } });
  expect(res.status()).toBe(200);
  return (await res.json()).token;
}

/** Opens a job through the service desk's API, dispatched to `assignee` now. */
export async function dispatch(request: APIRequestContext, kind: string, customer: string, assignee = 'wang.fang') {
  const desk = await token(request, 'desk');
  const res = await request.post('/api/v1/jobs', {
    headers: { Authorization: `Bearer ${desk}` },
    data: {
      kind, priority: 'high', customer, contact: customer, phone: '13800138000',
      address: '上海市浦东新区张江路 88 号 3 楼', fault: kind === 'install' ? '新装 1000M 光纤' : '光猫 LOS 红灯，无法上网',
      assignee,
    },
  });
  expect(res.status()).toBe(201);
  return (await res.json()).id as string;
}

export async function jobDetail(request: APIRequestContext, id: string) {
  const desk = await token(request, 'desk');
  const res = await request.get(`/api/v1/jobs/${id}`, { headers: { Authorization: `Bearer ${desk}` } });
  expect(res.status()).toBe(200);
  return res.json();
}

export async function pendingCount(page: Page): Promise<number> {
  return Number(await page.getByTestId('sync-summary').getAttribute('data-pending'));
}

export async function syncNow(page: Page) {
  await page.getByRole('button', { name: /立即同步|Sync now/ }).click();
}

/** Waits for the service worker to hold the app shell. */
export async function shellCached(page: Page) {
  await page.evaluate(async () => { await navigator.serviceWorker.ready; });
  await expect.poll(() => page.evaluate(async () => (await caches.keys()).filter((k) => k.startsWith('onsite-shell-')).length)).toBe(1);
}

/**
 * Where a job is stored on the phone: live (`onsite.v1.job.<id>`), else on the shelf of
 * settled jobs (`onsite.v1.archive.<finish ms>.<id>`, src/storage.rs); null if not held.
 */
export async function storedKey(page: Page, jobId: string): Promise<string | null> {
  return page.evaluate((id) => {
    if (localStorage.getItem(`onsite.v1.job.${id}`) !== null) return `onsite.v1.job.${id}`;
    return Object.keys(localStorage).find((k) => k.startsWith('onsite.v1.archive.') && k.endsWith(`.${id}`)) ?? null;
  }, jobId);
}

/** A job as stored on the phone (format 2 of `onsite_core::stored`), live or archived. */
export async function storedJob(page: Page, jobId: string): Promise<{ key: string, text: string }> {
  const key = await storedKey(page, jobId);
  if (!key) throw new Error(`job ${jobId} is not held`);
  return { key, text: (await page.evaluate((k) => localStorage.getItem(k), key))! };
}

/**
 * The ids of a job's events as stored on the phone. The job is stored in the compact format 2
 * of `onsite_core::stored`: events are arrays whose first element is the event's UUID in 22
 * characters of base64url; this decodes them with the browser's own base64.
 */
export async function storedEventIds(page: Page, jobId: string): Promise<string[]> {
  const { text } = await storedJob(page, jobId);
  return page.evaluate(([id, text]) => {
    const job = JSON.parse(text);
    if (job.v !== 2) throw new Error(`job ${id} is not stored in format 2`);
    return job.e.map((e: unknown[]) => {
      const bytes = atob((e[0] as string).replace(/-/g, '+').replace(/_/g, '/') + '==');
      const hex = [...bytes].map((c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join('');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    });
  }, [jobId, text]);
}

/** Ticks every open step, one at a time, each shown done before the next is tapped (recording
 *  goes through the tabs' write lock, so the list updates a moment after the tap). */
export async function tickAllSteps(page: Page) {
  const done = page.locator('[data-step-done]');
  for (let n = await done.count(); n > 0; n = await done.count()) {
    await done.first().click();
    await expect(done).toHaveCount(n - 1);
  }
}

/** Opens the job of `customer` from the list, pulling it first (Sync now). */
export async function openJob(page: Page, customer: string) {
  await syncNow(page);
  const card = page.getByTestId('job-card').filter({ hasText: customer });
  await expect(card).toBeVisible();
  await card.click();
  await expect(page.getByTestId('job-status')).toBeVisible();
}

/**
 * A tour of every page, as one engineer's repair visit from the job list to the report, then a
 * page that does not exist: `at(name)` runs on each page once it shows. Shared by the axe test,
 * the layout test and the screenshots (`cargo xtask screenshots`).
 */
export async function tourEveryPage(page: Page, request: APIRequestContext, locale: string, at: (name: string) => Promise<void>) {
  const zh = locale.startsWith('zh');
  const customer = `${zh ? '张伟' : 'Zhang Wei'} ${Date.now() % 100000}`;
  // A renewal: its visit has the most to show (steps, parts and the fee form).
  const jobId = await dispatch(request, 'renewal', customer, 'li.lei');

  await page.goto('/login');
  await expect(page.locator('#login')).toBeVisible();
  await at('login');

  await page.locator('#login').fill('li.lei');
  await page.locator('#password').fill(PASSWORD);
  await page.locator('form button[type=submit]').click();
  await expect(page.getByTestId('job-card').filter({ hasText: customer })).toBeVisible();
  await at('jobs');

  await page.goto(`/jobs/${jobId}`);
  await expect(page.getByTestId('job-status')).toBeVisible();
  await at('job-assigned');

  await page.locator('[data-action=contact]').click();
  await page.locator('[data-action=arrive]').click();
  await expect(page.getByTestId('job-status')).toHaveAttribute('data-status', 'on_site');
  await page.locator('#fee-amount').fill('128');
  await page.locator('#fee-receipt').fill('R-001');
  await page.locator('.fees form button[type=submit]').click();
  await expect(page.getByTestId('fee-line')).toContainText('R-001');
  await at('job-on-site');

  await tickAllSteps(page);
  await page.locator('[data-action=sign-off]').click();
  await expect(page.getByTestId('signature-pad')).toBeVisible();
  await page.locator('#result').fill(zh ? '更换光猫，测速 500M 正常' : 'Replaced the ONT; 500 Mbps speed test');
  await page.locator('#signer').fill(zh ? '张伟' : 'Zhang Wei');
  await drawSignature(page);
  for (const id of ['rate-speed', 'rate-attitude', 'rate-result']) await page.locator(`[data-rating=${id}] [data-value="5"]`).click();
  await at('sign-off');

  await page.getByTestId('submit-sign-off').click();
  await expect(page.getByTestId('report-hash')).toBeVisible();
  await at('report');

  await page.goto('/about');
  await expect(page.getByTestId('about')).toBeVisible();
  await at('about');

  await page.goto('/history');
  await page.locator('#history-words').fill(customer);
  await page.locator('.history form button[type=submit]').click();
  await expect(page.getByTestId('history-item').first()).toBeVisible();
  await at('history');

  await page.goto('/no/such/page');
  await expect(page.locator('section.page h1')).toBeVisible();
  await at('not-found');
}

/** A short signature drawn with the mouse on the sign-off pad. */
export async function drawSignature(page: Page) {
  // The pad is under the summary of the work: scrolled to first, as the customer would.
  await page.getByTestId('signature-pad').scrollIntoViewIfNeeded();
  const box = (await page.getByTestId('signature-pad').boundingBox())!;
  const points = [[20, 70], [45, 40], [60, 85], [85, 45], [110, 90], [140, 50], [175, 80], [210, 60]];
  await page.mouse.move(box.x + points[0][0], box.y + points[0][1]);
  await page.mouse.down();
  for (const [x, y] of points.slice(1)) await page.mouse.move(box.x + x, box.y + y, { steps: 4 });
  await page.mouse.up();
}
