// scanfit serve: the page. Plain JavaScript, no framework, nothing fetched but this
// server's own API. The server keeps nothing: this page holds the dropped files, the
// answers and the outputs, and builds the download ZIP itself.
'use strict';

/**
 * The token handed over in the address's fragment (`serve --lan`'s QR code and link):
 * kept for this tab, then taken out of the address bar, history and bookmarks. A
 * fragment is never sent to a server, so it reaches no log and no Referer.
 */
function tokenFromFragment() {
  const match = /(?:^#|&)token=([^&]*)/.exec(location.hash);
  if (!match) return;
  sessionStorage.setItem('scanfit-token', decodeURIComponent(match[1]));
  history.replaceState(null, '', location.pathname + location.search);
}
tokenFromFragment();

const state = {
  words: {},
  lang: 'en',
  info: { jobs: 2, max_input_bytes: Infinity, token_required: false, version: '' },
  token: sessionStorage.getItem('scanfit-token') || '',
  cards: [],
  queue: [],
  running: 0,
  nextId: 1,
};

const $ = (selector) => document.querySelector(selector);

// ---- words -------------------------------------------------------------------------

/** The message `id` in the page's language, with { $name } filled from `args`. */
function t(id, args) {
  const text = state.words[id] ?? id;
  return text.replace(/\{\s*\$(\w+)\s*\}/g, (whole, name) =>
    args && name in args ? String(args[name]) : whole);
}

async function loadWords(lang) {
  const query = lang ? '?lang=' + encodeURIComponent(lang) : '';
  const response = await fetch('/api/v1/words' + query);
  const body = await response.json();
  state.words = body.words;
  state.lang = body.lang;
  document.documentElement.lang = body.lang === 'zh' ? 'zh-CN' : 'en';
  document.title = t('page-title');
  for (const el of document.querySelectorAll('[data-w]')) el.textContent = t(el.dataset.w);
  for (const b of document.querySelectorAll('[data-lang]')) {
    b.setAttribute('aria-pressed', String(b.dataset.lang === body.lang));
  }
  $('#footer').textContent = t('page-footer', { version: state.info.version });
  fillPortals();
  for (const card of state.cards) render(card);
  summarise();
}

/** Sizes as the command line writes them: 154.7 kB, 1.21 MB. */
function size(bytes) {
  if (bytes >= 1e6) return (bytes / 1e6).toFixed(2) + ' MB';
  if (bytes >= 1e3) return (bytes / 1e3).toFixed(1) + ' kB';
  return bytes + ' B';
}

// ---- names (the same rule as `scanfit convert`) -------------------------------------

const folderOf = (path) => path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
const baseOf = (path) => path.slice(path.lastIndexOf('/') + 1);
const join = (folder, name) => folder ? folder + '/' + name : name;
function stemOf(name) {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}
function extOf(name) {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1) : '';
}

/**
 * Output names without extension for new cards. Two inputs in one folder that would
 * share a name (a.png, a.jpg; compared without case) both get their extension appended
 * (a_png, a_jpg), and a remaining tie gets _2, _3..., as `scanfit convert` names them.
 */
function planOutputs(fresh) {
  const key = (folder, name) => (folder + '\u0000' + name).toLowerCase();
  const groups = new Map();
  for (const c of fresh) {
    const k = key(folderOf(c.path), stemOf(baseOf(c.path)));
    groups.set(k, (groups.get(k) || 0) + 1);
  }
  const taken = new Map();
  for (const c of state.cards) {
    if (c.outputStem) taken.set(key(folderOf(c.outputStem), baseOf(c.outputStem)), 1);
  }
  for (const c of fresh) {
    const folder = folderOf(c.path);
    const base = baseOf(c.path);
    let name = stemOf(base);
    if (groups.get(key(folder, name)) > 1 && extOf(base)) name += '_' + extOf(base).toLowerCase();
    const n = (taken.get(key(folder, name)) || 0) + 1;
    taken.set(key(folder, name), n);
    if (n > 1) name += '_' + n;
    c.outputStem = join(folder, name);
  }
}

// ---- adding files --------------------------------------------------------------------

