// The desk's board (issue 16), in a real browser against the real server with the demo's data,
// in both languages: three bands (needs the desk now, the queue first in first out, out with
// engineers), the engineers and where each is, search and keys, a concern kept until the desk
// says how it dealt with it, a complex report's 24 hours, the whole visit on the job page with
// print, and every console page at a 768 px tablet with nothing cut off.
import { test, expect, Page, APIRequestContext } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { PASSWORD, dispatch, token } from './helpers';
import { randomUUID } from 'node:crypto';

async function axe(page: Page, name: string) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  const summary = results.violations.map((v) => `${v.id} (${v.nodes.length}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(' | ')}`);
  expect(summary, name).toEqual([]);
}

async function deskLogIn(page: Page, login = 'desk', lands = /\/desk\/?$/) {
  await page.goto('/desk/login');
  await page.locator('#login').fill(login);
  await page.locator('#password').fill(PASSWORD);
  await page.locator('form button[type=submit]').click();
  await expect(page).toHaveURL(lands);
}

/** Pushes events onto a job as `login`'s phone would, each `minutes` after now. */
async function push(request: APIRequestContext, login: string, jobId: string, bodies: object[]) {
  const t = await token(request, login);
  const device = randomUUID();
  const events = bodies.map((b, i) => ({
    id: randomUUID(), job_id: jobId, device_id: device, seq: i + 1,
    device_time: new Date(Date.now() + i * 1000).toISOString(), ...b,
  }));
  const res = await request.post('/api/v1/sync/push', { headers: { Authorization: `Bearer ${t}` }, data: { device_id: device, events } });
  expect(res.status()).toBe(200);
}

/** Nothing on the page is wider than the window. */
async function fits(page: Page, name: string) {
  const over = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    return [...document.querySelectorAll('body *')]
      .filter((e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.right > width + 1; })
      .slice(0, 5).map((e) => `${e.tagName.toLowerCase()}.${e.className}`);
  });
  expect(over, `${name}: cut off at the right`).toEqual([]);
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth), name).toBe(true);
}

