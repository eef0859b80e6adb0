// The server under attack (issue 14), in figures against the release server:
// - the worst push: 1,000 `completed` events onto a job that already holds 10,000 events, and
//   another engineer's `GET /auth/me` latency while it runs (sequential requests, one client);
// - 100 simultaneous log-ins with a wrong password: how they were answered, and the server's
//   resident memory before and after (VmHWM, read from /proc: the peak).
// Targets: the push under 1 s, the other user's slowest answer under 100 ms, memory under
// 200 MiB at its peak. The server is started by xtask with both rate limits off, so that
// nothing here is answered 429 by them.
import fs from 'node:fs';
import { api, login, dispatch, figure, detail, uuid, percentile } from './common.mjs';

const desk = await login('desk');
const engineer = await login('li.lei');
const other = await login('wang.fang');

const job = await dispatch(desk, '压测：一万条记录的工单', { assignee: 'li.lei' });
const device = uuid();
const t0 = Date.now() - 11_000 * 1000;
const ev = (seq, body) => ({ id: uuid(), job_id: job, device_id: device, seq, device_time: new Date(t0 + seq * 1000).toISOString(), ...body });
for (let seq = 1; seq <= 10_000; seq += 1000) {
  const events = [];
  for (let q = seq; q < seq + 1000; q++) events.push(ev(q, { type: 'note_added', text: `记录 ${q}` }));
  await api('/api/v1/sync/push', { method: 'POST', token: engineer, body: { device_id: device, events } });
}
const finishing = [];
for (let q = 10_001; q <= 11_000; q++) finishing.push(ev(q, { type: 'completed', result: `完成 ${q}` }));
const body = JSON.stringify({ device_id: device, events: finishing });

const started = performance.now();
let done = false;
const push = fetch(new URL('/api/v1/sync/push', process.env.ONSITE_URL), {
  method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${engineer}` }, body,
}).then(async (res) => { await res.text(); done = true; return { status: res.status, ms: performance.now() - started }; });
const latencies = [];
while (!done) {
  const t = performance.now();
  await api('/api/v1/auth/me', { token: other });
  latencies.push(performance.now() - t);
}
const pushed = await push;
if (pushed.status !== 200) throw new Error(`the push answered ${pushed.status}`);
const slowest = Math.max(...latencies);
detail(`worst push: ${(body.length / 1024).toFixed(0)} KiB, 1,000 completed events onto a job of 10,000 events: ${pushed.status} in ${pushed.ms.toFixed(0)} ms; another user's /auth/me answered ${latencies.length} times meanwhile, p50 ${percentile(latencies, 50).toFixed(1)} ms, slowest ${slowest.toFixed(1)} ms`);
figure('worst push (1,000 finishing events onto 10,000)', `${pushed.ms.toFixed(0)} ms`, '< 1,000 ms', pushed.ms < 1000);
figure("another user's slowest answer during it", `${slowest.toFixed(1)} ms`, '< 100 ms', slowest < 100);

// 100 wrong-password log-ins at once, and the server's memory.
const pid = process.env.ONSITE_SERVER_PID;
const hwm = () => {
  if (!pid) return null;
  const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : null;
};
const before = hwm();
const answers = await Promise.all(Array.from({ length: 100 }, (_, n) => fetch(new URL('/api/v1/auth/login', process.env.ONSITE_URL), {
  method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: `nobody${n}`, password: 'guess' }),
}).then((r) => r.status)));
const after = hwm();
const counts = answers.reduce((c, s) => ({ ...c, [s]: (c[s] ?? 0) + 1 }), {});
detail(`100 simultaneous wrong-password log-ins answered ${JSON.stringify(counts)}; server peak memory ${before?.toFixed(0)} MiB before, ${after?.toFixed(0)} MiB after`);
if (after !== null) figure('server peak memory after 100 simultaneous log-ins', `${after.toFixed(0)} MiB`, '< 200 MiB', after < 200);
