// A tour of every page at 360 px, in Simplified Chinese and in English, one full-page PNG
// each, into target/screenshots/ (`cargo xtask screenshots`). Not a test of behaviour: the
// end-to-end suite does that; this is for people to look at.
import { test } from '@playwright/test';
import { tourEveryPage } from '../e2e/helpers';

const OUT = 'target/screenshots';

for (const [locale, tag] of [['zh-CN', 'zh-CN'], ['en-GB', 'en']] as const) {
  test.describe(`in ${locale}`, () => {
    test.use({ locale });

    test(`every page (${tag})`, async ({ page, request }) => {
      let n = 0;
      await tourEveryPage(page, request, locale, async (name) => {
        n += 1;
        await page.evaluate(async () => {
          await document.fonts.ready;
          window.scrollTo(0, 0); // fixed and sticky bars where they are at the top of the page
        });
        await page.screenshot({ path: `${OUT}/${tag}-${String(n).padStart(2, '0')}-${name}.png`, fullPage: true });
      });
    });
  });
}
