// The store page: the store gateway's state from /api/v1/store (blocks per resolution, memory, last sync,
// damaged blocks). Uses el, fetchJson, apiError and showMessage from app.js, which loads after this file.
'use strict';

const CairnStore = (() => {
  function bytes(n) {
    if (n < 1024) return n + ' B';
    const units = ['KiB', 'MiB', 'GiB', 'TiB'];
    let v = n / 1024, i = 0;
    while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
    return v.toFixed(1) + ' ' + units[i];
  }

  function set(id, text) {
    document.getElementById(id).textContent = text;
  }

  function render(d) {
    document.getElementById('store-disabled').hidden = d.enabled;
    for (const id of ['store-sync', 'store-blocks', 'store-memory', 'store-corrupt']) {
      document.getElementById(id).hidden = !d.enabled;
    }
    if (!d.enabled) return;
    const sync = d.sync;
    set('store-last-sync', sync.lastSuccess || 'never');
    set('store-syncs', sync.syncs + ' syncs, ' + sync.failures + ' failed');
    showMessage('store-sync-error', sync.lastError
      ? 'The last sync failed at ' + sync.lastErrorTime + ': ' + sync.lastError
        + ' (queries use the blocks of the last good sync)' : '');
    const blocks = document.querySelector('#store-blocks tbody');
    blocks.replaceChildren();
    for (const r of d.blocksByResolution) {
      blocks.append(el('tr', {class: 'store-resolution', 'data-resolution': r.resolution},
        el('td', {}, r.resolution), el('td', {class: 'num'}, r.blocks)));
    }
    blocks.append(el('tr', {class: 'store-total'}, el('th', {}, 'total'), el('td', {class: 'num'}, d.blocks)));
    set('store-headers', d.indexHeadersLoaded + ' of ' + d.blocks);
    set('store-cache-bytes', bytes(d.cache.bytes) + ' of ' + bytes(d.cache.maxBytes));
    set('store-cache-hits', d.cache.hits);
    set('store-cache-misses', d.cache.misses);
    set('store-cache-evictions', d.cache.evictions);
    set('store-left-out', d.markedForDeletion + ' / ' + d.duplicates);
    const corrupt = document.querySelector('#store-corrupt tbody');
    corrupt.replaceChildren();
    for (const c of d.corrupt) {
      corrupt.append(el('tr', {class: 'corrupt-block', 'data-ulid': c.ulid},
        el('td', {class: 'mono'}, c.ulid), el('td', {class: 'mono'}, c.reason)));
    }
    document.getElementById('store-no-corrupt').hidden = d.corrupt.length > 0;
    document.getElementById('store-corrupt').hidden = d.corrupt.length === 0;
  }

  async function load() {
    let r;
    try { r = await fetchJson('/api/v1/store'); } catch (e) { showMessage('store-error', e.message); return; }
    if (r.status !== 200 || !r.body || r.body.status !== 'success') { showMessage('store-error', apiError(r)); return; }
    showMessage('store-error', '');
    render(r.body.data);
    document.getElementById('page-store').dataset.loaded = String(Date.now());
  }

  return {load};
})();
