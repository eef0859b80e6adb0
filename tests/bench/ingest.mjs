// Server ingest: 10,000 events through POST /api/v1/sync/push, one client (Node fetch,
// sequential, on loopback), against raw SQLite inserts of the same rows into the server's own
// schema with the same durability settings and the same rows per transaction (Python's sqlite3:
// sqlite_baseline.py). Twice: in pushes of 1,000 (PUSH_MAX, what the app sends for a backlog:
// the target) and of 100 (the app's first push of a round).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { api, login, dispatch, figure, detail, uuid } from './common.mjs';

const N = 10_000;
const JOBS = 100;
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

const desk = await login('desk');
const token = await login('li.lei'); // not the phone's engineer: the phone must not pull these

/** Pushes N new events in pushes of `batch`; returns the events (minus the warm-up) and the rate. */
async function ingest(batch, label) {
  const jobs = [];
  for (let i = 0; i < JOBS; i++) jobs.push(await dispatch(desk, `入库基准 ${label} ${i + 1}`, { assignee: 'li.lei' }));
  const device = uuid();
  const events = [];
  const t = Date.now() - N * 1000;
  for (let i = 0; i < N; i++) {
    events.push({
      id: uuid(), job_id: jobs[Math.floor(i / (N / JOBS))], device_id: device, seq: i + 1,
      device_time: new Date(t + i * 1000).toISOString(), type: 'note_added', text: `基准备注 ${i + 1}：线路测试正常`,
    });
  }
  // One warm-up push (not counted) binds the device and warms the connection.
  const warm = events.shift();
  await api('/api/v1/sync/push', { method: 'POST', token, body: { device_id: device, events: [warm] } });
  const t0 = performance.now();
  let acked = 0;
  for (let i = 0; i < events.length; i += batch) {
    const res = await api('/api/v1/sync/push', { method: 'POST', token, body: { device_id: device, events: events.slice(i, i + batch) } });
    acked += res.acked.length;
  }
  const secs = (performance.now() - t0) / 1000;
  return { jobs, events, acked, secs, rate: acked / secs };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onsite-ingest-'));
try {
  for (const batch of [1000, 100]) {
    const run = await ingest(batch, batch);
    const rows = path.join(dir, `rows-${batch}.json`);
    fs.writeFileSync(rows, JSON.stringify({ jobs: run.jobs, events: run.events }));
    const py = JSON.parse(execFileSync('python3', [path.join(root, 'tests/bench/sqlite_baseline.py'), rows,
      path.join(dir, `baseline-${batch}.db`), path.join(root, 'crates/server/migrations'), String(batch)],
    { stdio: ['ignore', 'pipe', 'inherit'] }).toString());
    const ratio = run.rate / py.rate;
    const target = batch === 1000;
    detail(`ingest, ${batch} a push: ${run.acked} events acknowledged in ${run.secs.toFixed(2)} s through the API; raw SQLite (Python ${py.python}, SQLite ${py.sqlite}) inserted ${py.rows} rows in ${py.seconds.toFixed(2)} s`);
    figure(`server ingest through /sync/push (${batch} a push)`, `${Math.round(run.rate)} events/s`, '', null);
    figure(`raw SQLite inserts, same rows (WAL, FULL, ${batch}/txn)`, `${Math.round(py.rate)} rows/s`, '', null);
    figure(`server ingest ÷ raw SQLite (${batch} a push)`, ratio.toFixed(2), target ? '≥ 0.5' : '', target ? ratio >= 0.5 : null);
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
