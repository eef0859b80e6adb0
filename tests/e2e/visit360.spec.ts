// Issue 15, the visit on a 360 px phone: what a new user stumbled on, each found by its role
// and label as a person would, in both languages.
import { test, expect, Page, APIRequestContext } from '@playwright/test';
import { PASSWORD, dispatch, tickAllSteps, drawSignature } from './helpers';

const LANGS = [
  { locale: 'zh-CN', zh: true },
  { locale: 'en-GB', zh: false },
] as const;

async function logInAs(page: Page, login: string) {
  await page.goto('/login');
  await page.locator('#login').fill(login);
  await page.locator('#password').fill(PASSWORD);
  await page.locator('form button[type=submit]').click();
  await expect(page).toHaveURL(/\/$/);
}

/** A job dispatched to li.lei, opened on the phone. */
async function openNewJob(page: Page, request: APIRequestContext, kind: string, zh: boolean) {
  const customer = `${zh ? '陈静' : 'Chen Jing'} ${Date.now() % 1_000_000}`;
  const id = await dispatch(request, kind, customer, 'li.lei');
  await logInAs(page, 'li.lei');
  await page.goto(`/jobs/${id}`);
  await expect(page.getByTestId('job-status')).toBeVisible();
  return { id, customer };
}

/** Contact, then arrival, by the buttons' labels: the job is on site. */
async function onSite(page: Page, zh: boolean) {
  await page.getByRole('button', { name: zh ? '标记已联系' : 'Mark contacted' }).click();
  await page.getByRole('button', { name: zh ? '确认到场' : 'Confirm arrival' }).click();
  await expect(page.getByTestId('job-status')).toHaveAttribute('data-status', 'on_site');
}

const inView = async (page: Page, selector: string) =>
  page.locator(selector).evaluate((e) => {
    const r = e.getBoundingClientRect();
    return r.top >= 0 && r.bottom <= window.innerHeight;
  });

