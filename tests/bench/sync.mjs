// Sync end to end on the phone: 10,000 events queued offline in the browser, then online until
// the app shows 0 pending. "Phone" = 360×740, CDP Emulation.setCPUThrottlingRate 4×; set-up runs
// unthrottled, the measured sync at 4×. Writes the figure to $BENCH_OUT/onsite-sync-ms.txt for
// peer.mjs to compare with.
import fs from 'node:fs';
import { outDir, launch, phone, figure, detail, ms, login, logInThroughUi, dispatch, api } from './common.mjs';

const SYNC_JOBS = 100;
const SYNC_EVENTS_PER_JOB = 100; // 10,000 in all
const out = outDir();

const browser = await launch();
const { context, page, cdp, rate } = await phone(browser);
await rate(1);

async function waitPending(n, timeout = 120_000) {
  await page.waitForSelector(`[data-testid=sync-summary][data-pending="${n}"]`, { timeout });
}
async function syncNow() {
  await page.getByRole('button', { name: /立即同步|Sync now/ }).click();
}

const desk = await login('desk');
await logInThroughUi(page, 'wang.fang');

// ---- sync end to end: 10,000 queued events ------------------------------------------------
await context.setOffline(false);
await page.goto('/');
const syncIds = [];
for (let i = 0; i < SYNC_JOBS; i++) syncIds.push(await dispatch(desk, `同步基准 ${i + 1}`));
await syncNow();
await page.waitForFunction((ids) => ids.every((id) => localStorage.getItem(`onsite.v1.job.${id}`)), syncIds, { timeout: 120_000 });
await waitPending(0);
await context.setOffline(true);
const injected = await page.evaluate(({ ids, per }) => {
  const dev = JSON.parse(localStorage.getItem('onsite.v1.device'));
  let seq = dev.seq;
  const base = Date.now() - ids.length * per * 1000;
  for (const id of ids) {
    const key = `onsite.v1.job.${id}`;
    // Storage format 2 (`onsite_core::stored`): [id, device index, seq, ms after t0, type, fields, 0 = pending].
    const j = JSON.parse(localStorage.getItem(key));
    let device = j.d.indexOf(dev.id);
    if (device < 0) device = j.d.push(dev.id) - 1;
    for (let k = 0; k < per; k++) {
      seq++;
      const bytes = crypto.getRandomValues(new Uint8Array(16));
      const shortId = btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
      j.e.push([shortId, device, seq, base + seq * 1000 - j.t0, 'note_added', { text: `基准备注 ${seq}：线路测试正常` }, 0]);
    }
    localStorage.setItem(key, JSON.stringify(j));
  }
  dev.seq = seq;
  localStorage.setItem('onsite.v1.device', JSON.stringify(dev));
  return { events: ids.length * per, device: dev.id };
}, { ids: syncIds, per: SYNC_EVENTS_PER_JOB });
await page.reload();
await waitPending(injected.events);
// After a reload under Playwright's offline emulation the new page says navigator.onLine =
// true (and so never sees an `online` event): set the page's own network conditions through
// CDP, so that it knows it is offline, as a phone in a basement does, until t0.
const network = (offline) => cdp.send('Network.emulateNetworkConditions', { offline, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
await network(true);
await page.waitForFunction(() => !navigator.onLine);
await rate(4);
await page.evaluate(() => {
  window.__sync = {};
  // t0 is set just before the driver turns the network back on (below); the `online` event's
  // time is kept too when the page sees one.
  window.addEventListener('online', () => { window.__sync.online = performance.now(); }, { once: true });
  // Every push's start and end, to tell the phone's time between pushes from the round trips.
  window.__sync.pushes = [];
  const fetch0 = window.fetch;
  window.fetch = async (input, init) => {
    const push = String(input?.url ?? input).includes('/sync/push');
    const start = performance.now();
    const res = await fetch0(input, init);
    if (push) window.__sync.pushes.push([start, performance.now()]);
    return res;
  };
  const el = () => document.querySelector('[data-testid=sync-summary]');
  // The summary may be re-created rather than changed in place: watch insertions too, and poll
  // every frame as a fallback.
  const check = () => {
    if (window.__sync.t1) return;
    if (window.__sync.t0 && el()?.getAttribute('data-pending') === '0') {
      window.__sync.t1 = performance.now(); mo.disconnect();
    } else requestAnimationFrame(check);
  };
  const mo = new MutationObserver(check);
  mo.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-pending'] });
  requestAnimationFrame(check);
});
await page.evaluate(() => { window.__sync.t0 = performance.now(); window.__sync.onLineAtT0 = navigator.onLine; });
const wall0 = performance.now();
await context.setOffline(false);
await network(false);
try {
  await page.waitForFunction(() => window.__sync.t1, null, { timeout: 180_000 });
} catch (e) {
  const state = await page.evaluate(() => ({
    sync: window.__sync, summary: document.querySelector('[data-testid=sync-bar]')?.textContent,
    pending: document.querySelector('[data-testid=sync-summary]')?.getAttribute('data-pending'),
    bytes: Object.keys(localStorage).reduce((s, k) => s + (k.length + localStorage.getItem(k).length) * 2, 0),
  }));
  throw new Error(`sync did not reach 0 pending: ${JSON.stringify(state)}`);
}
const wall = performance.now() - wall0;
const s = await page.evaluate(() => window.__sync);
await rate(1);
const syncMs = s.t1 - s.t0;
{
  let onServer = 0;
  for (const id of syncIds) onServer += (await api(`/api/v1/jobs/${id}`, { token: desk })).events.length;
  const p = s.pushes;
  if (p.length) {
    const trips = p.reduce((a, [b, e]) => a + (e - b), 0);
    detail(`sync pushes: ${p.length}; first sent ${ms(p[0][0] - s.t0)} after t0, last answered ${ms(p[p.length - 1][1] - s.t0)} after t0, 0 pending shown ${ms(s.t1 - p[p.length - 1][1])} after that; round trips ${ms(trips)} in all, the phone's time between them ${ms(p[p.length - 1][1] - p[0][0] - trips)}`);
  }
  detail(`sync end to end: ${injected.events} events in ${SYNC_JOBS} jobs, online → 0 pending ${ms(syncMs)} in the page (${ms(wall)} seen from the driver; the page's online event ${s.online ? `came ${ms(s.online - s.t0)} after t0` : 'never came'}, navigator.onLine at t0 was ${s.onLineAtT0}); the server holds ${onServer} events on those jobs`);
  figure(`sync end to end, ${injected.events} events (phone)`, ms(syncMs), '≤ 2000 ms', syncMs <= 2000);
}
fs.writeFileSync(`${out}/onsite-sync-ms.txt`, String(syncMs));
await browser.close();
