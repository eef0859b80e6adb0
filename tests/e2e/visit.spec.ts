// Full visits on a 360×740 phone, offline from arrival to sign-off: the code of conduct and the
// technical steps, parts from the van, notes, escalation, the customer's signature drawn with
// pointer events (mouse in one, touch in the other), ratings; then sync, and read the report
// back from the server; and print the report to PDF.
import { test, expect, Page, CDPSession } from '@playwright/test';
import { logIn, dispatch, jobDetail, pendingCount, syncNow, shellCached, storedEventIds, storedJob, tickAllSteps, openJob, act } from './helpers';
import * as fs from 'fs';

async function openNewJob(page: Page, customer: string) {
  await openJob(page, customer);
  await expect(page.getByTestId('job-status')).toHaveAttribute('data-status', 'assigned');
}

async function doAllSteps(page: Page, skip: { id: string; reason: string } | null) {
  // Recording is asynchronous: the steps show once the arrival is stored.
  await expect(page.getByTestId('job-status')).toHaveAttribute('data-status', 'on_site');
  await expect(page.locator('[data-step]').first()).toBeVisible();
  if (skip) {
    await page.locator(`[data-step-skip="${skip.id}"]`).click();
    await page.locator('#skip-reason').fill(skip.reason);
    await page.locator('.step-list form button[type=submit]').click();
    await expect(page.locator(`[data-step="${skip.id}"]`)).toHaveAttribute('data-state', 'settled');
  }
  await tickAllSteps(page);
  await expect(page.locator('[data-step][data-state=open]')).toHaveCount(0);
}

/** The van count shown for a part in the picker ("… · 车上库存 3"). */
async function vanCount(page: Page, sku: string): Promise<number> {
  const text = await page.locator(`#part-select option[value="${sku}"]`).textContent();
  const m = text!.match(/(-?\d+)\D*$/);
  return Number(m![1]);
}

async function usePart(page: Page, pick: 'serialised' | 'bulk', qty: number, serial?: string) {
  const skus = await page.locator('#part-select option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value).filter(Boolean));
  expect(skus.length).toBeGreaterThan(0);
  for (const sku of skus) {
    await page.locator('#part-select').selectOption(sku);
    const serialised = await page.locator('#part-serial').isVisible();
    if ((pick === 'serialised') === serialised) {
      const before = await vanCount(page, sku);
      await page.locator('#part-qty').fill(String(qty));
      if (serialised) await page.locator('#part-serial').fill(serial!);
      page.once('dialog', (d) => d.accept()); // only asked if the van is short
      await page.getByTestId('use-part').click();
      await expect.poll(() => vanCount(page, sku)).toBe(before - qty);
      await expect(page.locator(`.part-lines [data-part="${sku}"]`)).toBeVisible();
      return sku;
    }
  }
  throw new Error(`no ${pick} part in the catalogue`);
}

async function drawWithMouse(page: Page) {
  const box = (await page.getByTestId('signature-pad').boundingBox())!;
  const path = [[0.1, 0.6], [0.2, 0.3], [0.3, 0.7], [0.45, 0.35], [0.6, 0.65], [0.8, 0.4]];
  await page.mouse.move(box.x + box.width * path[0][0], box.y + box.height * path[0][1]);
  await page.mouse.down();
  for (const [x, y] of path.slice(1)) await page.mouse.move(box.x + box.width * x, box.y + box.height * y, { steps: 6 });
  await page.mouse.up();
}

async function drawWithTouch(page: Page, cdp: CDPSession) {
  const box = (await page.getByTestId('signature-pad').boundingBox())!;
  const at = (x: number, y: number) => [{ x: box.x + box.width * x, y: box.y + box.height * y, id: 1 }];
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: at(0.15, 0.5) });
  for (let i = 1; i <= 20; i++) {
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: at(0.15 + i * 0.035, 0.5 + 0.25 * Math.sin(i / 2)) });
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
}

/** How much ink the canvas holds (non-transparent pixels): the drawing must not vanish. */
async function inkPixels(page: Page): Promise<number> {
  return page.getByTestId('signature-pad').evaluate((c) => {
    const canvas = c as HTMLCanvasElement;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
    return n;
  });
}

async function signOff(page: Page, draw: () => Promise<void>) {
  await page.locator('[data-action=sign-off]').click();
  await expect(page).toHaveURL(/\/sign-off$/);
  await page.locator('#result').fill('已处理完毕，测速 950M');
  await page.locator('#signer').fill('陈晓明');
  // The pad is under the summary of the work: the customer scrolls to it, then signs.
  await page.getByTestId('signature-pad').scrollIntoViewIfNeeded();
  const scrollBefore = await page.evaluate(() => window.scrollY);
  await draw();
  expect(await page.evaluate(() => window.scrollY)).toBe(scrollBefore); // drawing never scrolls
  const ink = await inkPixels(page);
  expect(ink).toBeGreaterThan(50); // still there after the finger lifted
  // Redrawn from state on resize: the ink survives a size change.
  await page.setViewportSize({ width: 400, height: 740 });
  await expect.poll(() => inkPixels(page)).toBeGreaterThan(50);
  await page.setViewportSize({ width: 360, height: 740 });
  // Clear and redo.
  await page.getByTestId('clear-signature').click();
  await expect.poll(() => inkPixels(page)).toBe(0);
  await draw();
  for (const id of ['rate-speed', 'rate-attitude', 'rate-result']) {
    await page.locator(`[data-rating=${id}] [data-value="5"]`).click();
  }
  await page.locator(`[data-rating=rate-result] [data-value="4"]`).click();
  await page.getByTestId('submit-sign-off').click();
  await expect(page).toHaveURL(/\/report$/);
  await expect(page.getByTestId('report-status')).toHaveAttribute('data-status', 'completed');
}

