// Shared pieces of the benchmark scripts (run by `cargo xtask bench`, which sets ONSITE_URL).
// Each script prints one `FIGURE\t{json}` line per figure ({name, value, target, met}); xtask
// collects them into one table. Lines starting `DETAIL\t` are extra facts for docs/benchmarks.md.
import fs from 'node:fs';
import { chromium } from '@playwright/test';
import { randomUUID } from 'node:crypto';

export const URL_BASE = process.env.ONSITE_URL;
if (!URL_BASE) throw new Error('ONSITE_URL is not set: run the benchmarks with `cargo xtask bench`');

export const FLAGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic',
  '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const PASSWORD = 'onsite-demo';
export const uuid = randomUUID;

export function figure(name, value, target, met) {
  console.log(`FIGURE\t${JSON.stringify({ name, value, target, met })}`);
}
export function detail(text) {
  console.log(`DETAIL\t${text}`);
}

export function median(xs) { return percentile(xs, 50); }
/** Nearest-rank percentile. */
export function percentile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}
export const ms = (x) => `${x.toFixed(1)} ms`;

export async function launch(extraArgs = []) {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: [...FLAGS, ...extraArgs] });
}

/** Where the scripts leave files for each other and for review ($BENCH_OUT, made if missing). */
export function outDir() {
  const out = process.env.BENCH_OUT ?? 'target/bench';
  fs.mkdirSync(out, { recursive: true });
  return out;
}

/** A 360×740 phone with 4× CPU throttling (CDP Emulation.setCPUThrottlingRate). */
export async function phone(browser, { baseURL = URL_BASE, throttle = 4 } = {}) {
  const context = await browser.newContext({
    baseURL, viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2,
    locale: 'zh-CN', serviceWorkers: 'allow',
  });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
  page.setDefaultTimeout(120_000);
  /** Sets the CPU slowdown (1 = none). */
  const rate = (r) => cdp.send('Emulation.setCPUThrottlingRate', { rate: r });
  return { context, page, cdp, rate };
}

export async function api(path, { method = 'GET', token, body } = {}) {
  let res;
  for (let attempt = 0; ; attempt++) {
    res = await fetch(new URL(path, URL_BASE), {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    // xtask starts the server with the rate limit off; on a server with it on, wait as told.
    if (res.status !== 429 || attempt > 20) break;
    await res.text();
    await new Promise((r) => setTimeout(r, 1000 * Number(res.headers.get('retry-after') ?? 1)));
  }
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

export async function login(login) {
  return (await api('/api/v1/auth/login', { method: 'POST', body: { login, password: PASSWORD } })).token;
}

/** Logs `login` in through the app's own form, and waits for the job list and the service
 *  worker. */
export async function logInThroughUi(page, login) {
  await page.goto('/');
  await page.waitForURL(/\/login$/);
  await page.locator('#login').fill(login);
  await page.locator('#password').fill(PASSWORD);
  await page.locator('form button[type=submit]').click();
  await page.waitForURL(/\/$/);
  await page.getByTestId('job-card').first().waitFor();
  await page.evaluate(async () => { await navigator.serviceWorker.ready; });
}

/** Opens a job through the service desk's API, dispatched to `assignee`. */
export async function dispatch(deskToken, customer, { kind = 'repair', assignee = 'wang.fang' } = {}) {
  const job = await api('/api/v1/jobs', {
    method: 'POST', token: deskToken,
    body: {
      kind, priority: 'normal', customer, contact: customer, phone: '13800138000', wechat: null,
      address: '上海市浦东新区张江路 88 号 3 楼', device_name: null, device_description: null,
      fault: '光猫 LOS 红灯，无法上网', reported_at: null, appointment: null, assignee,
    },
  });
  return job.id;
}