/** Every control on the page (links, buttons, fields) takes the focus by Tab alone, in turn. */
async function everyControlByKeyboard(page: Page, name: string) {
  const want = await page.evaluate(() => {
    const controls = [...document.querySelectorAll('a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled])')]
      .filter((e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden'; });
    controls.forEach((e, i) => e.setAttribute('data-kb', String(i)));
    (document.activeElement as HTMLElement | null)?.blur();
    return controls.length;
  });
  expect(want, `${name}: controls on the page`).toBeGreaterThan(3);
  const reached = new Set<string>();
  for (let i = 0; i < want + 30 && reached.size < want; i++) {
    await page.keyboard.press('Tab');
    const k = await page.evaluate(() => document.activeElement?.getAttribute('data-kb') ?? null);
    if (k !== null) reached.add(k);
  }
  const missed = await page.evaluate((got) => [...document.querySelectorAll('[data-kb]')]
    .filter((e) => !got.includes(e.getAttribute('data-kb')!)).slice(0, 5).map((e) => e.outerHTML.slice(0, 80)), [...reached]);
  expect(missed, `${name}: not reached by Tab`).toEqual([]);
}

for (const [locale, zh] of [['zh-CN', true], ['en-GB', false]] as const) {
  test.describe(locale, () => {
    test.use({ locale, viewport: { width: 1280, height: 800 } });

    test(`three bands, the engineers, search and keys (${locale})`, async ({ page }) => {
      await deskLogIn(page);
      // The demo: a missed clock needs the desk now; 吴磊's install waits in the queue; the
      // rest is out with engineers.
      const now = page.getByTestId('band-now');
      await expect(now.locator('[data-testid=clock].missed').first()).toContainText(zh ? '已超时' : 'overdue');
      await expect(now.locator('[data-testid=clock].missed').first()).toContainText('⚠');
      await expect(page.getByTestId('band-queue').getByTestId('board-row').filter({ hasText: '吴磊' })).toHaveCount(1);
      await expect(page.getByTestId('band-out').getByTestId('board-row').first()).toBeVisible();
      // The renewal nobody was home for: the desk decides; the IPTV repair: escalated.
      await expect(now.locator('[data-testid=concern][data-kind=could_not_complete]')).toContainText(zh ? '无法完成' : 'Could not complete');
      await expect(now.locator('[data-testid=concern][data-kind=escalated]')).toContainText('厂家');
      // Where the engineers are: 李雷 on site (the IPTV job), and how many jobs each holds.
      await expect(page.locator('[data-testid=engineer][data-login="li.lei"]')).toHaveAttribute('data-state', 'on_site');
      await expect(page.locator('[data-testid=engineer][data-login="li.lei"]')).toContainText(zh ? '在现场' : 'On site');
      await axe(page, 'board');

      // Search by a phone number as the customer says it, with spaces: one row.
      await page.keyboard.press('/');
      await expect(page.locator('#board-search')).toBeFocused();
      await page.keyboard.type('138 5799 1024');
      await expect(page.getByTestId('board-row')).toHaveCount(1);
      await expect(page.getByTestId('board-row')).toContainText('吴磊');
      // j to the row, Enter to open it.
      await page.locator('#board-search').blur();
      await page.keyboard.press('j');
      await expect(page.getByTestId('board-row').locator('th a')).toBeFocused();
      await page.keyboard.press('Enter');
      await expect(page.getByTestId('job-title')).toContainText('吴磊');
      // n: a new work order.
      await page.keyboard.press('n');
      await expect(page).toHaveURL(/\/desk\/new$/);
    });

    test(`a contact about to be missed calls once: a tone and a notification (${locale})`, async ({ page, context, request }) => {
      await context.grantPermissions(['notifications']);
      await page.addInitScript(() => {
        const w = window as any;
        w.__notified = [];
        w.__tones = 0;
        w.Notification = class {
          static permission = 'granted';
          static requestPermission() { return Promise.resolve('granted'); }
          constructor(title: string, options?: { body?: string, tag?: string }) { w.__notified.push({ title, body: options?.body, tag: options?.tag }); }
        };
        const Real = w.AudioContext;
        w.AudioContext = class extends Real { createOscillator() { w.__tones++; return super.createOscillator(); } };
      });
      const customer = `提醒 ${zh ? 'zh' : 'en'} ${Date.now() % 1_000_000}`;
      await dispatch(request, 'repair', customer, 'li.lei');
      const notified = () => page.evaluate((c) => (window as any).__notified.filter((n: { title: string }) => n.title === c), customer);
      // Five minutes after dispatch: nothing calls yet.
      await page.clock.install({ time: Date.now() + 5 * 60_000 });
      await deskLogIn(page);
      await expect(page.getByTestId('alerts')).toHaveAttribute('data-permission', 'granted');
      await expect(page.getByTestId('band-out').getByTestId('board-row').filter({ hasText: customer })).toHaveCount(1);
      expect(await notified()).toEqual([]);
      // Nine minutes: the contact is about to be missed. One notification, one tone.
      await page.clock.fastForward(4 * 60_000);
      await expect.poll(notified).toHaveLength(1);
      expect((await notified())[0].body).toBe(zh ? '即将超过10分钟未联系用户' : 'Contact due within minutes');
      expect(await page.evaluate(() => (window as any).__tones)).toBeGreaterThan(0);
      // Still due soon a minute on: not called again.
      await page.clock.fastForward(30_000);
      await page.waitForTimeout(1_500);
      expect(await notified()).toHaveLength(1);
      // Eleven minutes: the chain's next step calls once more.
      await page.clock.fastForward(90_000);
      await expect.poll(notified).toHaveLength(2);
      expect((await notified())[1].body).toBe(zh ? '超过10分钟未联系用户：请通知经理' : 'No contact after 10 minutes: tell the manager');
    });

    test(`an escalation stays until the desk says how it was dealt with (${locale})`, async ({ page, request }) => {
      const customer = `升级 ${zh ? 'zh' : 'en'} ${Date.now() % 1_000_000}`;
      const id = await dispatch(request, 'repair', customer, 'li.lei');
      await push(request, 'li.lei', id, [
        { type: 'customer_contacted' }, { type: 'departed' }, { type: 'arrived' },
        { type: 'escalated', to: 'senior', reason: '主板故障，需高级工程师' },
      ]);
      await deskLogIn(page);
      const row = page.getByTestId('band-now').getByTestId('board-row').filter({ hasText: customer });
      await expect(row.getByTestId('concern')).toContainText('主板故障，需高级工程师');
      await row.getByTestId('handled-form').getByRole('button').click();
      await expect(page.getByRole('alert')).toContainText(zh ? '请写明如何处理的' : 'Say how it was dealt with');
      await row.getByTestId('handled-form').locator('input').fill('已安排赵强明早带主板上门');
      await row.getByTestId('handled-form').getByRole('button').click();
      // Off the "now" band, out with its engineer again, within the long poll's second or two.
      await expect(page.getByTestId('band-out').getByTestId('board-row').filter({ hasText: customer })).toHaveCount(1);
      await expect(row).toHaveCount(0);
      await page.goto(`/desk/jobs/${id}`);
      await expect(page.locator('[data-testid=desk-entry][data-action=handled]')).toContainText('已安排赵强明早带主板上门');
    });

    test(`a complex report gives the desk 24 hours (${locale})`, async ({ page }) => {
      await deskLogIn(page);
      await page.getByRole('link', { name: zh ? '新建工单' : 'New work order' }).click();
      const form = page.getByTestId('intake');
      const customer = `复杂 ${zh ? 'zh' : 'en'} ${Date.now() % 1_000_000}`;
      await form.locator('#phone').fill('13912345678');
      await form.locator('#customer').fill(customer);
      await form.locator('#contact').fill('郑工');
      await form.locator('#address').fill('上海市浦东新区张江路 88 号');
      await form.locator('#fault').fill('核心交换机间歇丢包，需抓包分析');
      // A report time in the future is refused, in words.
      await form.locator('#reported').fill('2099-01-01T09:00');
      await form.locator('#complex').check();
      await form.getByRole('button', { name: zh ? '建单' : 'Open the order' }).click();
      await expect(page.getByRole('alert')).toContainText(zh ? '报修时间须是已过去的时间' : 'The report time must be in the past');
      await form.locator('#reported').fill('');
      await form.getByRole('button', { name: zh ? '建单' : 'Open the order' }).click();
      await expect(page.getByRole('status')).toContainText(customer);
      await page.getByRole('link', { name: zh ? '工单看板' : 'Board' }).click();
      const row = page.getByTestId('band-queue').getByTestId('board-row').filter({ hasText: customer });
      await expect(row).toContainText(zh ? '复杂问题' : 'Complex');
      await expect(row.getByTestId('clock')).toContainText(zh ? '服务台响应' : "Desk's answer");
      await expect(row.getByTestId('clock')).toContainText(zh ? /剩余 2[34]小时/ : /2[34] h \d+ min left/);
    });

    test(`the job page: steps, parts, ratings, and print (${locale})`, async ({ page, request }) => {
      const desk = await token(request, 'desk');
      const jobs = await (await request.get('/api/v1/jobs?status=completed', { headers: { Authorization: `Bearer ${desk}` } })).json();
      // The demo's laptop repair: signed off, with a part (other tests sign jobs off too).
      const signed = jobs.find((j: any) => j.report.sign_off && j.report.parts.some((p: any) => p.part === 'RAM-8G-DDR4'));
      expect(signed, 'the demo has its laptop repair').toBeTruthy();
      await deskLogIn(page);
      await page.goto(`/desk/jobs/${signed.job.id}`);
      await expect(page.locator('[data-testid=job-step]')).toHaveCount(signed.report.steps.length);
      await expect(page.locator('[data-testid=job-step][data-state=open]')).toHaveCount(0);
      await expect(page.getByTestId('job-part')).toContainText('RAM-8G-DDR4 × 1');
      await expect(page.getByTestId('ratings')).toContainText('5 / 5 / 5');
      await expect(page.getByTestId('job-result')).toContainText('更换 8GB 内存条');
      await page.evaluate(() => { (window as any).printed = 0; window.print = () => { (window as any).printed++; }; });
      await page.getByTestId('print').click();
      expect(await page.evaluate(() => (window as any).printed)).toBe(1);
      // Printed, the page is the work order alone: no menu, no forms, no buttons.
      await page.emulateMedia({ media: 'print' });
      await expect(page.locator('.top-bar')).toBeHidden();
      await expect(page.getByTestId('print')).toBeHidden();
      await expect(page.getByTestId('job-sign-off')).toBeVisible();
      await axe(page, 'job, printed');
    });
  });
}

test.describe('by keyboard alone', () => {
  test.use({ locale: 'zh-CN', viewport: { width: 1280, height: 800 } });

  test('every control of every console page is reached by Tab', async ({ page, request }) => {
    await deskLogIn(page);
    await expect(page.getByTestId('board-row').first()).toBeVisible();
    await everyControlByKeyboard(page, 'board');
    const id = await dispatch(request, 'repair', `键盘 ${Date.now() % 1_000_000}`, 'li.lei');
    await page.goto(`/desk/jobs/${id}`);
    await expect(page.getByTestId('desk-actions')).toBeVisible();
    await everyControlByKeyboard(page, 'job');
    await page.goto('/desk/new');
    await expect(page.getByTestId('intake')).toBeVisible();
    await everyControlByKeyboard(page, 'new work order');
    await page.goto('/desk/assessment');
    await expect(page.getByTestId('score').first()).toBeVisible();
    await everyControlByKeyboard(page, 'assessment');
    await page.getByRole('button', { name: '退出登录' }).click();
    await deskLogIn(page, 'admin', /\/desk\/accounts$/);
    await expect(page.getByTestId('new-account')).toBeVisible();
    await everyControlByKeyboard(page, 'accounts');
  });
});

test.describe('a 768 px tablet', () => {
  test.use({ locale: 'zh-CN', viewport: { width: 768, height: 1024 } });

  test('every console page fits: nothing wider than the screen, nothing hidden', async ({ page, request }) => {
    await deskLogIn(page);
    await expect(page.getByTestId('board-row').first()).toBeVisible();
    await fits(page, 'board');
    await expect(page.getByTestId('people')).toBeVisible();
    await axe(page, 'board at 768');
    const id = await dispatch(request, 'repair', `平板 ${Date.now() % 1_000_000}`, 'li.lei');
    await page.goto(`/desk/jobs/${id}`);
    await expect(page.getByTestId('desk-actions')).toBeVisible();
    await fits(page, 'job');
    await page.goto('/desk/new');
    await expect(page.getByTestId('intake')).toBeVisible();
    await fits(page, 'new work order');
    await page.goto('/desk/assessment');
    await expect(page.getByTestId('score').first()).toBeVisible();
    await fits(page, 'assessment');
    await page.getByRole('button', { name: '退出登录' }).click();
    await deskLogIn(page, 'admin', /\/desk\/accounts$/);
    await expect(page.getByTestId('new-account')).toBeVisible();
    await fits(page, 'accounts');
  });
});
