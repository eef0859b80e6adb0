// axe-core on every page, in both languages: no violations.
import { test, expect, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { PASSWORD, dispatch, tickAllSteps } from './helpers';

async function axe(page: Page, name: string) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  const summary = results.violations.map((v) => `${v.id} (${v.nodes.length}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(' | ')}`);
  expect(summary, name).toEqual([]);
}

for (const locale of ['zh-CN', 'en-GB']) {
  test.describe(`in ${locale}`, () => {
    test.use({ locale });

    test(`every page has no axe violations (${locale})`, async ({ page, request }) => {
      const customer = `无障碍 ${locale} ${Date.now()}`;
      const jobId = await dispatch(request, 'renewal', customer, 'li.lei');
      await page.goto('/login');
      await expect(page.locator('#login')).toBeVisible();
      await axe(page, 'login');

      await page.locator('#login').fill('li.lei');
      await page.locator('#password').fill(PASSWORD);
      await page.locator('form button[type=submit]').click();
      await expect(page.getByTestId('job-card').filter({ hasText: customer })).toBeVisible();
      await axe(page, 'jobs');

      await page.goto(`/jobs/${jobId}`);
      await page.locator('[data-action=contact]').click();
      await page.locator('[data-action=arrive]').click();
      await expect(page.getByTestId('job-status')).toHaveAttribute('data-status', 'on_site');
      await axe(page, 'job (on site: steps, parts, fee)');

      await tickAllSteps(page);
      await page.locator('#fee-amount').fill('128');
      await page.locator('#fee-receipt').fill('R-001');
      await page.locator('.fees form button[type=submit]').click();
      await page.locator('[data-action=sign-off]').click();
      await expect(page.getByTestId('signature-pad')).toBeVisible();
      await axe(page, 'sign-off');

      await page.locator('#signer').fill('Li Na');
      const box = (await page.getByTestId('signature-pad').boundingBox())!;
      await page.mouse.move(box.x + 20, box.y + 40);
      await page.mouse.down();
      await page.mouse.move(box.x + 120, box.y + 90, { steps: 5 });
      await page.mouse.up();
      for (const id of ['rate-speed', 'rate-attitude', 'rate-result']) await page.locator(`[data-rating=${id}] [data-value="5"]`).click();
      await page.getByTestId('submit-sign-off').click();
      await expect(page.getByTestId('report-hash')).toBeVisible();
      await axe(page, 'report');

      await page.goto('/no/such/page');
      await axe(page, 'not found');
    });
  });
}
