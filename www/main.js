// The page: picks files, hands them to the scanning worker, and shows what comes back.
// All text from the files is inserted with textContent, never parsed as HTML: findings carry
// attacker-chosen strings (rule names, addresses).

const SEVERITY_RANK = { critical: 4, high: 3, medium: 2, low: 1, informational: 0 };
const SVG_NS = 'http://www.w3.org/2000/svg';
const STAT_KEYS = ['records', 'events', 'ignored', 'rejected', 'duplicates', 'findings'];

const el = {
  input: document.getElementById('file-input'),
  dropZone: document.getElementById('drop-zone'),
  tenantDomains: document.getElementById('tenant-domains'),
  tableScroll: document.getElementById('table-scroll'),
  status: document.getElementById('status'),
  error: document.getElementById('error'),
  fileList: document.getElementById('file-list'),
  summary: document.getElementById('scan-summary'),
  exportButton: document.getElementById('export'),
  stats: document.getElementById('stats'),
  findingsBody: document.getElementById('findings-body'),
  findingsEmpty: document.getElementById('findings-empty'),
  ignoredBox: document.getElementById('ignored-box'),
  ignoredList: document.getElementById('ignored-list'),
  rejections: document.getElementById('rejections'),
  rejectionsNote: document.getElementById('rejections-note'),
};

const rowFinding = new WeakMap(); // table row -> its finding

const state = {
  worker: null,
  scanning: false,
  files: [],
  findings: [],
  stats: null,
  rejections: [],
  expanded: new Set(), // the finding objects whose rows are open
  startedAt: 0,
  renderPending: false,
};

// ---------------------------------------------------------------- small helpers

function make(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key.startsWith('data-') || key.startsWith('aria-') || key === 'role') node.setAttribute(key, value);
    else node[key] = value;
  }
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