for (const { locale, zh } of LANGS) {
  test.describe(locale, () => {
    test.use({ locale, viewport: { width: 360, height: 740 } });

    test(`1. a form opens in view and focused (${locale})`, async ({ page, request }) => {
      await openNewJob(page, request, 'repair', zh);
      await onSite(page, zh);
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.getByRole('button', { name: zh ? '更多' : 'More' }).click();
      await page.getByRole('button', { name: zh ? '添加备注' : 'Add note' }).click();
      const words = page.getByLabel(zh ? '备注' : 'Note', { exact: true });
      await expect(words).toBeFocused();
      expect(await inView(page, '#words')).toBe(true);
    });

    test(`2, 10. the customer sees what they sign for, and one field is called the result (${locale})`, async ({ page, request }) => {
      const { id } = await openNewJob(page, request, 'renewal', zh);
      await onSite(page, zh);
      await page.locator('#fee-amount').fill('128');
      await page.locator('#fee-receipt').fill('R-42');
      await page.locator('.fees form button[type=submit]').click();
      // The fee settles two steps once stored: count the steps left only after that.
      await expect(page.getByTestId('fee-line')).toContainText('R-42');
      await tickAllSteps(page);
      await page.goto(`/jobs/${id}/sign-off`);
      const summary = page.getByRole('region', { name: zh ? '签字确认的工作' : 'The work you are signing for' });
      await expect(summary).toBeVisible();
      await expect(summary).toContainText('R-42');
      await expect(summary).toContainText(zh ? '收取续费' : 'Collect the renewal fee');
      await expect(summary.getByRole('row')).not.toHaveCount(0);
      // "Result" is the engineer's words; the customer's star rating is named apart.
      await expect(page.getByLabel(zh ? /^处理结果$/ : /^Result$/)).toHaveCount(1);
    });

    test(`3. the report names the engineer and the day (${locale})`, async ({ page, request }) => {
      const { id } = await openNewJob(page, request, 'repair', zh);
      await onSite(page, zh);
      await tickAllSteps(page);
      await page.goto(`/jobs/${id}/sign-off`);
      await page.locator('#signer').fill(zh ? '陈静' : 'Chen Jing');
      await drawSignature(page);
      for (const r of ['rate-speed', 'rate-attitude', 'rate-result']) await page.locator(`[data-rating=${r}] [data-value="4"]`).click();
      await page.getByTestId('submit-sign-off').click();
      const report = page.getByTestId('report');
      await expect(report).toContainText(zh ? '工程师' : 'Engineer');
      await expect(report).toContainText('li.lei');
      const today = new Date().toISOString().slice(0, 4);
      await expect(page.getByTestId('report-sign-off')).toContainText(new RegExp(`${today}-\\d\\d-\\d\\d \\d\\d:\\d\\d`));
    });

    test(`4. an empty sign-off is told in the app's words, with the name field shown (${locale})`, async ({ page, request }) => {
      const { id } = await openNewJob(page, request, 'repair', zh);
      await onSite(page, zh);
      await tickAllSteps(page);
      await page.goto(`/jobs/${id}/sign-off`);
      await page.getByTestId('submit-sign-off').click();
      await expect(page.getByRole('alert').filter({ hasText: zh ? '请填写用户姓名' : "Please enter the customer's name" })).toBeVisible();
      const signer = page.locator('#signer');
      await expect(signer).toBeFocused();
      expect(await inView(page, '#signer')).toBe(true);
      // Not under the pinned top bar.
      const bar = (await page.locator('.top-bar').boundingBox())!;
      expect((await signer.boundingBox())!.y).toBeGreaterThanOrEqual(bar.y + bar.height);
    });

    test(`5, 8. "cannot finish yet" is short, in one language, and takes you to the first open step (${locale})`, async ({ page, request }) => {
      await openNewJob(page, request, 'repair', zh);
      await onSite(page, zh);
      await page.getByRole('button', { name: zh ? '完成并签字' : 'Finish & sign-off' }).click();
      const alert = page.getByRole('alert').first();
      await expect(alert).toContainText(zh ? /还有 \d+ 项未完成/ : /\d+ left before finishing/);
      const text = (await alert.textContent()) ?? '';
      expect(text.length).toBeLessThan(80);
      if (!zh) expect(text).not.toMatch(/[\u3000-\u303f\u4e00-\u9fff]/);
      const first = page.locator('[data-step-done]').first();
      await expect(first).toBeFocused();
    });

    test(`5. a confirmation follows a switch of language (${locale})`, async ({ page, request }) => {
      await openNewJob(page, request, 'repair', zh);
      await page.getByRole('button', { name: zh ? '标记已联系' : 'Mark contacted' }).click();
      const bar = page.getByTestId('sync-bar');
      await expect(bar.getByRole('status')).toHaveText(zh ? '已保存在本机' : 'Saved on this phone');
      await page.locator('.top-bar button[lang]').click();
      await expect(bar.getByRole('status')).toHaveText(zh ? 'Saved on this phone' : '已保存在本机');
    });

    test(`6. the log-in page has no sync bar (${locale})`, async ({ page }) => {
      await page.goto('/login');
      await expect(page.locator('#login')).toBeVisible();
      await expect(page.getByTestId('sync-bar')).toHaveCount(0);
      await expect(page.getByRole('button', { name: zh ? '立即同步' : 'Sync now' })).toHaveCount(0);
    });

    test(`9. buttons say what they do, apart from the status (${locale})`, async ({ page, request }) => {
      await openNewJob(page, request, 'repair', zh);
      await page.getByRole('button', { name: zh ? '标记已联系' : 'Mark contacted' }).click();
      await page.getByRole('button', { name: zh ? '开始出发' : 'Set off' }).click();
      await page.getByRole('button', { name: zh ? '确认到场' : 'Confirm arrival' }).click();
      await expect(page.getByTestId('job-status')).toHaveAttribute('data-status', 'on_site');
      const status = page.getByTestId('job-status');
      await expect(status).toHaveText(zh ? '已到场' : 'On site');
      await expect(page.getByRole('button', { name: zh ? '已到场' : 'On site', exact: true })).toHaveCount(0);
    });

    test(`11. the "saved" confirmation covers nothing (${locale})`, async ({ page, request }) => {
      await openNewJob(page, request, 'repair', zh);
      await page.getByRole('button', { name: zh ? '标记已联系' : 'Mark contacted' }).click();
      const confirmation = page.getByTestId('sync-bar').getByRole('status');
      await expect(confirmation).toBeVisible();
      // Nothing of it lies over the page above the sync bar.
      const bar = (await page.getByTestId('sync-bar').boundingBox())!;
      const box = (await confirmation.boundingBox())!;
      expect(box.y).toBeGreaterThanOrEqual(bar.y);
      await expect(page.locator('.notice-layer .notice.info')).toHaveCount(0);
    });

    test(`12. a card shows a missed deadline before one still running (${locale})`, async ({ page, request }) => {
      const { customer } = await openNewJob(page, request, 'install', zh);
      // Eleven minutes on: the 10-minute contact deadline is missed, the 2-day install runs.
      await page.clock.install({ time: Date.now() + 11 * 60_000 });
      await page.goto('/');
      const card = page.getByTestId('job-card').filter({ hasText: customer });
      await expect(card).toContainText(zh ? /10分钟内联系用户 · 已超时/ : /Contact within 10 min · Missed/);
    });

    test(`13. a renewal's fee settles its fee steps (${locale})`, async ({ page, request }) => {
      await openNewJob(page, request, 'renewal', zh);
      await onSite(page, zh);
      await page.locator('#fee-amount').fill('88');
      await page.locator('#fee-receipt').fill('R-7');
      await page.locator('.fees form button[type=submit]').click();
      await expect(page.locator('[data-step=fee_collected]')).toHaveAttribute('data-state', 'settled');
      await expect(page.locator('[data-step=receipt]')).toHaveAttribute('data-state', 'settled');
    });

    test(`14. a finished job's report link is at hand, and radio choices are big enough (${locale})`, async ({ page, request }) => {
      const { id } = await openNewJob(page, request, 'repair', zh);
      await onSite(page, zh);
      await page.getByRole('button', { name: zh ? '更多' : 'More' }).click();
      await page.getByRole('button', { name: zh ? '升级' : 'Escalate' }).click();
      for (const radio of await page.getByRole('radio').all()) {
        const box = (await radio.evaluate((e) => { const r = (e.closest('label') ?? e).getBoundingClientRect(); return [r.width, r.height]; }));
        expect(box[1]).toBeGreaterThanOrEqual(47.5);
        expect((await radio.boundingBox())!.width).toBeGreaterThanOrEqual(24);
      }
      await page.getByRole('button', { name: zh ? '取消' : 'Cancel' }).click();
      await page.getByRole('button', { name: zh ? '更多' : 'More' }).click();
      await page.getByRole('button', { name: zh ? '报告无法完成' : 'Report cannot complete' }).click();
      await page.locator('#words').fill(zh ? '用户不在家' : 'Nobody home');
      await page.getByTestId('save-words').click();
      await expect(page.getByTestId('job-status')).toHaveAttribute('data-status', 'could_not_complete');
      await page.goto(`/jobs/${id}`);
      const link = page.getByRole('link', { name: zh ? '查看完工报告' : 'View report' });
      await expect(link).toBeVisible();
      expect((await link.boundingBox())!.y + 48).toBeLessThanOrEqual(740);
    });
  });
}