function addFiles(items) {
  // Hidden files (.DS_Store) are passed over, as the command line does.
  const fresh = items
    .filter(({ path }) => !path.split('/').some((part) => part.startsWith('.')))
    .map(({ file, path }) => newCard({ file, path, kind: $('#check-only').checked ? 'check' : 'convert' }));
  planOutputs(fresh);
  for (const card of fresh) {
    state.cards.push(card);
    $('#cards').append(card.el);
    render(card);
    enqueue(card);
  }
  summarise();
}

function newCard(fields) {
  const card = {
    id: state.nextId++, generation: 0, state: 'waiting', progress: 0, verdict: null, reasons: [],
    records: [], outputs: [], csv: '', check: null, message: '', selected: false,
    beforeUrl: fields.file ? URL.createObjectURL(fields.file) : null, ...fields,
  };
  card.el = document.createElement('article');
  card.el.className = 'card';
  return card;
}

/** Files of a drop, folders walked (their paths kept for the ZIP). */
async function droppedFiles(dataTransfer) {
  const entries = [...dataTransfer.items]
    .map((item) => item.webkitGetAsEntry && item.webkitGetAsEntry())
    .filter(Boolean);
  if (entries.length === 0) return [...dataTransfer.files].map((file) => ({ file, path: file.name }));
  const out = [];
  const walk = async (entry) => {
    if (entry.isFile) {
      const file = await new Promise((ok, fail) => entry.file(ok, fail));
      out.push({ file, path: entry.fullPath.replace(/^\/+/, '') });
    } else if (entry.isDirectory) {
      const reader = entry.createReader();
      for (;;) {
        const batch = await new Promise((ok, fail) => reader.readEntries(ok, fail));
        if (batch.length === 0) break;
        for (const child of batch) await walk(child);
      }
    }
  };
  for (const entry of entries) await walk(entry);
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

// ---- talking to the server -------------------------------------------------------------

function enqueue(card) {
  state.queue.push(card);
  pump();
}

/** Keeps as many requests going as the server has workers; the rest wait here. */
function pump() {
  const limit = Math.max(1, state.info.jobs || 1);
  while (state.running < limit && state.queue.length > 0) {
    const card = state.queue.shift();
    if (!state.cards.includes(card)) continue;
    state.running++;
    handle(card).finally(() => {
      state.running--;
      summarise();
      pump();
    });
  }
}

/** POSTs `body`, reporting upload progress; resolves with status, JSON body and Retry-After. */
function post(url, body, onProgress) {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.responseType = 'json';
    if (state.token) xhr.setRequestHeader('Authorization', 'Bearer ' + state.token);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.upload.onload = () => onProgress(1);
    xhr.onload = () => resolve({
      status: xhr.status,
      body: xhr.response,
      retryAfter: Number(xhr.getResponseHeader('Retry-After')) || 2,
    });
    xhr.onerror = () => resolve({ status: 0, body: null, retryAfter: 2 });
    xhr.send(body);
  });
}

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

/** The request for a card; its verdicts and reasons come back in the page's language. */
function requestFor(card) {
  const portal = $('#portal').value;
  const lang = 'lang=' + encodeURIComponent(state.lang) + (portal ? '&portal=' + encodeURIComponent(portal) : '');
  const output = '&output=' + encodeURIComponent(card.outputStem);
  if (card.kind === 'stitch') {
    const form = new FormData();
    for (const piece of card.pieces) form.append('piece', piece.file, piece.path);
    return { url: '/api/v1/stitch?as=json&' + lang + output, body: form };
  }
  const name = '&name=' + encodeURIComponent(card.path);
  if (card.kind === 'check') return { url: '/api/v1/check?' + lang + name, body: card.file };
  return { url: '/api/v1/convert?as=json&' + lang + name + output, body: card.file };
}

