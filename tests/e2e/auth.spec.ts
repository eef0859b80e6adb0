// Access tokens are short-lived; the app renews them with the refresh token, so an engineer
// whose access token is stale (offline for days, or refused by the server) syncs without
// logging in again, and nothing pending is lost.
import { test, expect } from '@playwright/test';
import { logIn, pendingCount, syncNow, act } from './helpers';

test('a refused access token is renewed with the refresh token and the outbox syncs', async ({ page }) => {
  await logIn(page, 'li.lei');
  await page.route('**/api/v1/sync/push', (route) => route.abort());
  await page.getByTestId('job-card').first().click();
  await act(page, 'note');
  await page.locator('#words').fill('令牌过期前的记录');
  await page.getByTestId('save-words').click();
  await expect.poll(() => pendingCount(page)).toBe(1);

  // The stored access token goes bad (the server no longer knows it).
  const before = await page.evaluate(() => {
    const s = JSON.parse(localStorage.getItem('onsite.v1.session')!);
    s.token = 'f'.repeat(64);
    localStorage.setItem('onsite.v1.session', JSON.stringify(s));
    return s.refresh_token as string;
  });
  expect(before).toBeTruthy();
  await page.unroute('**/api/v1/sync/push');
  await page.reload();
  await syncNow(page);
  await expect.poll(() => pendingCount(page), { timeout: 30_000 }).toBe(0);

  const after = await page.evaluate(() => JSON.parse(localStorage.getItem('onsite.v1.session')!));
  expect(after.token).not.toBe('f'.repeat(64));
  expect(after.refresh_token).not.toBe(before); // rotated
  await expect(page.getByText(/登录已过期|login has expired/)).toHaveCount(0);
});

test('an access token past its expiry is renewed before syncing', async ({ page }) => {
  await logIn(page, 'li.lei');
  const before = await page.evaluate(() => {
    const s = JSON.parse(localStorage.getItem('onsite.v1.session')!);
    s.expires_at = '2020-01-01T00:00:00Z';
    localStorage.setItem('onsite.v1.session', JSON.stringify(s));
    return s.token as string;
  });
  await page.reload();
  await syncNow(page);
  await expect.poll(() => page.evaluate(() => JSON.parse(localStorage.getItem('onsite.v1.session')!).token)).not.toBe(before);
  const after = await page.evaluate(() => JSON.parse(localStorage.getItem('onsite.v1.session')!));
  expect(new Date(after.expires_at).getTime()).toBeGreaterThan(Date.now());
});
