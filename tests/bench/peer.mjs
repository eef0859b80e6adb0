// Peer: the same 10,000 records written in the browser with PouchDB (IndexedDB adapter) and
// replicated to pouchdb-server (in memory, on loopback), on the same phone profile, compared
// with Onsite's sync end to end measured by sync.mjs in the same run (target/bench/onsite-sync-ms.txt).
import fs from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { outDir, launch, phone, figure, detail, ms, uuid } from './common.mjs';

const N = 10_000;
const BATCH = 100;
const out = outDir();
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

const port = await new Promise((resolve) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
});
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onsite-pouch-'));
const server = spawn(path.join(root, 'node_modules/.bin/pouchdb-server'), ['--in-memory', '--host', '127.0.0.1', '--port', String(port)], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
const base = `http://127.0.0.1:${port}`;
try {
  for (let i = 0; ; i++) {
    try { if ((await fetch(base)).ok) break; } catch { /* not yet */ }
    if (i > 100) throw new Error('pouchdb-server did not start within 20 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  const version = (await (await fetch(base)).json()).version;

  const browser = await launch();
  const { page, cdp } = await phone(browser, { baseURL: base, throttle: 1 });
  // A blank page on pouchdb-server's own origin, so replication is same-origin (no CORS).
  await page.route(`${base}/_bench`, (r) => r.fulfill({ contentType: 'text/html', body: '<!doctype html><title>bench</title>' }));
  await page.goto(`${base}/_bench`);
  await page.addScriptTag({ path: path.join(root, 'node_modules/pouchdb/dist/pouchdb.min.js') });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  const device = uuid();
  const jobs = Array.from({ length: N / BATCH }, () => uuid());
  const r = await page.evaluate(async ({ remote, device, jobs, batch }) => {
    const db = new PouchDB('bench', { adapter: 'idb' });
    let seq = 0;
    const base = Date.now() - jobs.length * batch * 1000;
    const t0 = performance.now();
    for (const job of jobs) {
      const docs = [];
      for (let k = 0; k < batch; k++) {
        seq++;
        docs.push({
          _id: crypto.randomUUID(), job_id: job, device_id: device, seq,
          device_time: new Date(base + seq * 1000).toISOString(), type: 'note_added', text: `基准备注 ${seq}：线路测试正常`,
        });
      }
      await db.bulkDocs(docs);
    }
    const t1 = performance.now();
    const res = await PouchDB.replicate(db, `${remote}/bench`, { batch_size: batch, batches_limit: 10 });
    const t2 = performance.now();
    return { write: t1 - t0, replicate: t2 - t1, written: res.docs_written, adapter: db.adapter, version: PouchDB.version };
  }, { remote: base, device, jobs, batch: BATCH });
  await browser.close();
  const onServer = (await (await fetch(`${base}/bench`)).json()).doc_count;
  detail(`PouchDB ${r.version} (adapter ${r.adapter}) → pouchdb-server ${version} in memory: wrote ${N} docs in ${ms(r.write)} (bulkDocs of ${BATCH}), replicated ${r.written} in ${ms(r.replicate)}; the server holds ${onServer}`);
  figure(`peer: PouchDB replicate ${N} docs to pouchdb-server (phone)`, ms(r.replicate), '', null);
  figure(`peer: PouchDB write + replicate ${N} docs (phone)`, ms(r.write + r.replicate), '', null);
  const file = path.join(out, 'onsite-sync-ms.txt');
  if (fs.existsSync(file)) {
    const onsite = Number(fs.readFileSync(file, 'utf8'));
    const ratio = r.replicate / onsite;
    figure('peer: PouchDB replicate ÷ Onsite sync (same 10,000 events)', `${ratio.toFixed(2)}× (Onsite ${ms(onsite)})`, '≥ 3×', ratio >= 3);
  } else {
    figure('peer: PouchDB replicate ÷ Onsite sync', 'no Onsite sync figure in this run', '≥ 3×', null);
  }
} finally {
  server.kill();
  fs.rmSync(dir, { recursive: true, force: true });
}
