// The phone figures, in one browser session against the real release server (demo data):
// storage of completed jobs, warm start offline, job list render and action latency (sync end to
// end is sync.mjs). "Phone" = 360×740, CDP Emulation.setCPUThrottlingRate 4×. Set-up steps (logging in,
// the real visit through the UI) run unthrottled; every measured step runs at 4×.
import fs from 'node:fs';
import {
  URL_BASE, outDir, launch, phone, figure, detail, median, percentile, ms, uuid, login, logInThroughUi, dispatch, api,
} from './common.mjs';

const JOBS = 500;
const RELOADS = 10;
const TAPS = 20;
const out = outDir();

const browser = await launch();
const { context, page, cdp, rate } = await phone(browser);
await rate(1);

// Timestamps taken in the page, relative to its navigation start (performance.now()):
// `cardInDom` when a MutationObserver first sees a job card, `cardPainted` at the next
// animation frame after it is laid out with a size (visible), `allCards` when the count of
// cards reaches sessionStorage['bench.want'] (the frame after).
await context.addInitScript(() => {
  const b = (window.__bench = {});
  const want = Number(sessionStorage.getItem('bench.want') || 0);
  const check = () => {
    const now = performance.now();
    const first = document.querySelector('[data-testid=job-card]');
    if (first && !b.cardInDom) b.cardInDom = now;
    if (first && !b.cardPainted && first.getBoundingClientRect().height > 0) {
      requestAnimationFrame(() => { b.cardPainted ??= performance.now(); });
    }
    if (want && !b.allInDom && document.querySelectorAll('[data-testid=job-card]').length >= want) {
      b.allInDom = now;
      requestAnimationFrame(() => { b.allCards ??= performance.now(); });
    }
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true });
});

async function pending() {
  return Number(await page.getByTestId('sync-summary').getAttribute('data-pending'));
}
async function waitPending(n, timeout = 120_000) {
  await page.waitForSelector(`[data-testid=sync-summary][data-pending="${n}"]`, { timeout });
}
async function syncNow() {
  await page.getByRole('button', { name: /立即同步|Sync now/ }).click();
}
const jobKeys = () => page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('onsite.v1.job.')));
// Where each job is stored: live (`onsite.v1.job.<id>`) or on the shelf of settled jobs
// (`onsite.v1.archive.<finish ms>.<id>`, src/storage.rs); every key of each (two while a job is
// being moved), none for a job not held.
const keysOf = (ids) => page.evaluate((ids) => {
  const byId = new Map();
  for (const k of Object.keys(localStorage)) {
    const id = k.startsWith('onsite.v1.job.') ? k.slice(14) : k.startsWith('onsite.v1.archive.') ? k.slice(k.lastIndexOf('.') + 1) : null;
    if (id) byId.set(id, [...(byId.get(id) ?? []), k]);
  }
  return ids.map((id) => byId.get(id) ?? []);
}, ids);

// ---- log in, with the service worker holding the shell ----------------------------------
const desk = await login('desk');
const realCustomer = `基准维修 ${Date.now()}`;
const realId = await dispatch(desk, realCustomer);
await logInThroughUi(page, 'wang.fang');
await page.waitForFunction(async () => (await caches.keys()).some((k) => k.startsWith('onsite-shell-')));

