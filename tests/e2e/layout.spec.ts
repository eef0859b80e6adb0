// The phone layout on every page, at 360×640 (the smallest screen the app supports), in both
// languages and both colour schemes: nothing wider than the screen, every tap target at least
// 48×48 px, no text under 12 px, the colour scheme followed, and enough contrast in it. And a
// job at 360×740 in every status: its header (kind, customer, address, the most urgent
// deadline) and its next step on screen without scrolling, and no message over anything.
import { test, expect, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { PASSWORD, act, dispatch, tickAllSteps, tourEveryPage } from './helpers';

/** What on the page breaks the phone layout, worded for the failure message. */
async function layoutProblems(page: Page): Promise<string[]> {
  await page.evaluate(() => document.fonts.ready);
  return page.evaluate(() => {
    const problems: string[] = [];
    const name = (e: Element) => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\s+/).join('.') : ''} "${(e.textContent ?? '').trim().slice(0, 30)}"`;
    const shown = (e: Element) => {
      const r = e.getBoundingClientRect();
      const s = getComputedStyle(e);
      return r.width > 0 && r.height > 0 && s.visibility !== 'hidden';
    };
    const width = document.documentElement.scrollWidth;
    if (width > window.innerWidth) problems.push(`the page is ${width} px wide on a ${window.innerWidth} px screen`);
    // Tap targets: a checkbox or radio counts by the label that wraps it.
    const targets = document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, [role=button], summary');
    for (const t of targets) {
      const box = (t.matches('input[type=checkbox], input[type=radio]') && t.closest('label')) || t;
      if (!shown(box)) continue;
      const r = box.getBoundingClientRect();
      if (r.width < 47.5 || r.height < 47.5) problems.push(`tap target ${Math.round(r.width)}×${Math.round(r.height)} px: ${name(t)}`);
    }
    // Text: every element with text of its own.
    for (const e of document.querySelectorAll('body *')) {
      const own = [...e.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? '').trim() !== '');
      if (!own || !shown(e)) continue;
      const size = parseFloat(getComputedStyle(e).fontSize);
      if (size < 12) problems.push(`text at ${size} px: ${name(e)}`);
    }
    return problems;
  });
}

/** The relative luminance (0 black, 1 white) of the page's background. */
async function backgroundLuminance(page: Page): Promise<number> {
  return page.evaluate(() => {
    const [r, g, b] = getComputedStyle(document.body).backgroundColor.match(/[\d.]+/g)!.map(Number).map((c) => {
      const s = c / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  });
}

for (const colorScheme of ['light', 'dark'] as const) {
  for (const locale of ['zh-CN', 'en-GB']) {
    test.describe(`${colorScheme}, ${locale}`, () => {
      test.use({ colorScheme, locale, viewport: { width: 360, height: 640 } });

      test(`every page fits a 360×640 phone (${colorScheme}, ${locale})`, async ({ page, request }) => {
        await tourEveryPage(page, request, locale, async (name) => {
          expect(await layoutProblems(page), name).toEqual([]);
          const lum = await backgroundLuminance(page);
          if (colorScheme === 'dark') expect(lum, `${name}: a dark background`).toBeLessThan(0.1);
          else expect(lum, `${name}: a light background`).toBeGreaterThan(0.8);
          const contrast = await new AxeBuilder({ page }).withRules(['color-contrast']).analyze();
          expect(contrast.violations.flatMap((v) => v.nodes.map((n) => n.target.join(' '))), `${name}: contrast`).toEqual([]);
        });
      });
    });
  }
}

/** Which of these elements are not wholly on screen, or are covered where a thumb would tap. */
async function hidden(page: Page, selectors: string[]): Promise<string[]> {
  return page.evaluate((selectors) => selectors.filter((sel) => {
    const e = document.querySelector(sel);
    if (!e) return true;
    const r = e.getBoundingClientRect();
    if (r.width === 0 || r.top < 0 || r.bottom > window.innerHeight) return true;
    const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return !(top && (top === e || e.contains(top)));
  }), selectors);
}

/** Interactive elements a message lies over (a confirmation must cover nothing). */
async function coveredByMessages(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const e of document.querySelectorAll('main a[href], main button, main input, main textarea')) {
      const r = e.getBoundingClientRect();
      if (r.width === 0 || r.bottom < 0 || r.top > window.innerHeight) continue;
      const top = document.elementFromPoint(r.left + r.width / 2, Math.max(0, r.top + r.height / 2));
      if (top?.closest('.notice, [role=status]') && !e.contains(top)) out.push((e.textContent ?? '').trim().slice(0, 30));
    }
    return out;
  });
}

for (const locale of ['zh-CN', 'en-GB']) {
  test.describe(`a job at 360×740, ${locale}`, () => {
    test.use({ locale, viewport: { width: 360, height: 740 } });

    test(`the job's header and its next step show without scrolling, in every status (${locale})`, async ({ page, request }) => {
      const head = ['.job-head .kind', '.job-head h1', '.address-line', '[data-testid=job-status]'];
      const check = async (status: string, extra: string[] = []) => {
        await expect(page.getByTestId('job-status')).toHaveAttribute('data-status', status);
        await page.evaluate(() => window.scrollTo(0, 0));
        const pressing = (await page.getByTestId('job-pressing').count()) > 0 ? ['[data-testid=job-pressing]'] : [];
        expect(await hidden(page, [...head, ...pressing, ...extra, '.action-bar .next-actions > button']), status).toEqual([]);
        expect(await coveredByMessages(page), `${status}: under a message`).toEqual([]);
      };
      const repair = await dispatch(request, 'repair', `${locale} 布局 ${Date.now() % 100000}`, 'li.lei');
      const inspection = await dispatch(request, 'inspection', `${locale} 巡检 ${Date.now() % 100000}`, 'li.lei');
      await page.goto('/login');
      await page.locator('#login').fill('li.lei');
      await page.locator('#password').fill(PASSWORD);
      await page.locator('form button[type=submit]').click();
      await expect(page).toHaveURL(/\/$/);

      await page.goto(`/jobs/${repair}`);
      await check('assigned');
      await page.locator('[data-action=contact]').click();
      await check('contacted');
      await page.locator('[data-action=depart]').click();
      await check('en_route');
      await page.locator('[data-action=arrive]').click();
      await check('on_site');
      await act(page, 'could-not-complete');
      await page.locator('#words').fill(locale === 'zh-CN' ? '用户不在家' : 'Nobody home');
      await page.getByTestId('save-words').click();
      await check('could_not_complete', ['[data-testid=view-report]']);

      await page.goto(`/jobs/${inspection}`);
      await page.locator('[data-action=contact]').click();
      await page.locator('[data-action=arrive]').click();
      await expect(page.getByTestId('job-status')).toHaveAttribute('data-status', 'on_site');
      await tickAllSteps(page);
      await page.locator('[data-action=complete]').click();
      await page.locator('#words').fill(locale === 'zh-CN' ? '设备正常' : 'All in order');
      await page.getByTestId('save-words').click();
      await check('completed', ['[data-testid=view-report]']);
    });
  });
}
