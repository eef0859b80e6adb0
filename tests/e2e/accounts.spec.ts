// Accounts on the phone (issue 16, part 1): an engineer whose password an admin set chooses
// their own before anything else; a service desk account is told to use the console; a
// disabled account is told so. In both languages, against the real server.
import { test, expect, Page } from '@playwright/test';
import { PASSWORD, dispatch, token } from './helpers';

async function fillLogIn(page: Page, login: string, password: string) {
  await page.goto('/login');
  await page.locator('#login').fill(login);
  await page.locator('#password').fill(password);
  await page.locator('form button[type=submit]').click();
}

for (const [locale, zh] of [['zh-CN', true], ['en-GB', false]] as const) {
  test.describe(locale, () => {
    test.use({ locale });

    test(`an engineer an admin created chooses a password at the first log-in, then works (${locale})`, async ({ page, request }) => {
      const admin = await token(request, 'admin');
      const login = `e2e.${zh ? 'zh' : 'en'}.${Date.now() % 1_000_000}`;
      const res = await request.post('/api/v1/accounts', {
        headers: { Authorization: `Bearer ${admin}` },
        data: { login, name: '周敏', roles: ['engineer'], password: 'initial-2026', area: '浦东站', duties: ['repair'] },
      });
      expect(res.status()).toBe(201);
      await dispatch(request, 'repair', `新账号 ${login}`, login);

      await fillLogIn(page, login, 'initial-2026');
      const form = page.getByTestId('change-password');
      await expect(form).toContainText(zh ? '密码由管理员设置' : 'An admin set this password');
      // Nothing is stored until the password is the engineer's own.
      expect(await page.evaluate(() => localStorage.getItem('onsite.v1.session'))).toBeNull();
      await page.locator('#new-password').fill('my-own-2026');
      await page.locator('#repeat-password').fill('my-own-2027');
      await form.locator('button[type=submit]').click();
      await expect(page.getByRole('alert')).toHaveText(zh ? '两次输入的新密码不一致' : 'The two new passwords differ');
      await page.locator('#new-password').fill('short');
      await page.locator('#repeat-password').fill('short');
      await form.locator('button[type=submit]').click();
      await expect(page.getByRole('alert')).toHaveText(zh ? '密码至少 8 位' : 'A password has at least 8 characters');
      await page.locator('#new-password').fill('my-own-2026');
      await page.locator('#repeat-password').fill('my-own-2026');
      await form.locator('button[type=submit]').click();
      await expect(page).toHaveURL(/\/$/);
      await expect(page.getByTestId('job-card').filter({ hasText: `新账号 ${login}` })).toBeVisible();
      const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('onsite.v1.session')!));
      expect(stored.must_change_password ?? false).toBe(false);
      // The new password is the one that logs in now.
      const again = await request.post('/api/v1/auth/login', { data: { login, password: 'my-own-2026' } });
      expect(again.status()).toBe(200);
    });

    test(`a service desk account is sent to the desk console, logged in, and the phone keeps nothing (${locale})`, async ({ page }) => {
      await fillLogIn(page, 'desk', PASSWORD);
      await expect(page).toHaveURL(/\/desk\/?$/);
      await expect(page.getByTestId('who')).toContainText('服务台');
      expect(await page.evaluate(() => localStorage.getItem('onsite.v1.session'))).toBeNull();
    });

    test(`a disabled account is told so (${locale})`, async ({ page, request }) => {
      const admin = await token(request, 'admin');
      const login = `gone.${zh ? 'zh' : 'en'}.${Date.now() % 1_000_000}`;
      const headers = { Authorization: `Bearer ${admin}` };
      await request.post('/api/v1/accounts', { headers, data: { login, name: '离职', roles: ['engineer'], password: 'initial-2026' } });
      const off = await request.put(`/api/v1/accounts/${login}/disabled`, { headers, data: { disabled: true, reason: '离职' } });
      expect(off.status()).toBe(200);
      await fillLogIn(page, login, 'initial-2026');
      await expect(page.getByRole('alert')).toHaveText(zh ? /此账号已被停用/ : /This account is disabled/);
      expect(await page.evaluate(() => localStorage.getItem('onsite.v1.session'))).toBeNull();
    });
  });
}