test.describe('taps', () => {
  test.use({ locale: 'zh-CN', viewport: { width: 360, height: 740 } });

  // Every tap a person makes, from the log-in page to the signed report: a tap on a control,
  // a tap into a field before typing, and the signature as one. Printed as a figure for the
  // closing note; the test fails if the count grows past today's.
  test('a full repair visit from log-in to signed, counted in taps', async ({ page, request }) => {
    const customer = `计数 ${Date.now() % 1_000_000}`;
    await dispatch(request, 'repair', customer, 'li.lei');
    let taps = 0;
    const tap = async (l: ReturnType<Page['locator']>) => { taps++; await l.click(); };
    const type = async (l: ReturnType<Page['locator']>, text: string) => { taps++; await l.fill(text); };
    await page.goto('/login');
    await type(page.getByLabel('账号'), 'li.lei');
    await type(page.getByLabel('密码'), PASSWORD);
    await tap(page.getByRole('button', { name: '登录' }));
    await tap(page.getByTestId('job-card').filter({ hasText: customer }));
    await tap(page.getByRole('button', { name: '标记已联系' }));
    await tap(page.getByRole('button', { name: '确认到场' }));
    await expect(page.getByTestId('job-status')).toHaveAttribute('data-status', 'on_site');
    const done = page.locator('[data-step-done]');
    for (let n = await done.count(); n > 0; n = await done.count()) {
      await tap(done.first());
      await expect(done).toHaveCount(n - 1);
    }
    await tap(page.getByRole('button', { name: '完成并签字' }));
    await type(page.locator('#signer'), '陈静');
    taps++;
    await drawSignature(page);
    for (const r of ['rate-speed', 'rate-attitude', 'rate-result']) await tap(page.locator(`[data-rating=${r}] [data-value="5"]`));
    await tap(page.getByTestId('submit-sign-off'));
    await expect(page.getByTestId('report-hash')).toBeVisible();
    console.log(`[figure] taps for a full repair visit, log-in to signed: ${taps}`);
    expect(taps).toBeLessThanOrEqual(25);
  });
});
