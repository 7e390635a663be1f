// The bucket's blocks as Thanos's bucket web shows them: one timeline per resolution, a row of lanes per
// external label set, each block a rectangle over its time range; plus the compactor's state and a table.
'use strict';

const CairnBlocks = (() => {
  const NS = 'http://www.w3.org/2000/svg';
  const RESOLUTIONS = [[0, 'raw'], [300000, '5m'], [3600000, '1h']];
  const LEVEL_COLORS = ['#9ecae1', '#6baed6', '#4292c6', '#2171b5', '#08519c', '#08306b'];
  const WIDTH = 960, LEFT = 8, RIGHT = 8, LANE = 18, HEADER = 16, AXIS = 22;

  function svgNode(tag, attrs, text) {
    const e = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function duration(ms) {
    const units = [['d', 86400000], ['h', 3600000], ['m', 60000], ['s', 1000]];
    let out = '';
    for (const [u, size] of units) {
      if (ms >= size) { out += Math.floor(ms / size) + u; ms %= size; }
    }
    return out || ms + 'ms';
  }

  function labelsOf(b) {
    return formatLabels((b.thanos && b.thanos.labels) || {});
  }

  function resolutionOf(b) {
    return (b.thanos && b.thanos.downsample && b.thanos.downsample.resolution) || 0;
  }

  function markText(marks) {
    if (!marks) return '';
    const parts = [];
    if (marks.deletion) parts.push('deletion marked ' + new Date(marks.deletion.deletion_time * 1000).toISOString()
      + (marks.deletion.details ? ' (' + marks.deletion.details + ')' : ''));
    if (marks.noCompact !== undefined) parts.push('no-compact' + (marks.noCompact ? ': ' + marks.noCompact : ''));
    return parts.join('; ');
  }

  function showDetail(b, marks) {
    const box = document.getElementById('block-detail');
    const s = b.stats || {};
    box.replaceChildren(
      el('div', {class: 'mono'}, 'Block ' + b.ulid),
      el('div', {}, formatTime(b.minTime) + ' – ' + formatTime(b.maxTime) + ' (' + duration(b.maxTime - b.minTime) + ')'),
      el('div', {}, 'level ' + b.compaction.level + ', source ' + ((b.thanos && b.thanos.source) || '?')
        + ', resolution ' + (resolutionOf(b) ? duration(resolutionOf(b)) : 'raw')),
      el('div', {}, (s.numSeries || 0) + ' series, ' + (s.numSamples || 0) + ' samples, ' + (s.numChunks || 0) + ' chunks'),
      el('div', {class: 'mono'}, 'labels ' + labelsOf(b)),
      el('div', {class: 'error'}, markText(marks)));
    box.lastChild.hidden = !marks;
    box.hidden = false;
  }

  // Greedy lanes: a block goes into the first lane whose last block ended before it starts.
  function lanes(blocks) {
    const ends = [], out = [];
    for (const b of blocks.slice().sort((a, c) => a.minTime - c.minTime || a.ulid.localeCompare(c.ulid))) {
      let i = ends.findIndex(e => e <= b.minTime);
      if (i < 0) { i = ends.length; ends.push(0); }
      ends[i] = b.maxTime;
      out.push([b, i]);
    }
    return {placed: out, count: Math.max(1, ends.length)};
  }

  // The first mark in full, the others as short as the span allows (UTC).
  function tickLabel(ms, i, span) {
    const iso = new Date(ms).toISOString();
    if (i === 0) return iso.substring(0, 19) + 'Z';
    return span < 2 * 86400000 ? iso.substring(11, 19) : iso.substring(5, 16).replace('T', ' ');
  }

  function timeline(name, blocks, marks, lo, hi) {
    const groups = new Map();
    for (const b of blocks) {
      const k = labelsOf(b);
      if (!groups.has(k)) groups.set(k, []);
      groups.get(k).push(b);
    }
    const laid = [...groups.entries()].sort().map(([k, bs]) => [k, lanes(bs)]);
    const height = laid.reduce((n, [, l]) => n + HEADER + l.count * LANE, 0) + AXIS;
    const svg = svgNode('svg', {width: WIDTH, height: height, class: 'timeline-svg'});
    const x = t => LEFT + (t - lo) / Math.max(1, hi - lo) * (WIDTH - LEFT - RIGHT);
    let top = 0;
    for (const [key, l] of laid) {
      svg.append(svgNode('text', {x: LEFT, y: top + 12}, key));
      top += HEADER;
      for (const [b, lane] of l.placed) {
        const m = marks[b.ulid];
        const r = svgNode('rect', {
          class: 'block' + (m && m.deletion ? ' marked' : ''), 'data-ulid': b.ulid,
          x: x(b.minTime).toFixed(1), y: top + lane * LANE + 2,
          width: Math.max(2, x(b.maxTime) - x(b.minTime)).toFixed(1), height: LANE - 4,
          fill: LEVEL_COLORS[Math.min(b.compaction.level, LEVEL_COLORS.length) - 1]});
        r.append(svgNode('title', {}, b.ulid + ' level ' + b.compaction.level + (m ? ' — ' + markText(m) : '')));
        r.addEventListener('click', () => showDetail(b, m));
        svg.append(r);
      }
      top += l.count * LANE;
    }
    // six evenly spaced time marks across every lane
    for (let i = 0; i <= 5; i++) {
      const t = lo + (hi - lo) * i / 5;
      svg.prepend(svgNode('line', {x1: x(t), x2: x(t), y1: 0, y2: top, stroke: '#eee'}));
      svg.append(svgNode('text', {x: x(t), y: top + 16, 'text-anchor': i === 0 ? 'start' : i === 5 ? 'end' : 'middle'},
        tickLabel(Math.round(t / 1000) * 1000, i, hi - lo)));
    }
    return el('div', {class: 'timeline', 'data-resolution': name},
      el('h2', {}, name + ' (' + blocks.length + ' block' + (blocks.length === 1 ? '' : 's') + ')'), svg);
  }

  async function loadCompactor() {
    let r;
    try { r = await fetchJson('/api/v1/compactor'); } catch (e) { return; }
    if (r.status !== 200 || !r.body) return;
    const c = r.body.data;
    const state = document.getElementById('compactor-state');
    state.textContent = c.state;
    state.className = c.state;
    document.getElementById('compactor-last').textContent = c.state === 'disabled'
      ? '(compact.enabled is false: another appliance compacts this bucket, or nobody does)'
      : 'last successful run: ' + (c.lastSuccess || 'none yet') + (c.lockHolder ? ', lock held by ' + c.lockHolder : '');
    showMessage('compactor-reason', c.state === 'halted' ? 'Halted: ' + c.haltReason : '');
  }

  async function loadBlocks() {
    let r;
    try { r = await fetchJson('/api/v1/blocks'); } catch (e) { showMessage('blocks-error', e.message); return; }
    if (r.status !== 200 || !r.body) { showMessage('blocks-error', apiError(r)); return; }
    const d = r.body.data;
    const problems = [];
    if (d.err) problems.push(d.err);
    for (const [u, why] of Object.entries(d.corrupt || {})) problems.push('block ' + u + ' left out: ' + why);
    showMessage('blocks-error', problems.join('\n'));
    const blocks = d.blocks || [];
    const marks = d.marks || {};
    document.getElementById('blocks-summary').textContent = blocks.length + ' block(s), refreshed at '
      + d.refreshedAt + ((d.partial || []).length ? ', ' + d.partial.length + ' partial upload(s)' : '');
    const lo = Math.min(...blocks.map(b => b.minTime)), hi = Math.max(...blocks.map(b => b.maxTime));
    const box = document.getElementById('timelines');
    box.replaceChildren();
    for (const [res, name] of RESOLUTIONS) {
      const bs = blocks.filter(b => resolutionOf(b) === res);
      if (bs.length) box.append(timeline(name, bs, marks, lo, hi));
    }
    if (!blocks.length) box.append(el('p', {class: 'muted', id: 'no-blocks'}, 'The bucket holds no blocks yet.'));
    const tbody = document.querySelector('#blocks tbody');
    tbody.replaceChildren();
    for (const b of blocks.slice().sort((a, c) => a.minTime - c.minTime || a.ulid.localeCompare(c.ulid))) {
      const s = b.stats || {};
      const res = resolutionOf(b);
      tbody.append(el('tr', {class: 'block-row', 'data-ulid': b.ulid},
        el('td', {class: 'mono'}, b.ulid), el('td', {}, formatTime(b.minTime)), el('td', {}, formatTime(b.maxTime)),
        el('td', {}, duration(b.maxTime - b.minTime)), el('td', {}, res ? duration(res) : 'raw'),
        el('td', {class: 'num'}, b.compaction.level), el('td', {}, (b.thanos && b.thanos.source) || ''),
        el('td', {class: 'num'}, s.numSeries || 0), el('td', {class: 'num'}, s.numSamples || 0),
        el('td', {class: 'num'}, s.numChunks || 0), el('td', {class: 'mono'}, labelsOf(b)),
        el('td', {class: 'marks'}, markText(marks[b.ulid]))));
    }
  }

  function load() {
    loadCompactor();
    loadBlocks();
  }

  return {load};
})();
