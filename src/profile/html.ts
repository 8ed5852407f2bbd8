// The self-contained HTML report of `xenjit profile --html`: inline CSS, SVG and script, no
// network. A flame graph (icicle: all -> guest function -> block) whose widths are guest
// instructions retired, counted exactly by the block instrumentation, so it shows where the
// guest spent its instructions, not host time; the host-time split by category; the hot block
// and function tables; the top blocks' disassembly with host samples per instruction; and
// the translator, hypercall and delivery counters. Guest text (symbol names) only ever
// appears escaped: in HTML text, and in the data block as JSON with '<' escaped.
import type { Profile } from '../cli/profile.ts';
import { CATEGORIES, type Category } from './host-time.ts';

const esc = (s: string): string => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
const pct = (x: number): string => (100 * x).toFixed(1) + '%';
const hex = (v: number): string => '0x' + (v >>> 0).toString(16).padStart(8, '0');

/** The flame graph's tree: name, guest instructions, children. */
export interface FlameNode { name: string; value: number; children: FlameNode[]; }

export function flameTree(p: Profile): FlameNode {
  const fns = new Map<string, FlameNode>();
  for (const b of p.blocks) {
    const fname = b.symbol.replace(/\+0x[0-9a-f]+$/, '');
    let f = fns.get(fname);
    if (!f) { f = { name: fname, value: 0, children: [] }; fns.set(fname, f); }
    f.value += b.instructions;
    f.children.push({ name: `${hex(b.eip)} ${b.symbol}`, value: b.instructions, children: [] });
  }
  const children = [...fns.values()].sort((a, b) => b.value - a.value);
  for (const f of children) f.children.sort((a, b) => b.value - a.value);
  return { name: 'all guest instructions', value: children.reduce((a, f) => a + f.value, 0), children };
}

const CAT_COLOR: Record<Category, string> = {
  translated: '#d9534f', core: '#f0ad4e', runtime: '#5bc0de', dispatch: '#9b59b6', compilation: '#5cb85c', gc: '#777', other: '#bbb',
};
const CAT_MEANING: Record<Category, string> = {
  translated: 'generated code of translated blocks (blk_*)',
  core: 'CPU core called from blocks: semantic functions, memory access, paging',
  runtime: 'the hypervisor side: hypercalls, MMU, events, traps',
  dispatch: 'the dispatch loop: block lookup and chaining',
  compilation: 'translating blocks: forming, emitting, V8 compiling them',
  gc: 'V8 garbage collection', other: 'everything else (V8 internals, Node)',
};

function hostSection(p: Profile): string {
  const h = p.host;
  if (!h) return '<p>Host time was not sampled (<code>--no-sample</code>).</p>';
  let x = 0;
  const rects = CATEGORIES.filter((c) => h.shares[c] > 0).map((c) => {
    const w = h.shares[c] * 1000;
    const r = `<rect x="${x.toFixed(2)}" y="0" width="${w.toFixed(2)}" height="28" fill="${CAT_COLOR[c]}"><title>${c}: ${pct(h.shares[c])}</title></rect>`;
    x += w;
    return r;
  }).join('');
  const legend = CATEGORIES.map((c) => `<tr><td><span class="sw" style="background:${CAT_COLOR[c]}"></span>${c}</td><td class="n">${pct(h.shares[c])}</td><td>${CAT_MEANING[c]}</td></tr>`).join('');
  return `<p>${h.samples} samples of the host thread every ${h.intervalUs} µs over ${h.ms.toFixed(1)} ms (V8's sampling profiler, attributed by the top frame; anything under the compile path counts as compilation).
Translated code : compilation : the rest = <b>${pct(h.ratio.translated)} : ${pct(h.ratio.compilation)} : ${pct(h.ratio.runtime)}</b>.</p>
<svg id="host" viewBox="0 0 1000 28" width="1000" height="28" preserveAspectRatio="none">${rects}</svg>
<table class="legend">${legend}</table>`;
}