function formatBytes(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = -1;
  do {
    value /= 1024;
    unit += 1;
  } while (value >= 1024 && unit < units.length - 1);
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** `2025-03-04T09:15:02.000Z` as `2025-03-04 09:15:02` (UTC); anything unparsable as given. */
function formatTime(text) {
  const time = new Date(text);
  if (typeof text !== 'string' || Number.isNaN(time.getTime())) return String(text ?? '');
  return time.toISOString().replace('T', ' ').replace(/\.\d+Z$/, '').replace(/Z$/, '');
}

function timeElement(text) {
  return make('time', { dateTime: String(text ?? ''), text: formatTime(text) });
}

const ACRONYMS = new Set(['ip', 'id', 'ids', 'url', 'smtp', 'mfa']);

/** `client_ip` as `Client IP`. */
function humanize(key) {
  const words = String(key).split('_').filter(Boolean)
    .map((word) => (ACRONYMS.has(word.toLowerCase()) ? word.toUpperCase() : word));
  const text = words.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function plural(count, word) {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

// ---------------------------------------------------------------- status and errors

function setStatus(state_, text = state_) {
  el.status.dataset.state = state_;
  el.status.textContent = text;
}

function showError(message) {
  el.error.textContent = message;
  el.error.hidden = false;
}

function clearError() {
  el.error.textContent = '';
  el.error.hidden = true;
}

// ---------------------------------------------------------------- scanning

function readConfig() {
  const domains = el.tenantDomains.value.split(/[\s,;]+/).filter(Boolean);
  return domains.length > 0 ? { tenant_domains: domains } : undefined;
}

function ensureWorker() {
  if (state.worker) return state.worker;
  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  worker.addEventListener('message', (event) => {
    if (worker === state.worker) onWorkerMessage(event.data);
  });
  worker.addEventListener('error', (event) => {
    if (worker !== state.worker) return;
    event.preventDefault();
    const detail = event.message ? `: ${event.message}` : '';
    failScan(`The analysis engine could not be started${detail}. The page needs its pkg/ folder (built by ./scripts/build-wasm.sh) and must be served over HTTP.`);
    dropWorker();
  });
  worker.addEventListener('messageerror', () => {
    if (worker === state.worker) failScan('A message from the analysis engine could not be read.');
  });
  state.worker = worker;
  return worker;
}

function dropWorker() {
  state.worker?.terminate();
  state.worker = null;
}

function startScan(fileList) {
  const files = Array.from(fileList ?? []);
  if (files.length === 0) return;
  // A scan already running is abandoned: its worker stops and a fresh one takes over.
  if (state.scanning) dropWorker();

  state.scanning = true;
  state.files = files.map((file) => ({ name: file.name, size: file.size, bytes: 0, phase: 'waiting' }));
  state.findings = [];
  state.stats = null;
  state.rejections = [];
  state.expanded.clear();
  state.startedAt = performance.now();

  clearError();
  el.exportButton.disabled = true;
  el.summary.textContent = `Scanning ${plural(files.length, 'file')}…`;
  renderFiles();
  renderStats();
  renderFindings();
  renderRejections();
  setStatus('scanning');

  try {
    ensureWorker().postMessage({ type: 'scan', files, config: readConfig() });
  } catch (error) {
    failScan(`The scan could not start: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function failScan(message) {
  state.scanning = false;
  showError(message);
  setStatus('failed');
  el.summary.textContent = 'The scan stopped before the end; the results below are incomplete.';
  el.exportButton.disabled = true;
  renderFiles();
}

function onWorkerMessage(message) {
  switch (message?.type) {
    case 'file': {
      state.files.forEach((file, index) => {
        if (index < message.index) file.phase = 'read';
      });
      const file = state.files[message.index];
      if (file) file.phase = 'reading';
      renderFiles();
      break;
    }
    case 'progress': {
      const file = state.files[message.index];
      if (file) {
        file.bytes = message.bytes;
        updateFileProgress(message.index);
      }
      break;
    }
    case 'findings':
      state.findings.push(...message.findings);
      scheduleRender();
      break;
    case 'done': {
      state.scanning = false;
      state.stats = message.stats;
      state.rejections = message.rejections ?? [];
      for (const file of state.files) file.phase = 'read';
      renderFiles();
      renderStats();
      renderFindings();
      renderRejections();
      const seconds = ((performance.now() - state.startedAt) / 1000).toFixed(1);
      const total = state.files.reduce((sum, file) => sum + file.size, 0);
      el.summary.textContent = `Scanned ${plural(state.files.length, 'file')} (${formatBytes(total)}) in ${seconds} s: `
        + `${plural(state.stats?.records ?? 0, 'record')}, ${plural(state.findings.length, 'finding')}.`;
      el.exportButton.disabled = false;
      setStatus('done');
      break;
    }
    case 'error': {
      const where = message.file ? ` while reading ${message.file}` : '';
      failScan(`Scan failed${where}: ${message.message}`);
      break;
    }
    default:
      failScan(`Unexpected message from the analysis engine: ${JSON.stringify(message)}`);
  }
}

// ---------------------------------------------------------------- rendering

function renderFiles() {
  el.fileList.replaceChildren(
    ...state.files.map((file, index) => {
      const progress = make('progress', { max: Math.max(file.size, 1), value: 0 });
      progress.setAttribute('aria-label', `${file.name} read`);
      return make('li', { 'data-file-index': String(index), 'data-phase': file.phase },
        make('span', { class: 'file-name', text: file.name }),
        progress,
        make('span', { class: 'file-bytes' }));
    }),
  );
  state.files.forEach((_, index) => updateFileProgress(index));
}

function updateFileProgress(index) {
  const file = state.files[index];
  const item = el.fileList.querySelector(`li[data-file-index="${index}"]`);
  if (!file || !item) return;
  const bytes = file.phase === 'read' ? file.size : file.bytes;
  item.dataset.phase = file.phase;
  item.querySelector('progress').value = file.size === 0 ? (file.phase === 'read' ? 1 : 0) : bytes;
  item.querySelector('.file-bytes').textContent = `${formatBytes(bytes)} of ${formatBytes(file.size)}`;
}

function renderStats() {
  const stats = state.stats;
  for (const key of STAT_KEYS) {
    const cell = el.stats.querySelector(`[data-stat="${key}"]`);
    cell.textContent = stats ? String(stats[key] ?? 0) : (key === 'findings' ? String(state.findings.length) : '–');
  }
  const reasons = Object.entries(stats?.ignored_by_reason ?? {});
  el.ignoredBox.hidden = reasons.length === 0;
  el.ignoredList.replaceChildren(
    ...reasons.map(([reason, count]) => make('li', {}, make('span', { text: reason }), make('span', { class: 'count', text: String(count) }))),
  );
}

function scheduleRender() {
  if (state.renderPending) return;
  state.renderPending = true;
  requestAnimationFrame(() => {
    state.renderPending = false;
    renderFindings();
    if (!state.stats) renderStats();
  });
}

function compareFindings(a, b) {
  return (SEVERITY_RANK[b.severity] ?? -1) - (SEVERITY_RANK[a.severity] ?? -1)
    || String(a.first_seen).localeCompare(String(b.first_seen))
    || String(a.id).localeCompare(String(b.id));
}

function renderFindings() {
  const sorted = [...state.findings].sort(compareFindings);
  const rows = [];
  sorted.forEach((finding, index) => {
    const detailId = `finding-detail-${index}`;
    const open = state.expanded.has(finding);
    const toggle = make('button', {
      type: 'button',
      class: 'disclose',
      'aria-expanded': String(open),
      'aria-controls': detailId,
      'aria-label': `Evidence and details: ${finding.summary ?? finding.detection}`,
    }, chevron());
    const row = make('tr', { class: 'finding', 'data-testid': 'finding-row', 'data-id': finding.id, 'data-severity': finding.severity },
      make('td', { class: 'cell-toggle' }, toggle),
      make('td', {}, severityBadge(finding.severity)),
      make('td', {},
        make('code', { class: 'detection', text: finding.detection }),
        finding.technique ? make('div', { class: 'technique', text: [finding.technique, finding.tactic].filter(Boolean).join(' · ') }) : null),
      make('td', { class: 'entity' },
        make('span', { text: finding.entity?.value ?? '' }),
        finding.entity?.kind ? make('span', { class: 'entity-kind', text: finding.entity.kind }) : null),
      make('td', { class: 'time' }, timeElement(finding.first_seen)),
      make('td', { class: 'summary', text: finding.summary ?? '' }));
    if (open) row.classList.add('open');
    rowFinding.set(row, finding);
    const detail = make('tr', { class: 'finding-detail', id: detailId, 'data-testid': 'finding-detail', hidden: !open },
      make('td', { colSpan: 6 }, findingDetail(finding)));
    rows.push(row, detail);
  });
  el.findingsBody.replaceChildren(...rows);
  el.tableScroll.hidden = sorted.length === 0;
  el.findingsEmpty.hidden = sorted.length > 0;
  el.findingsEmpty.textContent = state.scanning ? 'No findings so far.' : (state.stats ? 'No findings: nothing suspicious was detected.' : 'No findings yet.');
}

function chevron() {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS(SVG_NS, 'path');
  path.setAttribute('d', 'M6 3.5 10.5 8 6 12.5');
  svg.append(path);
  return svg;
}

function severityBadge(severity) {
  const known = Object.hasOwn(SEVERITY_RANK, severity) ? severity : 'unknown';
  return make('span', { class: `badge sev-${known}`, text: String(severity ?? 'unknown') });
}

function findingDetail(finding) {
  const evidence = make('ul', { class: 'evidence', 'data-testid': 'evidence' },
    ...(finding.evidence ?? []).map((id) => make('li', {}, make('code', { text: String(id) }))));
  const facts = make('dl', { class: 'facts' },
    ...fact('Confidence', finding.confidence),
    ...fact('First seen (UTC)', timeElement(finding.first_seen)),
    ...fact('Last seen (UTC)', timeElement(finding.last_seen)),
    ...fact('Finding id', make('code', { text: String(finding.id ?? '') })));
  const details = make('dl', { class: 'facts' },
    ...Object.entries(finding.details ?? {}).flatMap(([key, value]) => fact(humanize(key), renderValue(value))));
  return make('div', { class: 'detail-grid' },
    make('section', {}, make('h4', { text: 'Evidence (record ids)' }), evidence, facts),
    make('section', {}, make('h4', { text: 'Details' }), details));
}

function fact(label, value) {
  const dd = make('dd');
  if (value instanceof Node) dd.append(value);
  else dd.textContent = String(value ?? '—');
  return [make('dt', { text: label }), dd];
}

/** Any JSON value, generically: lists as lists, `{name, value}` pairs as `name = value`. */
function renderValue(value) {
  if (value === null || value === undefined || value === '') return make('span', { class: 'muted', text: '—' });
  if (typeof value === 'boolean') return make('span', { text: value ? 'yes' : 'no' });
  if (Array.isArray(value)) {
    if (value.length === 0) return make('span', { class: 'muted', text: 'none' });
    return make('ul', { class: 'values' }, ...value.map((item) => make('li', {}, renderValue(item))));
  }
  if (typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 2 && 'name' in value && 'value' in value) {
      return make('span', {}, make('code', { text: String(value.name) }), ' = ', make('code', { text: String(value.value) }));
    }
    return make('code', { class: 'json', text: JSON.stringify(value) });
  }
  const text = String(value);
  // A value with no letter or digit (an attacker's rule named ".") is easy to miss: quote it.
  if (typeof value === 'string' && !/[\p{L}\p{N}]/u.test(text)) {
    return make('code', { class: 'value', text: JSON.stringify(text) });
  }
  return make('span', { class: 'value', text });
}

function renderRejections() {
  const list = state.rejections;
  el.rejections.replaceChildren(
    ...list.map(({ location = {}, reason }) => make('li', {},
      make('code', { class: 'location', text: `${location.input}:${location.line} (record ${location.record})` }),
      make('span', { text: `: ${reason}` }))),
  );
  const rejected = state.stats?.rejected ?? 0;
  if (!state.stats) el.rejectionsNote.textContent = state.scanning ? 'Shown when the scan ends.' : 'None.';
  else if (rejected === 0) el.rejectionsNote.textContent = 'None: every record was read.';
  else if (rejected > list.length) el.rejectionsNote.textContent = `Showing the first ${list.length} of ${rejected} rejected records.`;
  else el.rejectionsNote.textContent = `${plural(rejected, 'record')} could not be read and ${rejected === 1 ? 'was' : 'were'} skipped:`;
}

// ---------------------------------------------------------------- export

function exportFindings() {
  const body = JSON.stringify({ findings: [...state.findings].sort(compareFindings), stats: state.stats }, null, 2);
  const url = URL.createObjectURL(new Blob([body], { type: 'application/json' }));
  const link = make('a', { href: url, download: 'mailhound-findings.json' });
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

// ---------------------------------------------------------------- wiring

el.input.addEventListener('change', () => {
  const files = Array.from(el.input.files ?? []);
  el.input.value = ''; // so choosing the same file again scans it again
  startScan(files);
});

el.findingsBody.addEventListener('click', (event) => {
  const row = event.target.closest('tr.finding');
  if (!row) return;
  // Selecting text in a row (to copy an address) is not a toggle; the button always is.
  const selection = window.getSelection();
  if (!event.target.closest('button') && selection && !selection.isCollapsed && row.contains(selection.anchorNode)) return;
  const finding = rowFinding.get(row);
  const open = !state.expanded.has(finding);
  if (open) state.expanded.add(finding);
  else state.expanded.delete(finding);
  row.classList.toggle('open', open);
  row.querySelector('.disclose').setAttribute('aria-expanded', String(open));
  row.nextElementSibling.hidden = !open;
});

el.dropZone.addEventListener('click', (event) => {
  if (event.target.closest('label, input, a, button')) return;
  el.input.click();
});

let dragDepth = 0;
el.dropZone.addEventListener('dragenter', (event) => {
  event.preventDefault();
  dragDepth += 1;
  el.dropZone.classList.add('dragging');
});
el.dropZone.addEventListener('dragover', (event) => {
  event.preventDefault();
  if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
});
el.dropZone.addEventListener('dragleave', () => {
  dragDepth = Math.max(0, dragDepth - 1);
  if (dragDepth === 0) el.dropZone.classList.remove('dragging');
});
el.dropZone.addEventListener('drop', (event) => {
  event.preventDefault();
  dragDepth = 0;
  el.dropZone.classList.remove('dragging');
  startScan(event.dataTransfer?.files);
});
// A file dropped next to the zone must not make the browser navigate away to it.
window.addEventListener('dragover', (event) => event.preventDefault());
window.addEventListener('drop', (event) => event.preventDefault());

el.exportButton.addEventListener('click', exportFindings);

window.addEventListener('error', (event) => showError(`Unexpected error: ${event.message}`));
window.addEventListener('unhandledrejection', (event) => {
  const reason = event.reason instanceof Error ? event.reason.message : String(event.reason);
  showError(`Unexpected error: ${reason}`);
});

setStatus('idle', 'ready');
