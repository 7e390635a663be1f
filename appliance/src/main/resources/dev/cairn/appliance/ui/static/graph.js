// A range query's series drawn as SVG paths: time on x, value on y, a gap where a series has no sample.
'use strict';

const CairnGraph = (() => {
  const NS = 'http://www.w3.org/2000/svg';
  const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f',
    '#bcbd22', '#17becf'];
  const M = {left: 70, right: 16, top: 12, bottom: 28};

  function node(tag, attrs, text) {
    const e = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function clear(svg, legend) {
    svg.replaceChildren();
    legend.replaceChildren();
  }

  // Tick values at 1, 2 or 5 times a power of ten, about `count` of them over [lo, hi].
  function ticks(lo, hi, count) {
    const raw = (hi - lo) / count;
    const pow = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 5, 10].map(m => m * pow).find(s => s >= raw) || raw;
    const out = [];
    for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(+v.toPrecision(12));
    return out;
  }

  function label(metric) {
    const name = metric.__name__ || '';
    const pairs = Object.keys(metric).filter(k => k !== '__name__').sort().map(k => k + '="' + metric[k] + '"');
    return name + (pairs.length || !name ? '{' + pairs.join(', ') + '}' : '');
  }

  // More lines than this are unreadable and slow to draw; the caller is told how many were left out.
  const MAX_SERIES = 100;

  function draw(svg, legend, result, start, end, step) {
    clear(svg, legend);
    if (result.length > MAX_SERIES) {
      const more = document.createElement('li');
      more.className = 'truncated';
      more.textContent = 'Graphing ' + MAX_SERIES + ' of ' + result.length + ' series';
      legend.append(more);
      result = result.slice(0, MAX_SERIES);
    }
    const width = svg.width.baseVal.value, height = svg.height.baseVal.value;
    const w = width - M.left - M.right, h = height - M.top - M.bottom;
    let lo = Infinity, hi = -Infinity;
    for (const s of result) for (const [, v] of s.values) {
      const f = parseFloat(v);
      if (isFinite(f)) { lo = Math.min(lo, f); hi = Math.max(hi, f); }
    }
    if (!isFinite(lo)) {
      svg.append(node('text', {x: M.left + 10, y: M.top + 20, class: 'empty'}, 'No data points in this range'));
      return;
    }
    if (lo === hi) { lo -= 1; hi += 1; }
    const x = t => M.left + (t - start) / (end - start) * w;
    const y = v => M.top + h - (v - lo) / (hi - lo) * h;
    const axis = node('g', {class: 'axis'});
    for (const v of ticks(lo, hi, 5)) {
      axis.append(node('line', {class: 'grid', x1: M.left, x2: M.left + w, y1: y(v), y2: y(v)}));
      axis.append(node('text', {x: M.left - 6, y: y(v) + 4, 'text-anchor': 'end'}, +v.toPrecision(6)));
    }
    for (const t of ticks(start, end, 6)) {
      axis.append(node('line', {class: 'grid', x1: x(t), x2: x(t), y1: M.top, y2: M.top + h}));
      const d = new Date(t * 1000).toISOString();
      axis.append(node('text', {x: x(t), y: M.top + h + 18, 'text-anchor': 'middle'}, d.substring(11, 16)));
    }
    axis.append(node('rect', {x: M.left, y: M.top, width: w, height: h, fill: 'none', stroke: '#ccc'}));
    svg.append(axis);
    result.forEach((s, i) => {
      const color = COLORS[i % COLORS.length];
      let d = '', prevT = null;
      for (const [t, v] of s.values) {
        const f = parseFloat(v);
        if (!isFinite(f)) { prevT = null; continue; }
        // a missing step starts a new segment, as Prometheus's graph leaves a gap
        const move = prevT === null || t - prevT > step * 1.5;
        d += (move ? 'M' : 'L') + x(t).toFixed(1) + ',' + y(f).toFixed(1) + ' ';
        prevT = t;
      }
      const p = node('path', {class: 'series', d: d.trim(), stroke: color, 'data-series': label(s.metric)});
      p.append(node('title', {}, label(s.metric)));
      svg.append(p);
      const item = document.createElement('li');
      const sw = document.createElement('span');
      sw.className = 'swatch';
      sw.style.background = color;
      item.append(sw, label(s.metric));
      legend.append(item);
    });
  }

  return {draw, clear};
})();
