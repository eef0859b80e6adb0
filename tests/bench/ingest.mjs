// Server ingest: 10,000 events through POST /api/v1/sync/push in batches of 100, one client
// (Node fetch, sequential, on loopback), against raw SQLite inserts of the same rows into the
// server's own schema with the same durability settings (Python's sqlite3: sqlite_baseline.py).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { api, login, dispatch, figure, detail, uuid } from './common.mjs';

const N = 10_000;
const BATCH = 100;
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

const desk = await login('desk');
const token = await login('li.lei'); // not the phone's engineer: phone.mjs must not pull these
const jobs = [];
for (let i = 0; i < N / BATCH; i++) jobs.push(await dispatch(desk, `入库基准 ${i + 1}`, { assignee: 'li.lei' }));
const device = uuid();
const events = [];
const t = Date.now() - N * 1000;
for (let i = 0; i < N; i++) {
  events.push({
    id: uuid(), job_id: jobs[Math.floor(i / BATCH)], device_id: device, seq: i + 1,
    device_time: new Date(t + i * 1000).toISOString(), type: 'note_added', text: `基准备注 ${i + 1}：线路测试正常`,
  });
}
// One warm-up push (not counted) binds the device and warms the connection.
const warm = events.shift();
await api('/api/v1/sync/push', { method: 'POST', token, body: { device_id: device, events: [warm] } });
const t0 = performance.now();
let acked = 0;
for (let i = 0; i < events.length; i += BATCH) {
  const res = await api('/api/v1/sync/push', { method: 'POST', token, body: { device_id: device, events: events.slice(i, i + BATCH) } });
  acked += res.acked.length;
}
const secs = (performance.now() - t0) / 1000;
const serverRate = acked / secs;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onsite-ingest-'));
try {
  const rows = path.join(dir, 'rows.json');
  fs.writeFileSync(rows, JSON.stringify({ jobs, events }));
  const py = JSON.parse(execFileSync('python3', [path.join(root, 'tests/bench/sqlite_baseline.py'), rows, path.join(dir, 'baseline.db'),
    path.join(root, 'crates/server/migrations')], { stdio: ['ignore', 'pipe', 'inherit'] }).toString());
  const ratio = serverRate / py.rate;
  detail(`ingest: ${acked} events acknowledged in ${secs.toFixed(2)} s through the API; raw SQLite (Python ${py.python}, SQLite ${py.sqlite}) inserted ${py.rows} rows in ${py.seconds.toFixed(2)} s`);
  figure('server ingest through /sync/push (batches of 100)', `${Math.round(serverRate)} events/s`, '', null);
  figure('raw SQLite inserts, same rows (WAL, NORMAL, 100/txn)', `${Math.round(py.rate)} rows/s`, '', null);
  figure('server ingest ÷ raw SQLite', ratio.toFixed(2), '≥ 0.5', ratio >= 0.5);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