async function handle(card) {
  const limit = state.info.max_input_bytes;
  const total = card.kind === 'stitch'
    ? card.pieces.reduce((n, p) => n + p.file.size, 0)
    : card.file.size;
  if (total > limit) {
    finish(card, 'fail', [{ text: t('page-too-large', { size: size(total), limit: size(limit) }), level: 'fail' }]);
    return;
  }
  // A card redone meanwhile (the check-only switch) ignores this run's answer.
  const generation = card.generation;
  const current = () => state.cards.includes(card) && card.generation === generation;
  for (;;) {
    card.state = 'uploading';
    card.progress = 0;
    render(card);
    const { url, body } = requestFor(card);
    const answer = await post(url, body, (share) => {
      if (!current()) return;
      card.progress = share;
      card.state = share >= 1 ? 'working' : 'uploading';
      render(card);
    });
    if (!current()) return;
    if (answer.status === 429) {
      card.state = 'retrying';
      render(card);
      await sleep(answer.retryAfter * 1000);
      if (!current()) return;
      continue;
    }
    if (answer.status === 401) {
      card.state = 'waiting';
      render(card);
      $('#token-box').hidden = false;
      await tokenGiven();
      continue;
    }
    accept(card, answer);
    return;
  }
}

let tokenWaiters = [];
function tokenGiven() {
  return new Promise((ok) => tokenWaiters.push(ok));
}

/** Fills a card from the server's answer. Verdicts and reasons are the server's words. */
function accept(card, { status, body }) {
  if (status === 0 || !body) {
    finish(card, 'fail', [{ text: t('page-error-network', { detail: status || '—' }), level: 'fail' }]);
    return;
  }
  if (card.kind === 'check' && status === 200) {
    card.check = body;
    const reasons = body.reasons.map((r) => ({
      text: (r.page ? 'p' + r.page + ': ' : '') + r.message,
      level: r.severity,
    }));
    finish(card, truthful(body.verdict, body.upload_ready !== false, reasons), reasons);
    return;
  }
  card.records = body.records || [];
  card.csv = body.csv || '';
  const notReady = new Set(card.records.filter((r) => r.upload_ready === false).map((r) => r.output));
  card.outputs = (body.outputs || []).map((o) => ({
    name: o.name,
    ready: !notReady.has(o.name),
    blob: new Blob([Uint8Array.from(atob(o.data), (c) => c.charCodeAt(0))], { type: o.content_type }),
  }));
  for (const o of card.outputs) o.url = URL.createObjectURL(o.blob);
  if (status !== 200) {
    const skipped = card.records.length > 0 && card.records.every((r) => r.status === 'skipped');
    finish(card, skipped ? 'skipped' : 'fail', [{ text: body.message, level: 'fail' }]);
    return;
  }
  const worst = ['ok', 'skipped', 'warn', 'failed']
    .filter((s) => card.records.some((r) => r.status === s)).pop();
  const verdict = { ok: 'pass', skipped: 'skipped', warn: 'warn', failed: 'fail' }[worst] || 'fail';
  const reasons = [];
  for (const r of card.records) {
    const prefix = r.page ? 'p' + r.page + ': ' : '';
    for (const w of r.warnings) reasons.push({ text: prefix + w, level: 'warn' });
    if (r.error) reasons.push({ text: prefix + r.error, level: 'fail' });
  }
  const ready = card.records.every((r) => r.upload_ready !== false || r.status === 'failed' || r.status === 'skipped');
  finish(card, truthful(verdict, ready, reasons), reasons);
}

/**
 * The verdict a person can act on: a picture the portal will not accept is a fail
 * (不通过), whatever its record's status, with what to do added to its reasons.
 */
function truthful(verdict, ready, reasons) {
  if (ready || verdict === 'fail' || verdict === 'skipped') return verdict;
  reasons.push({ text: t('page-not-ready'), level: 'fail' });
  return 'fail';
}

function finish(card, verdict, reasons) {
  card.state = 'done';
  card.verdict = verdict;
  card.reasons = reasons;
  render(card);
  if (card.kind === 'stitch') card.el.scrollIntoView({ block: 'center' });
  summarise();
}