function blockTable(p: Profile, top: number): string {
  const rows = p.blocks.slice(0, top).map((b, k) => `<tr><td class="n">${k + 1}</td><td class="n">${pct(b.share)}</td><td class="n">${b.executions}</td><td class="n">${b.instructions}</td><td class="n">${p.host ? pct(b.hostSelf) : '-'}</td><td class="n">${p.host ? pct(b.hostTotal) : '-'}</td><td><code>${hex(b.eip)}</code></td><td class="sym">${esc(b.symbol)}</td></tr>`).join('\n');
  return `<table id="blocks"><thead><tr><th>#</th><th>guest insns</th><th>executions</th><th>instructions</th><th>host (own code)</th><th>host (with callees)</th><th>address</th><th>symbol</th></tr></thead><tbody>\n${rows}\n</tbody></table>`;
}

function functionTable(p: Profile, top: number): string {
  const rows = p.functions.slice(0, top).map((f) => `<tr><td class="n">${pct(f.share)}</td><td class="n">${f.instructions}</td><td class="n">${f.blocks}</td><td class="n">${p.host ? pct(f.hostSelf) : '-'}</td><td class="sym">${esc(f.name)}</td></tr>`).join('\n');
  return `<table id="functions"><thead><tr><th>guest insns</th><th>instructions</th><th>blocks</th><th>host (own code)</th><th>function</th></tr></thead><tbody>\n${rows}\n</tbody></table>`;
}

function disassembly(p: Profile): string {
  return p.blocks.slice(0, 3).map((b) => {
    const lines = b.disassembly.map((l, k) => `${p.host ? String(b.instructionSamples[k]).padStart(6) + '  ' : ''}${esc(l)}`).join('\n');
    return `<h3><code>${hex(b.eip)}</code> ${esc(b.symbol)}, ${b.executions} executions</h3><pre>${lines}</pre>`;
  }).join('\n');
}

function counters(p: Profile): string {
  const s = p.jit as Record<string, unknown>;
  const flat = (v: unknown): string => typeof v === 'object' && v !== null
    ? Object.entries(v as Record<string, number>).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'
    : typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(2) : String(v);
  const rows = Object.entries(s).map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(flat(v))}</td></tr>`);
  rows.push(`<tr><td>code cache now</td><td>${p.cache.blocks} blocks, ${(p.cache.sourceChars / 1024).toFixed(1)} KiB of source</td></tr>`);
  const hc = p.hypercalls.map((h) => `<tr><td>${esc(h.name)}</td><td class="n">${h.count}</td><td class="n">${h.ms.toFixed(2)} ms</td></tr>`).join('');
  const ev = p.guestEvents;
  return `<h2>Translator</h2><table>${rows.join('')}</table>