// ---- one real completed repair job with a signature, through the UI ---------------------
await syncNow();
await page.getByTestId('job-card').filter({ hasText: realCustomer }).click();
await page.waitForSelector('[data-testid=job-status][data-status=assigned]');
await page.locator('[data-action=contact]').click();
await page.locator('[data-action=depart]').click();
await page.locator('[data-action=arrive]').click();
await page.waitForSelector('[data-testid=job-status][data-status=on_site]');
await page.locator('[data-step-skip="shoe_covers"]').click();
await page.locator('#skip-reason').fill('用户说不用穿鞋套');
await page.locator('.step-list form button[type=submit]').click();
// One step at a time, each shown done before the next tap (recording is asynchronous).
for (let n = await page.locator('[data-step-done]').count(); n > 0; n = await page.locator('[data-step-done]').count()) {
  await page.locator('[data-step-done]').first().click();
  await page.waitForFunction((left) => document.querySelectorAll('[data-step-done]').length < left, n);
}
{
  const skus = await page.locator('#part-select option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
  for (const sku of skus) {
    await page.locator('#part-select').selectOption(sku);
    if (await page.locator('#part-serial').isVisible()) {
      await page.locator('#part-qty').fill('1');
      await page.locator('#part-serial').fill('HWTC12345678');
      page.once('dialog', (d) => d.accept());
      await page.getByTestId('use-part').click();
      await page.locator(`.part-lines [data-part="${sku}"]`).waitFor();
      break;
    }
  }
}
if (!(await page.locator('.action-bar [data-action=escalate]').isVisible())) await page.locator('[data-action=more]').click();
await page.locator('.action-bar [data-action=escalate]').click();
await page.getByLabel(/厂家|Vendor/).check();
await page.locator('#words').fill('光猫固件需厂家远程升级');
await page.getByTestId('save-words').click();
if (!(await page.locator('.action-bar [data-action=note]').isVisible())) await page.locator('[data-action=more]').click();
await page.locator('.action-bar [data-action=note]').click();
await page.locator('#words').fill('用户要求下周回访');
await page.getByTestId('save-words').click();
await page.locator('[data-action=sign-off]').click();
await page.waitForURL(/\/sign-off$/);
await page.locator('#result').fill('已处理完毕，测速 950M');
await page.locator('#signer').fill('陈晓明');
{
  await page.getByTestId('signature-pad').scrollIntoViewIfNeeded();
  const box = await page.getByTestId('signature-pad').boundingBox();
  const path = [[0.1, 0.6], [0.2, 0.3], [0.3, 0.7], [0.45, 0.35], [0.6, 0.65], [0.8, 0.4]];
  await page.mouse.move(box.x + box.width * path[0][0], box.y + box.height * path[0][1]);
  await page.mouse.down();
  for (const [x, y] of path.slice(1)) await page.mouse.move(box.x + box.width * x, box.y + box.height * y, { steps: 6 });
  await page.mouse.up();
}
for (const id of ['rate-speed', 'rate-attitude', 'rate-result']) await page.locator(`[data-rating=${id}] [data-value="5"]`).click();
await page.getByTestId('submit-sign-off').click();
await page.waitForURL(/\/report$/);
await syncNow();
await waitPending(0);
const realJson = await page.evaluate((k) => localStorage.getItem(k), (await keysOf([realId]))[0][0]);
const real = JSON.parse(realJson);
fs.writeFileSync(`${out}/completed-job.json`, JSON.stringify(real, null, 2));

// Where the bytes of that job go (UTF-16: 2 bytes a character). The job is in the phone's
// storage format 2 (`onsite_core::stored`): `{v, job, rev, t0, d: [devices], e: [[id, device,
// seq, ms after t0, type, fields, sync], ...]}`.
{
  const b = (s) => s.length * 2;
  const key = `onsite.v1.job.${realId}`;
  detail(`one completed repair job with signature (storage format ${real.v}): ${real.e.length} events, ${b(key) + b(realJson)} bytes (key ${b(key)}, value ${b(realJson)})`);
  const events = real.e.reduce((s, e) => s + b(JSON.stringify(e)) + 2, 0);
  detail(`  header (job): ${b(JSON.stringify(real.job))} bytes; devices: ${b(JSON.stringify(real.d))} bytes; events: ${events} bytes; rest: ${b(realJson) - b(JSON.stringify(real.job)) - b(JSON.stringify(real.d)) - events} bytes`);
  const byType = {};
  let ids = 0, sync = 0, times = 0, kinds = 0;
  for (const e of real.e) {
    const t = e[4];
    const whole = b(JSON.stringify(e));
    (byType[t] ??= { n: 0, bytes: 0 });
    byType[t].n++; byType[t].bytes += whole;
    ids += b(JSON.stringify(e[0]));
    times += b(`${e[1]},${e[2]},${JSON.stringify(e[3])}`);
    kinds += b(JSON.stringify(e[4])) + b(JSON.stringify(e[5]));
    sync += b(JSON.stringify(e[6]));
  }
  detail(`  events: ids ${ids}, device+seq+time ${times}, kind and payload ${kinds}, sync state ${sync}`);
  for (const [t, v] of Object.entries(byType).sort((a, c) => c[1].bytes - a[1].bytes)) detail(`  ${t} ×${v.n}: ${v.bytes} bytes`);
  const so = real.e.find((e) => e[4] === 'signed_off');
  if (so) detail(`  signed_off's signature strokes: ${b(JSON.stringify(so[5].signature))} bytes; covers+hash: ${b(JSON.stringify(so[5].covers ?? '')) + b(JSON.stringify(so[5].hash ?? ''))} bytes`);
}

/** Stores copies of a stored job (format 2) under new ids (job id, event ids). Returns the ids. */
async function storeCopies(template, n, mutate = null) {
  return page.evaluate(({ template, n, mutate }) => {
    const ids = [];
    for (let i = 0; i < n; i++) {
      const j = structuredClone(template);
      const id = crypto.randomUUID();
      j.job.id = id;
      if (mutate) j.job.customer = `${mutate} ${i + 1}`;
      for (const e of j.e) {
        // A fresh event id in the format's 22 characters of base64url.
        const bytes = crypto.getRandomValues(new Uint8Array(16));
        e[0] = btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
      }
      try {
        localStorage.setItem(`onsite.v1.job.${id}`, JSON.stringify(j));
      } catch (e) {
        return { ids, error: String(e) };
      }
      ids.push(id);
    }
    return { ids };
  }, { template, n, mutate });
}
const bytesOf = async (ids) => page.evaluate((keys) => keys.flat().reduce((s, k) => s + (k.length + localStorage.getItem(k).length) * 2, 0), await keysOf(ids));
const removeJobs = async (ids) => page.evaluate((keys) => { for (const k of keys.flat()) localStorage.removeItem(k); }, await keysOf(ids));
const heldOf = async (ids) => (await keysOf(ids)).map((k, i) => (k.length ? ids[i] : null)).filter(Boolean);

// ---- warm start offline from the service worker -------------------------------------------
await page.goto('/');
await page.getByTestId('job-card').first().waitFor();
await context.setOffline(true);
await rate(4);
{
  const times = [], html = [], wasm = [];
  for (let i = 0; i < RELOADS; i++) {
    await page.reload();
    await page.waitForFunction(() => window.__bench.cardPainted);
    const t = await page.evaluate(() => ({
      card: window.__bench.cardPainted,
      html: performance.getEntriesByType('navigation')[0]?.responseEnd ?? 0,
      wasm: performance.getEntriesByType('resource').find((r) => r.name.endsWith('.wasm'))?.responseEnd ?? 0,
    }));
    times.push(t.card); html.push(t.html); wasm.push(t.wasm);
  }
  const cards = await page.getByTestId('job-card').count();
  detail(`warm start: ${RELOADS} reloads offline with ${cards} jobs stored: ${times.map((t) => t.toFixed(0)).join(', ')} ms; medians: HTML from the SW at ${ms(median(html))}, .wasm from the SW at ${ms(median(wasm))}, first card at ${ms(median(times))}`);
  const m = median(times);
  figure(`warm start offline (SW), median of ${RELOADS}`, ms(m), '≤ 300 ms', m <= 300);
}
await rate(1);

// ---- storage: 500 completed jobs with signatures ------------------------------------------
{
  const fifty = await storeCopies(real, 50);
  const b50 = await bytesOf(fifty.ids);
  const mb = (x) => `${(x / 1e6).toFixed(2)} MB`;
  figure('storage: 500 completed jobs (50 stored ×10)', `${mb(b50 * 10)} (${(b50 / 50 / 1000).toFixed(1)} KB/job)`, '≤ 2.5 MB', b50 * 10 <= 2.5e6);
  const rest = await storeCopies(real, 450);
  const all = [...fifty.ids, ...rest.ids];
  if (rest.error) {
    figure('storage: 500 completed jobs (all stored)', `only ${all.length} fit: ${rest.error}`, '≤ 2.5 MB', false);
  } else {
    const b500 = await bytesOf(all);
    figure('storage: 500 completed jobs (all stored)', mb(b500), '≤ 2.5 MB', b500 <= 2.5e6);
  }
  detail(`storage counted as UTF-16, (key length + value length) × 2, as Chromium counts its quota; the whole origin now holds ${mb(await page.evaluate(() => Object.keys(localStorage).reduce((s, k) => s + (k.length + localStorage.getItem(k).length) * 2, 0)))}`);
  await removeJobs(all);
}

// ---- 500 jobs: list render and action latency ---------------------------------------------
// Clones of the real job's header, each with one acknowledged `customer_contacted` event (so
// "arrived" is offered), from another device so this device's sequence numbers stay its own.
const contacted = real.e.find((e) => e[4] === 'customer_contacted');
const template = { ...real, d: [uuid()], e: [[contacted[0], 0, 1, contacted[3], contacted[4], contacted[5], contacted[6]]] };
const { ids: many } = await storeCopies(template, JOBS, '基准客户');
const stored = (await jobKeys()).length;
{
  await page.evaluate((n) => sessionStorage.setItem('bench.want', String(n)), stored);
  await rate(4);
  const all = [], first = [];
  for (let i = 0; i < 3; i++) {
    await page.goto('/');
    await page.waitForFunction(() => window.__bench.allCards, null, { timeout: 120_000 });
    const b = await page.evaluate(() => window.__bench);
    all.push(b.allCards); first.push(b.cardPainted ?? b.allCards);
  }
  await rate(1);
  await page.evaluate(() => sessionStorage.removeItem('bench.want'));
  detail(`job list with ${stored} jobs (${JOBS} generated): navigation start → all cards in the DOM, next frame: ${all.map((t) => t.toFixed(0)).join(', ')} ms; first card painted: ${first.map((t) => t.toFixed(0)).join(', ')} ms`);
  figure(`job list render, ${stored} jobs (all cards in DOM), median of 3`, ms(median(all)), '', null);
}
{
  const lat = [], shownT = [], storedT = [], lockedT = [], storedMarkT = [];
  for (const id of many.slice(0, TAPS)) {
    await rate(1);
    await page.goto(`/jobs/${id}`);
    await page.waitForSelector('[data-testid=job-status][data-status=contacted]');
    await page.locator('[data-action=arrive]').waitFor();
    await rate(4);
    const r = await page.evaluate((id) => new Promise((resolve, reject) => {
      const key = `onsite.v1.job.${id}`;
      const btn = document.querySelector('[data-action=arrive]');
      let t0 = 0, shown = 0, saved = 0, done = false;
      const check = () => {
        if (done) return;
        const now = performance.now();
        if (!shown && document.querySelector('[data-testid=job-status]')?.getAttribute('data-status') === 'on_site') shown = now;
        if (!saved && localStorage.getItem(key)?.includes('"arrived",{}')) saved = now;
        if (shown && saved) {
          done = true; mo.disconnect();
          // The app's User Timing marks (src/state.rs): the write lock held, the job stored.
          const at = (name) => (performance.getEntriesByName(name).filter((e) => e.startTime >= t0)[0]?.startTime ?? NaN) - t0;
          resolve({ total: Math.max(shown, saved) - t0, shown: shown - t0, saved: saved - t0, locked: at('onsite:record:locked'), storedMark: at('onsite:record:stored') });
        } else requestAnimationFrame(check);
      };
      const mo = new MutationObserver(check);
      mo.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
      setTimeout(() => { if (!done) reject(new Error('arrive not shown and stored within 10 s')); }, 10_000);
      t0 = performance.now();
      btn.click();
      check();
    }), id);
    lat.push(r.total); shownT.push(r.shown); storedT.push(r.saved); lockedT.push(r.locked); storedMarkT.push(r.storedMark);
  }
  await rate(1);
  detail(`action latency (${TAPS} taps, ${stored} jobs stored): total ${lat.map((t) => t.toFixed(1)).join(', ')} ms; stored at p50 ${ms(median(storedT))}, shown at p50 ${ms(median(shownT))}; inside the app (p50): write lock held at ${ms(median(lockedT))}, job stored at ${ms(median(storedMarkT))} after the click`);
  figure(`action latency "arrived": p50 (${TAPS} taps, ${JOBS} jobs)`, ms(median(lat)), '', null);
  figure(`action latency "arrived": p95 (${TAPS} taps, ${JOBS} jobs)`, ms(percentile(lat, 95)), '≤ 16 ms', percentile(lat, 95) <= 16);
}
await removeJobs(many);

// ---- a year of history (issue 20) -----------------------------------------------------------
// Copies of the real finished, synced job, the i-th finished i × 365 / n days ago (every time in
// it, the server's receive times included, moved back), stored live (`onsite.v1.job.`), as the
// app before the shelf left them, until n or the quota.
const storeYear = (n) => page.evaluate(({ template, n }) => {
  const ids = [];
  for (let i = 0; i < n; i++) {
    const j = structuredClone(template);
    const id = crypto.randomUUID();
    j.job.id = id;
    j.t0 -= Math.round(((i * 365) / n + 0.01) * 86_400_000);
    for (const e of j.e) {
      const bytes = crypto.getRandomValues(new Uint8Array(16));
      e[0] = btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    }
    try { localStorage.setItem(`onsite.v1.job.${id}`, JSON.stringify(j)); } catch { return { ids, full: true }; }
    ids.push(id);
  }
  return { ids, full: false };
}, { template: real, n });
const setRetention = (days) => page.evaluate((days) => {
  const s = JSON.parse(localStorage.getItem('onsite.v1.settings') ?? '{"company":""}');
  localStorage.setItem('onsite.v1.settings', JSON.stringify({ ...s, retention_days: days }));
}, days);
/** Starts offline at 4×, `n` times; the first card painted of each. */
async function starts(n) {
  await context.setOffline(true);
  await rate(4);
  const t = [];
  for (let i = 0; i < n; i++) {
    await page.goto('/');
    await page.waitForFunction(() => window.__bench.cardPainted);
    t.push(await page.evaluate(() => window.__bench.cardPainted));
    // Let the start's pruning and archiving finish before the next start.
    await page.waitForTimeout(Number(process.env.BENCH_SETTLE_MS ?? 1500));
    const keys = await page.evaluate(() => Object.keys(localStorage));
    detail(`  start ${i + 1}: ${t[i].toFixed(0)} ms; then ${keys.filter((k) => k.startsWith('onsite.v1.job.')).length} live, ${keys.filter((k) => k.startsWith('onsite.v1.archive.')).length} archived`);
  }
  await rate(1);
  await context.setOffline(false);
  return t;
}
const mb = (x) => `${(x / 1e6).toFixed(2)} MB`;
const shelved = () => page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('onsite.v1.archive.')).length);
{
  // A year as the app keeps it: 1,400 jobs (under the 70 % warning, so storage is not short),
  // kept 400 days. The first start moves them to the shelf (reading each once); the starts after
  // read none of them.
  await setRetention(400);
  const year = await storeYear(1400);
  const before = await bytesOf(year.ids);
  const t = await starts(4);
  const onShelf = await shelved();
  detail(`a year on the shelf: ${year.ids.length} finished jobs, ${mb(before)}, kept 400 days; starts offline at 4× (first card painted): ${t.map((x) => x.toFixed(0)).join(', ')} ms (the first reads and archives them all: ${onShelf} on the shelf after it)`);
  figure(`warm start with a year on the shelf (${onShelf} settled jobs held), median of the 3 after the first`, ms(median(t.slice(1))), '≤ 300 ms', median(t.slice(1)) <= 300);
  figure(`first start after an update, ${year.ids.length} jobs stored live by the app before the shelf (once)`, ms(t[0]), '', null);
  // The done group still lists them all, a page at a time.
  const total = await page.evaluate(() => Number(document.querySelector('[data-group=done] .count')?.textContent));
  detail(`done group count shown: ${total}; cards rendered: ${await page.locator('[data-group=done] [data-testid=job-card]').count()}`);
  // The deployment sets 30 days: the next start lets the old go by their keys alone.
  await setRetention(30);
  const t30 = await starts(2);
  // (The start after one that removed a thousand keys was slower in every run, 290-2,700 ms,
  // with the same cards and no pruning left to do: see docs/benchmarks.md.)
  const kept = await heldOf(year.ids);
  const after = await bytesOf(kept);
  detail(`retention to 30 days: starts ${t30.map((x) => x.toFixed(0)).join(', ')} ms (the first lets ${year.ids.length - kept.length} leave); ${kept.length} kept, ${mb(after)}`);
  figure('warm start letting a year leave by the shelf\'s keys (30 days kept)', ms(t30[0]), '≤ 300 ms', t30[0] <= 300);
  await removeJobs(kept);
}
{
  // The quota's worth of history the app before the shelf left (2,500 tried), default 30 days:
  // the first start reads it all once, lets the old go and shelves the rest.
  await setRetention(30);
  const year = await storeYear(2500);
  const before = await bytesOf(year.ids);
  const t = await starts(4);
  const kept = await heldOf(year.ids);
  const after = await bytesOf(kept);
  detail(`a quota's year stored live: ${year.ids.length} finished jobs${year.full ? ' (the quota stopped at that)' : ''}, ${mb(before)}; starts offline at 4× (first card painted): ${t.map((x) => x.toFixed(0)).join(', ')} ms (the first one lets the old jobs leave); ${kept.length} kept, ${mb(after)}`);
  figure(`first start after an update with a full year stored live (${year.ids.length} jobs, once)`, ms(t[0]), '', null);
  figure('warm start with a year of history, after retention (median of the next 3)', ms(median(t.slice(1))), '≤ 300 ms', median(t.slice(1)) <= 300);
  figure('storage after retention (30 days kept)', `${mb(after)} (${kept.length} jobs)`, '≤ 2.5 MB', after <= 2.5e6);
  await removeJobs(kept);
}

await browser.close();
