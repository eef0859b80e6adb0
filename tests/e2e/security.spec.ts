// The server under attack, seen from the phone: the app works under its own strict
// Content-Security-Policy, and a password list meets a wait the engineer can read.
import { test, expect } from '@playwright/test';
import { tourEveryPage } from './helpers';

test('a whole visit runs under the Content-Security-Policy with no violation', async ({ page, request }) => {
  const violations: string[] = [];
  await page.addInitScript(() => {
    (window as any).__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as any).__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
  });
  const first = await request.get('/');
  const csp = first.headers()['content-security-policy'] ?? '';
  expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval' 'sha256-");
  expect(csp).not.toContain('unsafe-inline');
  expect(first.headers()['x-content-type-options']).toBe('nosniff');

  await tourEveryPage(page, request, 'zh-CN', async () => {
    violations.push(...await page.evaluate(() => (window as any).__csp.splice(0) as string[]));
  });
  // The service worker took the app: a reload from its cache runs under the policy too.
  await page.reload();
  await expect(page.locator('body')).toContainText(/Onsite/);
  violations.push(...await page.evaluate(() => (window as any).__csp.splice(0) as string[]));
  expect(violations).toEqual([]);
});

for (const [locale, wait] of [['zh-CN', /密码错误次数过多，请 \d+ 秒后再试/], ['en', /Too many wrong passwords: try again in \d+ s/]] as const) {
  test(`too many wrong passwords say how long to wait (${locale})`, async ({ browser }) => {
    const context = await browser.newContext({ locale });
    const page = await context.newPage();
    await page.goto('/login');
    // An account nobody has: no engineer's log-in is slowed by this test.
    const login = `nobody.${locale}.${Date.now()}`;
    await page.getByLabel(/账号|Username/).fill(login);
    await page.getByLabel(/密码|Password/).fill('wrong');
    const submit = page.locator('form button[type=submit]');
    for (let i = 0; i < 5; i++) {
      await submit.click();
      await expect(page.getByRole('alert')).toHaveText(/账号或密码错误|Wrong username or password/);
      await expect(submit).toBeEnabled();
    }
    await submit.click();
    await expect(page.getByRole('alert')).toHaveText(wait);
    await context.close();
  });
}