// ---- drawing -------------------------------------------------------------------------

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function thumb(url, caption, check) {
  const figure = el('figure');
  const frame = el('div', 'frame');
  if (url) {
    const img = el('img');
    img.alt = caption;
    img.src = url;
    // HEIC, TIFF and PDF are not pictures a browser shows: say so instead.
    img.onerror = () => frame.replaceChildren(t('page-no-preview'));
    if (check && check.document && check.document.quad) img.onload = () => outline(frame, img, check);
    frame.append(img);
  } else {
    frame.textContent = '—';
  }
  figure.append(frame, el('figcaption', '', caption));
  return figure;
}

/**
 * The picture again with the document's outline found by check (its `document.quad`,
 * corners in the checked picture's pixels) drawn over it; dashed red when the frame
 * cuts the document. One SVG holds both, so they scale together.
 */
function outline(frame, img, check) {
  const ns = 'http://www.w3.org/2000/svg';
  const [w, h] = [img.naturalWidth, img.naturalHeight];
  const k = check.width ? w / check.width : 1;
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('class', 'outline');
  svg.setAttribute('viewBox', `0 0 ${w} ${h}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', img.alt);
  const image = document.createElementNS(ns, 'image');
  image.setAttribute('href', img.src);
  image.setAttribute('width', w);
  image.setAttribute('height', h);
  const quad = document.createElementNS(ns, 'polygon');
  const cut = (check.reasons || []).some((r) => r.code === 'border_cut');
  quad.setAttribute('class', cut ? 'quad cut' : 'quad');
  quad.setAttribute('points', check.document.quad.map(([x, y]) => `${x * k},${y * k}`).join(' '));
  svg.append(image, quad);
  frame.replaceChildren(svg);
}

function render(card) {
  const root = card.el;
  root.dataset.state = card.state;
  root.dataset.kind = card.kind;
  root.dataset.path = card.path;
  if (card.verdict) root.dataset.verdict = card.verdict;
  else delete root.dataset.verdict;

  const head = el('div', 'card-head');
  head.append(el('span', 'path', card.path));
  if (card.verdict) head.append(el('span', 'badge ' + card.verdict, t('page-verdict-' + card.verdict)));
  // The box that chooses a picture for combining, with its word beside it.
  const pick = el('label', 'pick');
  const select = el('input', 'select');
  select.type = 'checkbox';
  select.checked = card.selected;
  select.title = t('page-select');
  select.onchange = () => { card.selected = select.checked; };
  pick.append(select, el('span', '', t('page-select-label')));
  pick.hidden = card.kind !== 'convert' && card.kind !== 'check';

  const thumbs = el('div', 'thumbs');
  thumbs.append(thumb(card.beforeUrl, t('page-before'), card.check));
  if (card.kind !== 'check') thumbs.append(thumb(card.outputs[0] && card.outputs[0].url, t('page-after')));

  const progress = el('div', 'progress');
  const bar = el('div', 'bar');
  bar.style.width = Math.round(card.progress * 100) + '%';
  progress.append(bar);
  const stateText = {
    waiting: t('page-state-waiting'),
    uploading: t('page-state-uploading', { percent: Math.round(card.progress * 100) }),
    working: t('page-state-working'),
    retrying: t('page-state-retrying'),
    done: '',
  }[card.state];

  root.replaceChildren(head, thumbs, progress);
  if (!pick.hidden) root.append(pick);
  if (stateText) root.append(el('p', 'state', stateText));
  for (const line of facts(card)) root.append(el('p', line.className, line.text));
  if (card.reasons.length > 0) {
    const list = el('ul', 'reasons');
    for (const r of card.reasons) list.append(el('li', r.level, r.text));
    root.append(list);
  }
  const foot = el('div', 'card-foot');
  for (const o of card.outputs) {
    const link = el('a', 'download button' + (o.ready ? ' primary' : ''), t('page-download') + ' ' + baseOf(o.name));
    link.href = o.url;
    link.download = baseOf(o.name);
    foot.append(link);
    const share = shareButton(o);
    if (share) foot.append(share);
  }
  if (foot.childElementCount > 0) root.append(foot);
}

/**
 * On a phone whose browser can hand files to other apps (the Web Share API with
 * files), a button that saves the picture to the phone or gives it straight to the
 * provider's app; elsewhere the download link does that job.
 */
function shareButton(output) {
  if (!navigator.canShare) return null;
  const file = new File([output.blob], baseOf(output.name), { type: output.blob.type });
  if (!navigator.canShare({ files: [file] })) return null;
  const button = el('button', 'share' + (output.ready ? ' primary' : ''), t('page-share'));
  button.type = 'button';
  button.onclick = () => navigator.share({ files: [file] }).catch(() => {});
  return button;
}

/**
 * What check read off the picture: the kind when its text gave it, and the dates the
 * rules used, each with where it came from ("有效期至 2036-03-01（从图片读取，99%）").
 */
function readLines(c) {
  const lines = [];
  const from = (source, percent) => (source === 'picture' ? t('page-read-from-picture', { percent }) : '');
  if (c.kind_source === 'content') lines.push({ className: 'read', text: t('page-kind-from-content') });
  if (c.valid_until) {
    const text = c.valid_until === 'long_term'
      ? t('page-valid-long-term')
      : t('page-valid-until', { date: c.valid_until.until });
    lines.push({ className: 'read', text: text + from(c.valid_until_source, c.valid_until_confidence) });
  }
  if (c.issued) {
    lines.push({ className: 'read', text: t('page-issued', { date: c.issued }) + from(c.issued_source, c.issued_confidence) });
  }
  return lines;
}

/** The lines under the thumbnails: sizes, dimensions, pages, metadata, what was read. */
function facts(card) {
  const lines = [];
  const sep = t('page-list-separator');
  const names = (m) => ['exif', 'gps', 'xmp', 'icc', 'other']
    .filter((k) => m && m[k]).map((k) => (k === 'other' ? 'comments' : k.toUpperCase()));
  if (card.check) {
    const c = card.check;
    const dims = c.width ? ' · ' + c.width + '×' + c.height : '';
    lines.push({ className: 'facts', text: size(c.bytes) + dims + (c.format ? ' · ' + c.format.toUpperCase() : '') });
    if (c.pages) lines.push({ className: 'meta', text: t('page-pages', { count: c.pages }) });
    const found = names(c.metadata);
    if (found.length > 0) lines.push({ className: 'meta', text: t('page-found', { what: found.join(sep) }) });
    lines.push(...readLines(c));
    return lines;
  }
  const done = card.records.filter((r) => r.bytes_out != null);
  if (done.length === 0) return lines;
  const first = done[0];
  const after = done.reduce((n, r) => n + r.bytes_out, 0);
  lines.push({ className: 'facts', text: t('page-sizes', { before: size(first.bytes_in), after: size(after) }) });
  lines.push({
    className: 'facts',
    text: first.width_in + '×' + first.height_in + ' → ' + first.width_out + '×' + first.height_out,
  });
  if (card.kind === 'stitch') {
    const names = card.pieces.map((p) => baseOf(p.path)).join(t('page-list-separator'));
    lines.push({ className: 'meta', text: t('page-stitched-from', { names }) });
  }
  if (done.length > 1) lines.push({ className: 'meta', text: t('page-pages', { count: done.length }) });
  const removed = names(first.metadata_removed);
  lines.push({
    className: 'meta',
    text: removed.length > 0 ? t('page-removed', { what: removed.join(sep) }) : t('page-removed-none'),
  });
  return lines;
}

function summarise() {
  const count = (v) => state.cards.filter((c) => c.verdict === v).length;
  const busy = state.cards.filter((c) => c.state !== 'done').length;
  $('#summary').textContent = state.cards.length === 0 ? '' : t('page-summary', {
    files: state.cards.length, pass: count('pass'), warn: count('warn'),
    fail: count('fail'), skipped: count('skipped'), busy,
  });
}

function notice(text) {
  $('#notice').textContent = text;
  if (text) setTimeout(() => { if ($('#notice').textContent === text) $('#notice').textContent = ''; }, 6000);
}

// ---- stitch ----------------------------------------------------------------------------

function stitchSelected() {
  const chosen = state.cards.filter((c) => c.selected && c.file);
  if (chosen.length < 2) {
    notice(t('page-stitch-need-two'));
    return;
  }
  const stems = chosen.map((c) => stemOf(baseOf(c.path)));
  const outputStem = join(folderOf(chosen[0].path), stems.join('+').slice(0, 120));
  const card = newCard({
    kind: 'stitch', path: outputStem + '.jpg', outputStem,
    pieces: chosen.map((c) => ({ file: c.file, path: c.path })),
  });
  for (const c of chosen) {
    c.selected = false;
    render(c);
  }
  state.cards.push(card);
  $('#cards').append(card.el);
  render(card);
  // Below the other cards it would appear out of sight: bring it to the person.
  card.el.scrollIntoView({ block: 'center' });
  enqueue(card);
  summarise();
}

// ---- the ZIP -----------------------------------------------------------------------------

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(data) {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * A ZIP of `entries` ({name, data: Uint8Array}), stored without compression (JPEG and
 * PNG do not shrink further), names in UTF-8 (flag bit 11) so 客户A/授权书.jpg arrives
 * intact. Returns null past the plain ZIP limits (4 GB, 65,535 entries).
 */
function makeZip(entries) {
  const utf8 = new TextEncoder();
  const now = new Date();
  const time = (now.getHours() << 11) | (now.getMinutes() << 5) | (now.getSeconds() >> 1);
  const date = ((now.getFullYear() - 1980) << 9) | ((now.getMonth() + 1) << 5) | now.getDate();
  const parts = [];
  const directory = [];
  let offset = 0;
  for (const entry of entries) {
    const name = utf8.encode(entry.name);
    const crc = crc32(entry.data);
    const length = entry.data.length;
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint16(4, 20, true);
    local.setUint16(6, 0x0800, true);
    local.setUint16(8, 0, true);
    local.setUint16(10, time, true);
    local.setUint16(12, date, true);
    local.setUint32(14, crc, true);
    local.setUint32(18, length, true);
    local.setUint32(22, length, true);
    local.setUint16(26, name.length, true);
    local.setUint16(28, 0, true);
    parts.push(local, name, entry.data);
    const central = new DataView(new ArrayBuffer(46));
    central.setUint32(0, 0x02014b50, true);
    central.setUint16(4, 20, true);
    central.setUint16(6, 20, true);
    central.setUint16(8, 0x0800, true);
    central.setUint16(10, 0, true);
    central.setUint16(12, time, true);
    central.setUint16(14, date, true);
    central.setUint32(16, crc, true);
    central.setUint32(20, length, true);
    central.setUint32(24, length, true);
    central.setUint16(28, name.length, true);
    central.setUint32(42, offset, true);
    directory.push(central, name);
    offset += 30 + name.length + length;
    if (offset > 0xffffffff) return null;
  }
  if (entries.length > 0xffff) return null;
  const directorySize = directory.reduce((n, p) => n + p.byteLength, 0);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, entries.length, true);
  end.setUint16(10, entries.length, true);
  end.setUint32(12, directorySize, true);
  end.setUint32(16, offset, true);
  return new Blob([...parts, ...directory, end], { type: 'application/zip' });
}

/** Every output, in its folder, and report.csv: one row per file, as `convert --report`. */
async function downloadAll() {
  const done = state.cards.filter((c) => c.state === 'done' && c.kind !== 'check');
  const outputs = done.flatMap((c) => c.outputs);
  if (outputs.length === 0) {
    notice(t('page-zip-empty'));
    return;
  }
  // Upload-ready pictures at the top; the others apart, in a folder that says what to do.
  const entries = [];
  const apart = t('page-zip-rescan-folder') + '/';
  for (const o of outputs) {
    entries.push({ name: (o.ready ? '' : apart) + o.name, data: new Uint8Array(await o.blob.arrayBuffer()) });
  }
  const withCsv = done.filter((c) => c.csv);
  const header = withCsv.length > 0 ? withCsv[0].csv.slice(0, withCsv[0].csv.indexOf('\n') + 1) : '';
  const rows = withCsv.map((c) => c.csv.slice(c.csv.indexOf('\n') + 1)).join('');
  // The BOM makes Excel read the names as UTF-8, not as the system's code page.
  entries.push({ name: 'report.csv', data: new TextEncoder().encode('\ufeff' + header + rows) });
  const zip = makeZip(entries);
  if (!zip) {
    notice(t('page-zip-too-big'));
    return;
  }
  const link = document.createElement('a');
  link.href = URL.createObjectURL(zip);
  link.download = 'scanfit.zip';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 60000);
}

// ---- wiring --------------------------------------------------------------------------------

function clearAll() {
  for (const c of state.cards) {
    if (c.beforeUrl) URL.revokeObjectURL(c.beforeUrl);
    for (const o of c.outputs) URL.revokeObjectURL(o.url);
    c.el.remove();
  }
  state.cards = [];
  state.queue = [];
  summarise();
}

/** The check-only switch: every file card is done again in the new mode. */
function switchMode() {
  const kind = $('#check-only').checked ? 'check' : 'convert';
  for (const c of state.cards) {
    if (!c.file) continue;
    for (const o of c.outputs) URL.revokeObjectURL(o.url);
    c.generation++;
    Object.assign(c, { kind, state: 'waiting', progress: 0, verdict: null, reasons: [], records: [], outputs: [], csv: '', check: null });
    render(c);
    if (!state.queue.includes(c)) enqueue(c);
  }
  summarise();
}

/** The provider choices: this server's own limits, then each provider the rules know. */
function fillPortals() {
  const select = $('#portal');
  const chosen = select.value;
  const ids = state.info.portals || [];
  select.replaceChildren(el('option', '', t('page-portal-default')));
  select.options[0].value = '';
  for (const id of ids) {
    const option = el('option', '', state.words['page-portal-' + id] || id);
    option.value = id;
    select.append(option);
  }
  select.value = ids.includes(chosen) ? chosen : '';
}

/** On the desktop, the code a phone scans to open this page already authorised. */
async function showPhoneCode() {
  if (!state.info.phone || !state.token) return;
  const response = await fetch('/api/v1/phone', { headers: { Authorization: 'Bearer ' + state.token } });
  if (!response.ok) return;
  $('#phone-qr').src = URL.createObjectURL(await response.blob());
  $('#phone-box').hidden = false;
}

async function start() {
  try {
    const response = await fetch('/api/v1/info');
    if (response.ok) state.info = await response.json();
  } catch (e) {
    notice(String(e));
  }
  const saved = localStorage.getItem('scanfit-lang');
  await loadWords(saved || '');
  if (state.info.token_required && !state.token) $('#token-box').hidden = false;
  showPhoneCode();

  for (const b of document.querySelectorAll('[data-lang]')) {
    b.onclick = () => {
      localStorage.setItem('scanfit-lang', b.dataset.lang);
      loadWords(b.dataset.lang);
    };
  }
  const pick = (input) => () => {
    addFiles([...input.files].map((file) => ({ file, path: file.webkitRelativePath || file.name })));
    input.value = '';
  };
  $('#pick-files').onchange = pick($('#pick-files'));
  $('#pick-folder').onchange = pick($('#pick-folder'));
  $('#take-photo').onchange = pick($('#take-photo'));
  $('#portal').onchange = switchMode;
  const drop = $('#drop');
  drop.ondragover = (e) => { e.preventDefault(); drop.classList.add('over'); };
  drop.ondragleave = () => drop.classList.remove('over');
  drop.ondrop = async (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    addFiles(await droppedFiles(e.dataTransfer));
  };
  // A file dropped beside the zone must not make the browser navigate away.
  window.addEventListener('dragover', (e) => e.preventDefault());
  window.addEventListener('drop', (e) => e.preventDefault());
  $('#check-only').onchange = switchMode;
  $('#stitch').onclick = stitchSelected;
  $('#download-all').onclick = downloadAll;
  $('#clear').onclick = clearAll;
  $('#token-save').onclick = () => {
    state.token = $('#token').value.trim();
    sessionStorage.setItem('scanfit-token', state.token);
    $('#token-box').hidden = true;
    const waiting = tokenWaiters;
    tokenWaiters = [];
    for (const ok of waiting) ok();
    showPhoneCode();
  };
}

start();
