// A first visit, as on a phone with a weak signal: the static shell of index.html is painted
// before the app's code is asked for, the screen is never blank between the shell and the app's
// first page, and code that cannot be loaded is said so on the shell (not "Opening…" for ever).
import { test, expect, type Page } from '@playwright/test';
import { shellCached } from './helpers';

/** Looks at what each frame is about to show, just before it is painted, from the first that
 *  shows the shell or the page (before that the document may still be arriving) until the page
 *  shows. */
async function watchFrames(page: Page) {
  await page.addInitScript(() => {
    const frames: string[] = [];
    (window as any).__frames = frames;
    const look = () => {
      const shell = document.getElementById('shell') !== null;
      const page = document.querySelector<HTMLElement>('main .page');
      const shown = page !== null && page.offsetParent !== null;
      if (shell || shown || frames.length > 0) {
        frames.push(shell && shown ? 'both' : shell ? 'shell' : shown ? 'page' : 'blank');
      }
      if (!shown) requestAnimationFrame(look);
    };
    requestAnimationFrame(look);
  });
}

/** The frames seen: the shell (if the app was not already there at the first), then the page;
 *  never neither, nor both. Returns them. */
async function expectShellThenPage(page: Page): Promise<string[]> {
  await expect(page.locator('#login')).toBeVisible();
  const frames: string[] = await page.evaluate(() => (window as any).__frames);
  expect(frames.at(-1)).toBe('page');
  expect(frames.filter((f) => f !== 'shell' && f !== 'page'), `frames: ${frames.join(' ')}`).toEqual([]);
  return frames;
}

test('a first visit paints the shell before it asks for the code, and opens the login page', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('#login')).toBeVisible();
  expect(new URL(page.url()).pathname).toBe('/login');
  const t = await page.evaluate(() => {
    const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null;
    const resources = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
    const start = (ext: string) => resources.find((r) => new URL(r.name).pathname.endsWith(ext))?.startTime ?? null;
    return { fcp, wasm: start('.wasm'), js: start('.js') };
  });
  expect(t.fcp, 'the shell was painted').not.toBeNull();
  expect(t.wasm, 'the wasm was fetched').not.toBeNull();
  expect(t.js, 'the JS was fetched').not.toBeNull();
  expect(t.wasm!, 'the wasm is asked for after the first paint').toBeGreaterThan(t.fcp!);
  expect(t.js!, 'the JS is asked for after the first paint').toBeGreaterThan(t.fcp!);
});

test('the screen is never blank, nor doubled, between the shell and the first page', async ({ page }) => {
  await watchFrames(page);
  await page.goto('/');
  const frames = await expectShellThenPage(page);
  expect(frames[0], 'the shell is painted first').toBe('shell');
});

// Here the app may mount before the first frame: it starts in one task from code on the phone.
test('a start from the service worker goes from the shell to the page in one step too', async ({ page }) => {
  await page.goto('/');
  await shellCached(page);
  await watchFrames(page);
  await page.reload();
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null), 'served by the service worker').toBe(true);
  await expectShellThenPage(page);
});

test('a first visit that cannot load the code says so on the shell', async ({ page }) => {
  await page.route(/\.wasm$/, (route) => route.abort('internetdisconnected'));
  await page.goto('/');
  await expect(page.locator('#shell p')).toHaveText(/无法打开.*Could not open/);
  await expect(page.locator('#shell main')).toHaveAttribute('aria-busy', 'false');
});
