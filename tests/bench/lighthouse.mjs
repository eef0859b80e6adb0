// Cold load: Lighthouse's mobile preset (its own 4× CPU slowdown and simulated slow 4G) on the
// app's first page, served by the real release server. Lighthouse clears the service worker
// and caches first, so this is always a first visit.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { FLAGS, URL_BASE, figure, detail, outDir } from './common.mjs';

const out = execFileSync('npx', ['lighthouse', URL_BASE, '--output=json', '--quiet', '--only-categories=performance,accessibility,best-practices',
  `--chrome-flags=${FLAGS.join(' ')}`], {
  env: { ...process.env, CHROME_PATH: '/usr/bin/chromium' }, maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'],
});
const lhr = JSON.parse(out.toString());
// The whole report, for review (open it in the Lighthouse viewer).
fs.writeFileSync(`${outDir()}/lighthouse.json`, out);
const a = lhr.audits;
const score = Math.round(lhr.categories.performance.score * 100);
figure('cold load: Lighthouse mobile performance score', String(score), '≥ 98', score >= 98);
const ms = (id) => `${Math.round(a[id].numericValue)} ms`;
figure('cold load: FCP', ms('first-contentful-paint'), '', null);
figure('cold load: LCP', ms('largest-contentful-paint'), '', null);
figure('cold load: TBT', ms('total-blocking-time'), '', null);
figure('cold load: CLS', a['cumulative-layout-shift'].numericValue.toFixed(3), '', null);
// The login page a first visit lands on; the other pages are checked by axe in the tests.
for (const [id, name] of [['accessibility', 'accessibility'], ['best-practices', 'best practices']]) {
  const c = lhr.categories[id];
  const s = Math.round(c.score * 100);
  figure(`cold load: Lighthouse ${name} score`, String(s), '100', s === 100);
  for (const ref of c.auditRefs) {
    const au = a[ref.id];
    if (ref.weight > 0 && au && au.score !== null && au.score < 1) detail(`lighthouse ${name}: ${ref.id} failed: ${au.title}`);
  }
}
detail(`lighthouse ${lhr.lighthouseVersion}, final URL ${lhr.finalDisplayedUrl ?? lhr.finalUrl}, speed index ${ms('speed-index')}, TTI ${a.interactive ? ms('interactive') : 'n/a'}`);
for (const id of ['render-blocking-resources', 'render-blocking-insight', 'uses-text-compression', 'document-latency-insight', 'bootup-time', 'mainthread-work-breakdown', 'largest-contentful-paint-element', 'lcp-breakdown-insight']) {
  if (a[id] && a[id].score !== null && a[id].score < 1) detail(`lighthouse ${id}: ${a[id].displayValue ?? ''} (score ${a[id].score})`);
}
{
  // Which element Lighthouse took as the largest contentful paint, and its phases.
  const items = a['largest-contentful-paint-element']?.details?.items ?? [];
  const node = items.flatMap((t) => t.items ?? []).find((i) => i.node)?.node;
  if (node) detail(`lighthouse LCP element: ${node.snippet} (${node.nodeLabel ?? ''})`);
}
{
  // The long main-thread tasks behind TBT, in Lighthouse's simulated timeline (4× CPU, slow 4G).
  const tasks = a['long-tasks']?.details?.items ?? [];
  detail(`lighthouse long tasks: ${tasks.map((t) => `${Math.round(t.duration)} ms at ${Math.round(t.startTime)} (${String(t.url ?? '').split('/').pop()})`).join(', ') || 'none'}`);
}
