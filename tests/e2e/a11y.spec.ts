// axe-core on every page, in both languages: no violations.
import { test, expect, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { tourEveryPage } from './helpers';

async function axe(page: Page, name: string) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  const summary = results.violations.map((v) => `${v.id} (${v.nodes.length}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(' | ')}`);
  expect(summary, name).toEqual([]);
}

for (const locale of ['zh-CN', 'en-GB']) {
  test.describe(`in ${locale}`, () => {
    test.use({ locale });

    test(`every page has no axe violations (${locale})`, async ({ page, request }) => {
      await tourEveryPage(page, request, locale, (name) => axe(page, name));
    });
  });
}
