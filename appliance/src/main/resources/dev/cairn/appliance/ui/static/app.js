// The status UI: pages switched by the URL fragment, each filled from the appliance's JSON API.
'use strict';

const PAGES = ['query', 'endpoints', 'agents', 'blocks', 'store'];
const MAX_ROWS = 1000;

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v; else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

function showMessage(id, text) {
  const box = document.getElementById(id);
  box.textContent = text || '';
  box.hidden = !text;
}

// fetchJson resolves to {status, body}; body is the parsed JSON or null when the answer is not JSON.
async function fetchJson(url) {
  const resp = await fetch(url, {headers: {Accept: 'application/json'}});
  const text = await resp.text();
  let body = null;
  try { body = JSON.parse(text); } catch (e) { body = null; }
  return {status: resp.status, body: body, text: text};
}

function apiError(r) {
  if (r.body && r.body.status === 'error') return r.body.errorType + ': ' + r.body.error;
  return 'HTTP ' + r.status + ': ' + r.text.trim();
}

function formatLabels(metric) {
  const name = metric.__name__ || '';
  const pairs = Object.keys(metric).filter(k => k !== '__name__').sort()
    .map(k => k + '="' + metric[k].replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"');
  return name + (pairs.length || !name ? '{' + pairs.join(', ') + '}' : '');
}

function formatTime(ms) {
  if (ms === null || ms === undefined) return '—';
  if (ms <= -9e15 || ms >= 9e15) return ms < 0 ? '−∞' : '+∞';
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

// ---- query page ----

function parseEnd() {
  const v = document.getElementById('end').value.trim();
  if (!v) return Date.now() / 1000;
  if (/^\d+(\.\d+)?$/.test(v)) return parseFloat(v);
  const t = Date.parse(v);
  if (isNaN(t)) throw new Error('end time "' + v + '" is neither RFC3339 nor Unix seconds');
  return t / 1000;
}

async function runQuery(ev) {
  if (ev) ev.preventDefault();
  const expr = document.getElementById('expr').value.trim();
  showMessage('query-error', '');
  const warnBox = document.getElementById('query-warnings');
  warnBox.replaceChildren();
  warnBox.hidden = true;
  if (!expr) { showMessage('query-error', 'Enter an expression.'); return; }
  let end;
  try { end = parseEnd(); } catch (e) { showMessage('query-error', e.message); return; }
  const range = parseInt(document.getElementById('range').value, 10);
  const step = Math.max(1, Math.round(range / 250));
  const start = end - range;
  location.hash = '#query?expr=' + encodeURIComponent(expr);
  const t0 = performance.now();
  const q = encodeURIComponent(expr);
  const [instant, ranged] = await Promise.all([
    fetchJson('/api/v1/query?query=' + q + '&time=' + end),
    fetchJson('/api/v1/query_range?query=' + q + '&start=' + start + '&end=' + end + '&step=' + step),
  ]).catch(e => { showMessage('query-error', 'request failed: ' + e.message); return [null, null]; });
  if (!instant) return;
  document.getElementById('query-stats').textContent = 'answered in ' + Math.round(performance.now() - t0) + ' ms';
  const warnings = new Set();
  for (const r of [instant, ranged]) (r.body && r.body.warnings || []).forEach(w => warnings.add(w));
  for (const w of warnings) warnBox.append(el('li', {class: 'query-warning'}, w));
  warnBox.hidden = warnings.size === 0;
  if (instant.status !== 200 || !instant.body || instant.body.status !== 'success') {
    showMessage('query-error', apiError(instant));
    renderTable(null);
  } else {
    document.getElementById('table-time').textContent = 'at ' + formatTime(end * 1000);
    renderTable(instant.body.data);
  }
  const svg = document.getElementById('graph');
  const legend = document.getElementById('graph-legend');
  if (ranged.status !== 200 || !ranged.body || ranged.body.status !== 'success') {
    // an instant-only expression (a range vector, a string) has no graph; its error shows once
    if (instant.status === 200) showMessage('query-error', 'graph: ' + apiError(ranged));
    CairnGraph.clear(svg, legend);
  } else {
    CairnGraph.draw(svg, legend, ranged.body.data.result, start, end, step);
  }
}

function renderTable(data) {
  const tbody = document.querySelector('#result-table tbody');
  tbody.replaceChildren();
  if (!data) return;
  const row = (series, value) => tbody.append(el('tr', {class: 'result-row'},
    el('td', {class: 'series'}, series), el('td', {class: 'value'}, value)));
  // a browser table of a million rows helps nobody and freezes the tab: show the first MAX_ROWS
  const shown = Array.isArray(data.result) && data.resultType !== 'scalar' && data.resultType !== 'string'
    ? data.result.slice(0, MAX_ROWS) : data.result;
  switch (data.resultType) {
    case 'vector':
      shown.forEach(s => row(formatLabels(s.metric), s.value[1]));
      break;
    case 'matrix':
      shown.forEach(s => row(formatLabels(s.metric),
        s.values.map(v => v[1] + ' @' + v[0]).join('\n')));
      break;
    case 'scalar':
      row('scalar', data.result[1]);
      break;
    case 'string':
      row('string', data.result[1]);
      break;
  }
  if (shown !== data.result) {
    if (data.result.length > MAX_ROWS) {
      tbody.append(el('tr', {class: 'truncated'}, el('td', {colspan: '2', class: 'muted'},
        'Showing ' + MAX_ROWS + ' of ' + data.result.length + ' series; narrow the expression to see the rest')));
    }
  }
  if (!tbody.children.length) {
    tbody.append(el('tr', {class: 'empty'}, el('td', {colspan: '2', class: 'muted'}, 'Empty query result')));
  }
}

// ---- endpoints page ----

async function loadEndpoints() {
  const tbody = document.querySelector('#endpoints tbody');
  let r;
  try { r = await fetchJson('/api/v1/stores'); } catch (e) { showMessage('endpoints-error', e.message); return; }
  if (r.status !== 200 || !r.body) { showMessage('endpoints-error', apiError(r)); return; }
  showMessage('endpoints-error', '');
  tbody.replaceChildren();
  for (const [kind, list] of Object.entries(r.body.data)) {
    for (const s of list) {
      const labels = (s.labelSets || []).map(formatLabels).join('\n') || '(none)';
      tbody.append(el('tr', {class: 'endpoint', 'data-name': s.name},
        el('td', {class: 'mono'}, s.name),
        el('td', {class: s.healthy ? 'healthy' : 'unhealthy'}, s.healthy ? 'UP' : 'DOWN'),
        el('td', {}, s.lastCheck || 'not yet'),
        el('td', {class: 'mono'}, s.lastError || ''),
        el('td', {class: 'mono'}, labels),
        el('td', {}, formatTime(s.minTime)),
        el('td', {}, formatTime(s.maxTime)),
        el('td', {}, kind + (s.static ? ', configured' : ', discovered') + (s.tls ? ', TLS' : ''))));
    }
  }
}

// ---- agents page ----

async function loadAgents() {
  const table = document.getElementById('agents');
  const tbody = table.querySelector('tbody');
  let r;
  try { r = await fetchJson('/api/v1/agents'); } catch (e) { showMessage('agents-error', e.message); return; }
  showMessage('agents-error', '');
  // 404: this appliance has no agents' registry (agents disabled); both mean nobody reported
  const agents = r.status === 200 && r.body && Array.isArray(r.body.data) ? r.body.data : null;
  if (r.status !== 404 && agents === null) showMessage('agents-error', apiError(r));
  const none = !agents || agents.length === 0;
  document.getElementById('agents-empty').hidden = !none;
  table.hidden = none;
  tbody.replaceChildren();
  for (const a of agents || []) {
    const labels = a.external_labels ? formatLabels(a.external_labels) : '';
    tbody.append(el('tr', {class: 'agent', 'data-agent': a.agent_id},
      el('td', {class: 'mono'}, a.agent_id),
      el('td', {}, a.hostname || ''),
      el('td', {class: a.healthy ? 'healthy' : 'unhealthy'}, a.healthy ? 'healthy' : 'silent'),
      el('td', {}, a.last_heartbeat || ''),
      el('td', {}, a.mode || ''),
      el('td', {}, a.version || ''),
      el('td', {class: 'num'}, a.queue_bytes === undefined ? '' : a.queue_bytes + ' B'),
      el('td', {class: 'num'}, a.oldest_unsent_age_seconds === undefined ? '' : a.oldest_unsent_age_seconds + ' s'),
      el('td', {class: 'mono'}, (a.last_shipped_block || '') + (a.last_shipped_time ? ' at ' + a.last_shipped_time : '')),
      el('td', {}, a.certificate_not_after || ''),
      el('td', {class: 'mono'}, labels)));
  }
}

// ---- navigation ----

function show(page) {
  if (!PAGES.includes(page)) page = 'query';
  for (const p of PAGES) document.getElementById('page-' + p).hidden = p !== page;
  document.querySelectorAll('nav a').forEach(a => a.classList.toggle('active', a.dataset.page === page));
  if (page === 'endpoints') loadEndpoints();
  if (page === 'agents') loadAgents();
  if (page === 'blocks') CairnBlocks.load();
  if (page === 'store') CairnStore.load();
}

function route() {
  const hash = location.hash.replace(/^#/, '');
  const [page, query] = hash.split('?');
  if (page === 'query' && query) {
    const expr = new URLSearchParams(query).get('expr');
    const box = document.getElementById('expr');
    if (expr !== null && box.value !== expr) { box.value = expr; }
  }
  show(page || 'query');
}

document.getElementById('query-form').addEventListener('submit', runQuery);
document.getElementById('expr').addEventListener('keydown', e => {
  if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); runQuery(); }
});
document.getElementById('blocks-refresh').addEventListener('click', () => CairnBlocks.load());
document.getElementById('store-refresh').addEventListener('click', () => CairnStore.load());
window.addEventListener('hashchange', route);
route();
