// Bundle: the phone app's .wasm, .js and index.html (CSS inlined) in dist/, raw, gzip -9 and
// brotli q11 (Node's zlib); then the desk console's in dist/desk/ (not the phone's: the phone's
// service worker never fetches it), with its CSS.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const dist = process.argv[2] ?? 'dist';
// index.html too: it carries the inlined CSS and the static shell.
const files = fs.readdirSync(dist).filter((f) => f.endsWith('.wasm') || f.endsWith('.js') || f === 'index.html');
const sizes = (buf) => ({
  raw: buf.length,
  gzip: zlib.gzipSync(buf, { level: 9 }).length,
  br: zlib.brotliCompressSync(buf, {
    params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: buf.length },
  }).length,
});
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
let total = { raw: 0, gzip: 0, br: 0 };
for (const f of files.sort()) {
  const s = sizes(fs.readFileSync(path.join(dist, f)));
  for (const k of Object.keys(total)) total[k] += s[k];
  const kind = f.endsWith('.wasm') ? 'wasm' : f.endsWith('.js') ? 'js' : 'html';
  console.log(`FIGURE\t${JSON.stringify({ name: `bundle ${kind} (${f})`, value: `${kb(s.raw)} raw, ${kb(s.gzip)} gzip, ${kb(s.br)} br`, target: '', met: null })}`);
}
const limit = 100 * 1024;
console.log(`FIGURE\t${JSON.stringify({ name: 'bundle total (.wasm + .js + index.html)', value: `${kb(total.raw)} raw, ${kb(total.gzip)} gzip, ${kb(total.br)} br`, target: '≤ 100 KB br', met: total.br <= limit })}`);

const desk = path.join(dist, 'desk');
if (fs.existsSync(desk)) {
  let d = { raw: 0, gzip: 0, br: 0 };
  for (const f of fs.readdirSync(desk).filter((f) => /\.(wasm|js|css|html)$/.test(f))) {
    const s = sizes(fs.readFileSync(path.join(desk, f)));
    for (const k of Object.keys(d)) d[k] += s[k];
  }
  console.log(`FIGURE\t${JSON.stringify({ name: 'desk console total (dist/desk: .wasm + .js + .css + index.html)', value: `${kb(d.raw)} raw, ${kb(d.gzip)} gzip, ${kb(d.br)} br`, target: '', met: null })}`);
}
