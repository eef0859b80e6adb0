// The desk and the phone together (issue 16), in real browsers against the real server, in both
// languages: an admin creates an engineer; the desk (1280×800) takes a phoned-in repair,
// sees the customer's earlier jobs as the phone number is typed, and dispatches it; the
// engineer's phone (a second browser context, 360×740, open and online) shows it within 5 s
// with no sync tapped; the board shows that the phone received it, then the contact and the
// arrival, each within seconds of the phone's push (the long poll, not a 5 s refresh); the
// desk moves the appointment and writes a note, both in the job's desk log; it sends the senior
// engineer alongside, whose phone (a third context) has the job within 5 s; a job the desk
// cancels leaves the phone within 5 s; the visit ends with the customer's sign-off and the desk
// reads it with the seal verified, the job gone from the board.
import { test, expect, Page, Browser } from '@playwright/test';
import { dispatch, drawSignature, tickAllSteps, token } from './helpers';

async function deskLogIn(page: Page, login: string, lands = /\/desk\/?$/) {
  await page.goto('/desk/login');
  await page.locator('#login').fill(login);
  await page.locator('#password').fill('onsite-demo');
  await page.locator('form button[type=submit]').click();
  await expect(page).toHaveURL(lands);
}

async function phone(browser: Browser, locale: string, login: string, first: string, own: string) {
  const context = await browser.newContext({ locale, viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  await page.goto('/login');
  await page.locator('#login').fill(login);
  await page.locator('#password').fill(first);
  await page.locator('form button[type=submit]').click();
  await page.locator('#new-password').fill(own);
  await page.locator('#repeat-password').fill(own);
  await page.getByTestId('change-password').locator('button[type=submit]').click();
  await expect(page).toHaveURL(/\/$/);
  return { context, page };
}

for (const [locale, zh] of [['zh-CN', true], ['en-GB', false]] as const) {
  test.describe(locale, () => {
    test.use({ locale, viewport: { width: 1280, height: 800 } });

    test(`a phoned-in repair from intake to the engineer's phone and back to the board (${locale})`, async ({ page, browser, request }) => {
      test.setTimeout(150_000);
      const tag = `${zh ? 'zh' : 'en'}${Date.now() % 1_000_000}`;
      const login = `story.${tag}`;

      // The admin creates the engineer, in the console.
      await deskLogIn(page, 'admin', /\/desk\/accounts$/);
      const form = page.getByTestId('new-account');
      await form.locator('#new-login').fill(login);
      await form.locator('#new-name').fill('赵工');
      await form.locator('#new-password').fill('initial-2026');
      await form.getByRole('checkbox', { name: zh ? '报修' : 'Repair', exact: true }).check();
      await form.getByRole('button').click();
      await expect(page.getByRole('status')).toContainText(login);
      await page.getByRole('button', { name: zh ? '退出登录' : 'Log out' }).click();

      // The engineer's phone is open, online, with nothing on it yet.
      const engineer = await phone(browser, locale, login, 'initial-2026', 'story-own-2026');
      const customer = `电话报修 ${tag}`;
      // The customer called before: an earlier job on the same number (spaces aside).
      const number = `139${String(Date.now() % 100_000_000).padStart(8, '0')}`;
      const desk = await token(request, 'desk');
      const earlier = await request.post('/api/v1/jobs', {
        headers: { Authorization: `Bearer ${desk}` },
        data: { kind: 'install', priority: 'normal', customer, contact: customer, phone: number.replace(/(\d{3})(\d{4})(\d{4})/, '$1 $2 $3'),
          address: '上海市徐汇区漕溪北路 88 号', fault: '新装 500M', remote_fix: '已电话指导' },
      });
      expect(earlier.status()).toBe(201);

      // The desk takes the call.
      await deskLogIn(page, 'desk');
      await page.getByRole('link', { name: zh ? '新建工单' : 'New work order' }).click();
      const intake = page.getByTestId('intake');
      await intake.locator('#channel').selectOption('phone');
      await intake.locator('#customer').fill(customer);
      await intake.locator('#contact').fill('孙女士');
      await intake.locator('#phone').fill(number);
      await expect(page.getByTestId('earlier-job')).toHaveCount(1);
      await expect(page.getByTestId('earlier-job')).toContainText(zh ? '电话/远程已解决' : 'Solved by phone or remotely');
      await intake.locator('#address').fill('上海市徐汇区漕溪北路 88 号');
      await intake.locator('#fault').fill('光猫 LOS 红灯，无法上网');
      await intake.locator('#assignee').selectOption(login);
      await intake.getByRole('button', { name: zh ? '建单' : 'Open the order' }).click();
      await expect(page.getByRole('status')).toContainText(customer);

      // The phone has it within 5 s, nothing tapped.
      const card = engineer.page.getByTestId('job-card').filter({ hasText: customer });
      await expect(card).toBeVisible({ timeout: 5_000 });

      // The board: received by the phone, then each step of the visit as the phone pushes it.
      await page.getByRole('link', { name: zh ? '工单看板' : 'Board' }).click();
      const row = page.getByTestId('board-row').filter({ hasText: customer });
      await expect(row).toHaveAttribute('data-received', 'true');
      await expect(row).toContainText(zh ? '已接收' : 'Received');
      await card.click();
      await engineer.page.locator('[data-action=contact]').click();
      // The phone sends 0.8 s after the last tap; the board shows it within 2 s of the push.
      await expect(row).toHaveAttribute('data-status', 'contacted', { timeout: 3_000 });
      await engineer.page.locator('[data-action=depart]').click();
      await engineer.page.locator('[data-action=arrive]').click();
      await expect(row).toHaveAttribute('data-status', 'on_site', { timeout: 3_000 });

      // The job page: the engineers to re-dispatch to, ranked, each with where they are now
      // (the one it is with is not offered); a new appointment and a note, each in the desk's
      // log with who did it.
      await row.locator('th a').click();
      const actions = page.getByTestId('desk-actions');
      const offered = actions.locator('#assign-to option[data-state]');
      await expect(offered).not.toHaveCount(0);
      await expect(actions.locator(`#assign-to option[value="${login}"]`)).toHaveCount(0);
      await expect(actions.locator('#assign-to option[value="zhao.qiang"]')).toContainText(zh ? '在手' : 'open');
      await actions.locator('#appt-start').fill('2030-01-02T14:00');
      await actions.locator('#appt-end').fill('2030-01-02T16:00');
      await actions.getByTestId('appointment-form').getByRole('button').click();
      await expect(page.getByRole('alert')).toHaveText(zh ? /请写明原因/ : /Say why/);
      await actions.locator('#appt-why').fill('用户改约下午');
      await actions.getByTestId('appointment-form').getByRole('button').click();
      await expect(page.locator('[data-testid=desk-entry][data-action=appointment]')).toContainText('用户改约下午');
      await actions.locator('#desk-note').fill('用户来电催单');
      await actions.getByTestId('note-form').getByRole('button', { name: zh ? '添加备注' : 'Add the note' }).click();
      await expect(page.locator('[data-testid=desk-entry][data-action=note]')).toContainText('用户来电催单');
      await expect(page.locator('[data-testid=desk-entry][data-action=dispatch]')).toContainText(login);

      // The engineer is stuck: the desk sends the senior engineer alongside (a second person,
      // not a replacement); his phone, open and online, has the job within 5 s.
      const seniorContext = await browser.newContext({ locale, viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
      const senior = await seniorContext.newPage();
      await senior.goto('/login');
      await senior.locator('#login').fill('zhao.qiang');
      await senior.locator('#password').fill('onsite-demo');
      await senior.locator('form button[type=submit]').click();
      await expect(senior).toHaveURL(/\/$/);
      await actions.locator('#alongside-engineer').selectOption('zhao.qiang');
      await actions.getByTestId('alongside-form').getByRole('button').click();
      await expect(page.getByRole('alert')).toHaveText(zh ? /请写明原因/ : /Say why/);
      await actions.locator('#alongside-why').fill('光猫反复掉线，需高级工程师协助');
      await actions.getByTestId('alongside-form').getByRole('button').click();
      await expect(page.locator('[data-testid=desk-entry][data-action=alongside]')).toContainText('zhao.qiang');
      await expect(senior.getByTestId('job-card').filter({ hasText: customer })).toBeVisible({ timeout: 5_000 });
      // The job is still the engineer's: the board names both.
      await page.getByRole('link', { name: zh ? '工单看板' : 'Board', exact: true }).click();
      await expect(row.getByTestId('alongside')).toContainText('赵强');
      await row.locator('th a').click();
      await expect(page.locator('[data-testid=desk-entry]').first()).toHaveAttribute('data-action', 'open');

      // A second job, cancelled by the desk: it leaves the phone within 5 s.
      const gone = `撤单 ${tag}`;
      const goneId = await dispatch(request, 'repair', gone, login);
      const goneCard = engineer.page.getByTestId('job-card').filter({ hasText: gone });
      await engineer.page.goto('/');
      await expect(goneCard).toBeVisible({ timeout: 5_000 });
      await page.goto(`/desk/jobs/${goneId}`);
      await page.locator('#cancel-why').fill('用户已自行恢复');
      await page.getByTestId('cancel-form').getByRole('button').click();
      await expect(page.getByTestId('job-closed')).toHaveAttribute('data-how', 'cancelled');
      await expect(page.getByTestId('cancel-form')).toHaveCount(0);
      await expect(goneCard).toHaveCount(0, { timeout: 5_000 });

      // The visit ends with the customer's sign-off on the engineer's phone; the desk opens the
      // whole visit with the seal verified, and the job has left the board.
      const storyId = await page.evaluate(async (c) => {
        const s = JSON.parse(localStorage.getItem('onsite.desk.session')!);
        const b = await (await fetch('/api/v1/board', { headers: { Authorization: `Bearer ${s.token}` } })).json();
        return b.rows.find((r: { customer: string }) => r.customer === c).id as string;
      }, customer);
      await engineer.page.goto('/');
      await engineer.page.getByTestId('job-card').filter({ hasText: customer }).click();
      await tickAllSteps(engineer.page);
      await engineer.page.locator('[data-action=sign-off]').click();
      await engineer.page.locator('#result').fill('更换光猫，测速正常');
      await engineer.page.locator('#signer').fill('孙女士');
      await drawSignature(engineer.page);
      for (const id of ['rate-speed', 'rate-attitude', 'rate-result']) {
        await engineer.page.locator(`[data-rating=${id}] [data-value="5"]`).click();
      }
      await engineer.page.getByTestId('submit-sign-off').click();
      await expect(engineer.page).toHaveURL(/\/report$/);
      await page.goto(`/desk/jobs/${storyId}`);
      await expect(page.getByTestId('job-status')).toHaveAttribute('data-status', 'completed', { timeout: 5_000 });
      await expect(page.getByTestId('seal')).toHaveAttribute('data-intact', 'true');
      await expect(page.getByTestId('job-sign-off')).toContainText('孙女士');
      await page.goto('/desk/');
      await expect(page.getByTestId('board-row').first()).toBeVisible();
      await expect(page.locator(`[data-testid=board-row][data-job="${storyId}"]`)).toHaveCount(0);
      await engineer.context.close();
      await seniorContext.close();
    });
  });
}