<h2>Hypercalls</h2><table><thead><tr><th>name</th><th>count</th><th>time</th></tr></thead>${hc}</table>
<h2>Guest exceptions and events</h2><p>exceptions (bounced to the guest or emulated): ${esc(flat(ev.exceptions))}; software interrupts: ${esc(flat(ev.softInterrupts))}; event upcalls delivered: ${ev.eventUpcalls}</p>`;
}

/** The flame graph drawn by the page's script from the data block (click a frame to zoom). */
const FLAME_SCRIPT = `
(function () {
  var data = JSON.parse(document.getElementById('flame-data').textContent);
  var svg = document.getElementById('flame'), NS = 'http://www.w3.org/2000/svg', W = 1200, H = 22;
  function color(name) { var h = 0; for (var i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) >>> 0; return 'hsl(' + (10 + h % 45) + ',80%,' + (55 + (h >> 8) % 15) + '%)'; }
  // path: the ancestors of root (drawn full width above it); each row remembers its own ancestors.
  function draw(root, path) {
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    var rows = [];
    path.forEach(function (n, d) { rows.push({ n: n, d: d, x: 0, w: W, anc: path.slice(0, d) }); });
    (function walk(n, anc, x, w) {
      rows.push({ n: n, d: anc.length, x: x, w: w, anc: anc });
      var cx = x;
      n.children.forEach(function (ch) { var cw = n.value ? w * ch.value / n.value : 0; walk(ch, anc.concat([n]), cx, cw); cx += cw; });
    })(root, path, 0, W);
    var depth = 0;
    rows.forEach(function (r) {
      depth = Math.max(depth, r.d + 1);
      if (r.w < 0.5) return;
      var g = document.createElementNS(NS, 'g');
      g.setAttribute('class', 'frame');
      var rect = document.createElementNS(NS, 'rect');
      rect.setAttribute('x', r.x); rect.setAttribute('y', r.d * H); rect.setAttribute('width', Math.max(0, r.w - 1)); rect.setAttribute('height', H - 1);
      rect.setAttribute('fill', r.d === 0 ? '#ccc' : color(r.n.name));
      rect.setAttribute('data-name', r.n.name);
      var title = document.createElementNS(NS, 'title');
      title.textContent = r.n.name + ': ' + r.n.value + ' guest instructions (' + (100 * r.n.value / (data.value || 1)).toFixed(2) + '%)';
      rect.appendChild(title);
      g.appendChild(rect);
      if (r.w > 40) {
        var t = document.createElementNS(NS, 'text');
        t.setAttribute('x', r.x + 4); t.setAttribute('y', r.d * H + 15);
        var max = Math.floor((r.w - 8) / 7);
        t.textContent = r.n.name.length > max ? r.n.name.slice(0, Math.max(0, max - 1)) + '\u2026' : r.n.name;
        g.appendChild(t);
      }
      g.addEventListener('click', function () {
        if (r.n === root && path.length) draw(path[path.length - 1], path.slice(0, -1));
        else draw(r.n, r.anc);
      });
      svg.appendChild(g);
    });
    svg.setAttribute('height', depth * H);
    svg.setAttribute('viewBox', '0 0 ' + W + ' ' + depth * H);
  }
  draw(data, []);
})();
`;

const CSS = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 20px 28px; color: #222; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 22px 0 6px; } h3 { font-size: 14px; margin: 12px 0 4px; }
table { border-collapse: collapse; } td, th { padding: 2px 10px; border-bottom: 1px solid #eee; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; } td.sym { font-family: ui-monospace, monospace; }
pre { background: #f7f7f7; padding: 8px; margin: 0; font-size: 12px; }
#flame text { font: 12px ui-monospace, monospace; pointer-events: none; } #flame .frame { cursor: pointer; }
.sw { display: inline-block; width: 12px; height: 12px; margin-right: 6px; vertical-align: -1px; }
.note { color: #555; max-width: 1200px; }
`;

export function htmlReport(p: Profile, top = 20): string {
  const data = JSON.stringify(flameTree(p)).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>xenjit profile: ${esc(p.kernel)}</title><style>${CSS}</style></head>
<body>
<h1>xenjit profile: ${esc(p.kernel)}</h1>
<p>${esc(p.end)}; ${p.instructions} guest instructions in ${p.seconds.toFixed(3)} s of host time.</p>
<h2>Guest instructions by function and block</h2>
<p class="note">Widths are guest instructions retired, counted exactly by per-block execution counters
(executions × instructions in the block); they are not host time. Levels: all, guest function (ELF symbol), translated block.
Click a frame to zoom, click the top frame to zoom out.</p>
<svg id="flame" width="1200" height="66" viewBox="0 0 1200 66"></svg>
<script type="application/json" id="flame-data">${data}</script>
<h2>Host time</h2>
${hostSection(p)}
<h2>Hot blocks</h2>
${blockTable(p, top)}
<h2>Guest functions</h2>
${functionTable(p, top)}
<h2>Top blocks${p.host ? ' (host samples per instruction on the left)' : ''}</h2>
${disassembly(p)}
${counters(p)}
<script>${FLAME_SCRIPT}</script>
</body></html>
`;
}
