// A tour of every page at 360 px, in Simplified Chinese and in English, one full-page PNG
// each, into target/screenshots/ (`cargo xtask screenshots`). Not a test of behaviour: the
// end-to-end suite does that; this is for people to look at.
import { test, expect, Page } from '@playwright/test';
import { PASSWORD, dispatch, tickAllSteps } from '../e2e/helpers';

const OUT = 'target/screenshots';

for (const [locale, tag] of [['zh-CN', 'zh-CN'], ['en-GB', 'en']] as const) {
  test.describe(`in ${locale}`, () => {
    test.use({ locale });

    test(`every page (${tag})`, async ({ page, request }) => {
      let n = 0;
      const shot = async (name: string) => {
        n += 1;
        await page.evaluate(async () => {
          await document.fonts.ready;
          window.scrollTo(0, 0); // fixed and sticky bars where they are at the top of the page
        });
        await page.screenshot({ path: `${OUT}/${tag}-${String(n).padStart(2, '0')}-${name}.png`, fullPage: true });
      };
      const customer = locale === 'zh-CN' ? '张伟' : 'Zhang Wei';
      const jobId = await dispatch(request, 'repair', `${customer} ${Date.now() % 10000}`, 'li.lei');

      await page.goto('/login');
      await expect(page.locator('#login')).toBeVisible();
      await shot('login');

      await page.locator('#login').fill('li.lei');
      await page.locator('#password').fill(PASSWORD);
      await page.locator('form button[type=submit]').click();
      await expect(page.getByTestId('job-card').first()).toBeVisible();
      await shot('jobs');

      await page.goto(`/jobs/${jobId}`);
      await expect(page.getByTestId('job-status')).toBeVisible();
      await shot('job-assigned');

      await page.locator('[data-action=contact]').click();
      await page.locator('[data-action=arrive]').click();
      await expect(page.getByTestId('job-status')).toHaveAttribute('data-status', 'on_site');
      await shot('job-on-site');

      await tickAllSteps(page);
      await page.locator('[data-action=sign-off]').click();
      await expect(page.getByTestId('signature-pad')).toBeVisible();
      await page.locator('#result').fill(locale === 'zh-CN' ? '更换光猫，测速 500M 正常' : 'Replaced the ONT; 500 Mbps speed test');
      await page.locator('#signer').fill(customer);
      await signature(page);
      for (const id of ['rate-speed', 'rate-attitude', 'rate-result']) await page.locator(`[data-rating=${id}] [data-value="5"]`).click();
      await shot('sign-off');

      await page.getByTestId('submit-sign-off').click();
      await expect(page.getByTestId('report-hash')).toBeVisible();
      await shot('report');

      await page.goto('/no/such/page');
      await shot('not-found');
    });
  });
}

/** A short signature drawn with the mouse. */
async function signature(page: Page) {
  const box = (await page.getByTestId('signature-pad').boundingBox())!;
  const points = [[20, 70], [45, 40], [60, 85], [85, 45], [110, 90], [140, 50], [175, 80], [210, 60]];
  await page.mouse.move(box.x + points[0][0], box.y + points[0][1]);
  await page.mouse.down();
  for (const [x, y] of points.slice(1)) await page.mouse.move(box.x + x, box.y + y, { steps: 4 });
  await page.mouse.up();
}