async function checkReportAndServer(page: Page, request: any, jobId: string, name: string, expectParts: number) {
  const hash = (await page.getByTestId('report-hash').textContent())!.trim();
  expect(hash).toMatch(/^[0-9a-f]{8}$/);
  const d = await page.getByTestId('signature-svg').locator('path').getAttribute('d');
  expect(d).toMatch(/^M\d+ \d+l/);
  await expect(page.getByTestId('report-part')).toHaveCount(expectParts);

  // The bytes this completed job with its signature takes in localStorage.
  const held = await storedJob(page, jobId);
  const bytes = (held.key.length + held.text.length) * 2;
  console.log(`[figure] ${name}: localStorage bytes for the completed job with signature: ${bytes}`);

  // Still there after a reload with no network.
  await page.reload();
  await expect(page.getByTestId('report-hash')).toHaveText(hash);

  // Print to A4 PDF.
  const pdf = await page.pdf({ format: 'A4', printBackground: false });
  expect(pdf.subarray(0, 4).toString()).toBe('%PDF');
  fs.mkdirSync('target/playwright', { recursive: true });
  fs.writeFileSync(`target/playwright/report-${name}.pdf`, pdf);
  console.log(`[figure] ${name}: report PDF ${pdf.length} bytes`);

  const localIds = await storedEventIds(page, jobId);
  await page.context().setOffline(false);
  await syncNow(page);
  await expect.poll(() => pendingCount(page), { timeout: 30_000 }).toBe(0);

  const detail = await jobDetail(request, jobId);
  const serverIds = detail.events.map((e: any) => e.id);
  expect(serverIds.length).toBe(new Set(serverIds).size);
  expect([...serverIds].sort()).toEqual([...localIds].sort());
  expect(detail.status).toBe('completed');
  expect(detail.report.sign_off.verification.verdict).toBe('intact');
  expect(detail.report.sign_off.short_hash).toBe(hash);
  expect(detail.report.sign_off.signer).toBe('陈晓明');
  expect(detail.report.sign_off.ratings).toEqual({ speed: 5, attitude: 5, result: 4 });
  expect(detail.report.steps.every((s: any) => s.state.state !== 'open')).toBe(true);
  expect(detail.report.parts.length).toBe(expectParts);
  return detail;
}

test('a full repair visit, offline from arrival to sign-off, drawn with a mouse', async ({ page, context, request }) => {
  const customer = `维修客户 ${Date.now()}`;
  const jobId = await dispatch(request, 'repair', customer);
  await logIn(page, 'wang.fang');
  await shellCached(page);
  await openNewJob(page, customer);

  await page.locator('[data-action=contact]').click();
  await page.locator('[data-action=depart]').click();
  await context.setOffline(true);
  await page.locator('[data-action=arrive]').click();
  await expect(page.getByTestId('job-status')).toHaveAttribute('data-status', 'on_site');

  // Finishing is refused while required steps are open.
  await page.locator('[data-action=sign-off]').click();
  await expect(page.getByRole('alert').first()).toContainText(/还有 \d+ 项未完成|left before finishing/);
  await expect(page).not.toHaveURL(/sign-off/);

  await doAllSteps(page, { id: 'shoe_covers', reason: '用户说不用穿鞋套' });
  await usePart(page, 'serialised', 1, 'HWTC12345678');
  await act(page, 'escalate');
  await page.getByLabel(/厂家|Vendor/).check();
  await page.locator('#words').fill('光猫固件需厂家远程升级');
  await page.getByTestId('save-words').click();
  await act(page, 'note');
  await page.locator('#words').fill('用户要求下周回访');
  await page.getByTestId('save-words').click();

  await signOff(page, () => drawWithMouse(page));
  const detail = await checkReportAndServer(page, request, jobId, 'repair', 1);
  expect(detail.report.escalations).toHaveLength(1);
  expect(detail.report.escalations[0].to).toBe('vendor');
  expect(detail.report.steps.find((s: any) => s.step.id === 'shoe_covers').state.state).toBe('skipped');
  expect(detail.report.parts[0].serials).toEqual(['HWTC12345678']);
});

test('a full install visit, offline from arrival to sign-off, drawn with touch', async ({ page, context, request }) => {
  const customer = `新装客户 ${Date.now()}`;
  const jobId = await dispatch(request, 'install', customer);
  await logIn(page, 'wang.fang');
  await shellCached(page);
  await openNewJob(page, customer);

  await page.locator('[data-action=contact]').click();
  await context.setOffline(true);
  await page.locator('[data-action=depart]').click();
  await page.locator('[data-action=arrive]').click();
  await doAllSteps(page, null);
  await usePart(page, 'serialised', 1, 'ZTEG98765432');
  await usePart(page, 'bulk', 2);

  const cdp = await context.newCDPSession(page);
  await signOff(page, () => drawWithTouch(page, cdp));
  const detail = await checkReportAndServer(page, request, jobId, 'install', 2);
  const finish = detail.report.sla.find((l: any) => l.deadline.kind === 'finish');
  expect(finish.state.state).toBe('met');
});
