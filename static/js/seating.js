// Seat map: one SVG drawn from one JSON payload, one delegated click listener, live updates by Socket.IO.
(function () {
  const host = document.getElementById('seatmap');
  if (!host) return;
  const mode = host.dataset.mode;               // "plan" (a sitting) or "hall" (edit the hall)
  const W = 44, H = 30;                          // one seat unit in SVG pixels
  const statusBox = document.getElementById('seatmap-status');
  let data = null, svg = null, selected = null, view = null, full = null;
  const seatsById = new Map();                   // seat id -> seat array
  const sectorColour = new Map();

  function say(text, bad) {
    if (!statusBox) return;
    statusBox.textContent = text || '';
    statusBox.className = 'small ' + (bad ? 'text-danger' : 'text-muted');
  }

  function esc(s) {
    return String(s).replace(/[&<>"]/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));
  }

  async function load() {
    const res = await fetch(host.dataset.source, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
    data = await res.json();
    if (!data.ok) { say(data.message || '加载失败', true); return; }
    seatsById.clear();
    data.seats.forEach(s => seatsById.set(s[0], s));
    sectorColour.clear();
    (data.sectors || []).forEach(s => sectorColour.set(s.id, s.colour));
    draw();
    legend();
    unseatedList();
  }

  function cellHTML(s) {
    const [id, x, y, zone, rowLabel, number, status, kind] = s;
    const a = (data.assigned || {})[id];
    let fill = '#f8f9fa', stroke = '#adb5bd', text = '';
    if (status === 'unusable') { fill = '#6c757d'; }
    else if (status === 'reserved') { fill = '#fff3cd'; stroke = '#d4a017'; }
    if (a) { fill = sectorColour.get(a[2]) || '#dee2e6'; text = a[1]; }
    const cls = 'seat' + (a ? ' taken' : '') + (a && a[3] ? ' locked' : '') + (selected && selected.seat === id ? ' selected' : '');
    const title = `${zone} ${rowLabel}${number}号` + (a ? ' ' + a[1] : '') + (status !== 'ok' ? (status === 'reserved' ? '（预留）' : '（不可用）') : '');
    return `<g class="${cls}" data-id="${id}" transform="translate(${x * W},${y * H})"><title>${esc(title)}</title>` +
      `<rect width="${W - 4}" height="${H - 4}" rx="3" fill="${fill}" stroke="${a && a[3] ? '#d62828' : stroke}" stroke-width="${a && a[3] ? 2 : 1}"/>` +
      (text ? `<text x="${(W - 4) / 2}" y="${H / 2 + 1}" font-size="${text.length > 3 ? 9 : 11}" text-anchor="middle">${esc(text)}</text>`
            : `<text x="${(W - 4) / 2}" y="${H / 2}" font-size="8" fill="#999" text-anchor="middle">${number}</text>`) + '</g>';
  }

  function draw() {
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (const s of data.seats) { minX = Math.min(minX, s[1]); maxX = Math.max(maxX, s[1]); minY = Math.min(minY, s[2]); maxY = Math.max(maxY, s[2]); }
    for (const e of (data.hall.entrances || [])) { minX = Math.min(minX, e.x); maxX = Math.max(maxX, e.x); minY = Math.min(minY, e.y); maxY = Math.max(maxY, e.y); }
    full = [(minX - 1) * W, (minY - 1) * H, (maxX - minX + 3) * W, (maxY - minY + 3) * H];
    view = view || full.slice();
    const parts = [];
    // row labels at the left of each zone's rows
    const rowStart = new Map();
    for (const s of data.seats) {
      const k = s[8] + ':' + s[9];
      if (!rowStart.has(k) || rowStart.get(k)[1] > s[1]) rowStart.set(k, s);
    }
    for (const s of rowStart.values()) parts.push(`<text class="rowlabel" x="${s[1] * W - 4}" y="${s[2] * H + H / 2}" font-size="8" text-anchor="end" fill="#888">${esc(s[4])}</text>`);
    for (const e of (data.hall.entrances || [])) parts.push(`<g class="entrance"><rect x="${e.x * W}" y="${e.y * H}" width="${W - 4}" height="${H - 4}" fill="#2a9d8f"/><text x="${e.x * W + W / 2}" y="${e.y * H - 4}" font-size="11" text-anchor="middle">${esc(e.name)}</text></g>`);
    for (const s of data.seats) parts.push(cellHTML(s));
    host.innerHTML = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="${view.join(' ')}" preserveAspectRatio="xMidYMin meet"><g id="cells">${parts.join('')}</g></svg>`;
    svg = host.querySelector('svg');
  }

  function redrawSeat(id) {
    const s = seatsById.get(id);
    const old = svg && svg.querySelector(`g.seat[data-id="${id}"]`);
    if (!s || !old) return;
    old.insertAdjacentHTML('afterend', cellHTML(s));
    old.remove();
  }

  function legend() {
    const box = document.getElementById('legend');
    if (!box) return;
    const used = new Set(Object.values(data.assigned || {}).map(a => a[2]));
    box.innerHTML = (data.sectors || []).filter(s => used.has(s.id)).map(s =>
      `<span class="me-2 text-nowrap"><span style="display:inline-block;width:.9em;height:.9em;background:${s.colour};border:1px solid #999"></span> ${esc(s.name)}</span>`).join('') +
      '<span class="me-2 text-nowrap"><span style="display:inline-block;width:.9em;height:.9em;background:#fff3cd;border:1px solid #d4a017"></span> 预留</span>' +
      '<span class="me-2 text-nowrap"><span style="display:inline-block;width:.9em;height:.9em;background:#6c757d"></span> 不可用</span>' +
      '<span class="me-2 text-nowrap"><span style="display:inline-block;width:.9em;height:.9em;border:2px solid #d62828"></span> 锁定</span>';
  }

  function unseatedList() {
    const box = document.getElementById('unseated');
    if (!box) return;
    const list = data.unseated || [];
    document.getElementById('unseated-count').textContent = list.length;
    box.innerHTML = list.slice(0, 500).map(p => `<button type="button" class="btn btn-sm btn-light m-1 unseated-person${selected && selected.member === p.id ? ' active' : ''}" data-member="${p.id}">${esc(p.name)}${p.leave ? '（请假）' : ''}</button>`).join('');
  }

  function select(sel) {
    const prev = selected;
    selected = sel;
    if (prev && prev.seat) redrawSeat(prev.seat);
    if (sel && sel.seat) redrawSeat(sel.seat);
    const lock = document.getElementById('lock-toggle'), un = document.getElementById('unassign');
    if (lock) lock.disabled = !(sel && sel.seat);
    if (un) un.disabled = !(sel && sel.seat);
    if (sel) say(`已选：${sel.name}，请点空座位调座或点另一人对调`);
  }

  async function act(path, body) {
    const res = await postJSON(host.dataset.api + path, body);
    if (!res.ok) { say(res.message || '操作失败', true); return false; }
    return true;
  }

  // One listener for every seat (event delegation).
  host.addEventListener('click', async function (ev) {
    const g = ev.target.closest('g.seat');
    if (!g) return;
    const id = Number(g.dataset.id);
    const s = seatsById.get(id);
    if (mode === 'hall') {
      const next = { ok: 'reserved', reserved: 'unusable', unusable: 'ok' }[s[6]];
      const res = await postJSON(host.dataset.statusUrl.replace(/\/0\/status$/, `/${id}/status`), { status: next });
      if (!res.ok) { say(res.message, true); return; }
      s[6] = res.status; redrawSeat(id); say(`${s[3]} ${s[4]}${s[5]}号：${{ ok: '正常', reserved: '预留', unusable: '不可用' }[res.status]}`);
      return;
    }
    const a = data.assigned[id];
    if (!selected) { if (a) select({ seat: id, member: a[0], name: a[1] }); return; }
    if (selected.seat === id) { select(null); say(''); return; }
    const mover = selected;
    select(null);
    if (a) { if (mover.seat && await act('/swap', { a: mover.member, b: a[0] })) say(`已对调：${mover.name} ⇄ ${a[1]}`); else if (!mover.seat) say('请点一个空座位', true); }
    else if (s[6] === 'unusable') say('该座位不可用', true);
    else if (await act('/move', { member_id: mover.member, seat_id: id })) say(`${mover.name} → ${s[3]} ${s[4]}${s[5]}号`);
  });

  document.addEventListener('click', async function (ev) {
    const b = ev.target.closest('.unseated-person');
    if (b) { select({ seat: null, member: Number(b.dataset.member), name: b.textContent }); unseatedList(); return; }
    const z = ev.target.closest('[data-zoom]');
    if (z && view) {
      const f = Number(z.dataset.zoom);
      if (!f) view = full.slice();
      else { const cx = view[0] + view[2] / 2, cy = view[1] + view[3] / 2; view = [cx - view[2] / f / 2, cy - view[3] / f / 2, view[2] / f, view[3] / f]; }
      svg.setAttribute('viewBox', view.join(' '));
    }
  });

  const lock = document.getElementById('lock-toggle');
  if (lock) lock.addEventListener('click', async function () {
    if (!selected || !selected.seat) return;
    const a = data.assigned[selected.seat];
    const sel = selected; select(null);
    if (await act('/lock', { seat_id: sel.seat, locked: !(a && a[3]) })) say(a && a[3] ? '已解锁' : '已锁定');
  });
  const un = document.getElementById('unassign');
  if (un) un.addEventListener('click', async function () {
    if (!selected || !selected.seat) return;
    const sel = selected; select(null);
    if (await act('/unassign', { member_id: sel.member })) say(`已取消 ${sel.name} 的座位`);
  });

  // Wheel zoom around the pointer.
  host.addEventListener('wheel', function (ev) {
    if (!svg || !ev.ctrlKey && !ev.altKey) return;
    ev.preventDefault();
    const f = ev.deltaY < 0 ? 1.2 : 1 / 1.2, r = svg.getBoundingClientRect();
    const px = view[0] + (ev.clientX - r.left) / r.width * view[2], py = view[1] + (ev.clientY - r.top) / r.height * view[3];
    view = [px - (px - view[0]) / f, py - (py - view[1]) / f, view[2] / f, view[3] / f];
    svg.setAttribute('viewBox', view.join(' '));
  }, { passive: false });

  const search = document.getElementById('seat-search');
  if (search) search.addEventListener('input', function () {
    const q = search.value.trim();
    svg.querySelectorAll('g.seat.found').forEach(g => g.classList.remove('found'));
    if (!q) { say(''); return; }
    const hits = Object.entries(data.assigned).filter(([, a]) => a[1].includes(q));
    hits.forEach(([id]) => { const g = svg.querySelector(`g.seat[data-id="${id}"]`); if (g) g.classList.add('found'); });
    if (hits.length) {
      const s = seatsById.get(Number(hits[0][0]));
      say(hits.slice(0, 5).map(([id, a]) => { const t = seatsById.get(Number(id)); return `${a[1]}：${t[3]} ${t[4]}${t[5]}号`; }).join('；'));
      view = [s[1] * W - 6 * W, s[2] * H - 6 * H, 12 * W, 12 * H];
      svg.setAttribute('viewBox', view.join(' '));
    } else say('未找到：' + q, true);
  });

  // Live: other secretaries' changes to the same sitting.
  if (mode === 'plan' && typeof connectSocket === 'function') {
    const state = document.getElementById('live-state');
    const socket = connectSocket(function (up) {
      if (state) { state.textContent = up ? '实时' : '离线'; state.className = 'badge ' + (up ? 'text-bg-success' : 'text-bg-light'); }
      if (up) socket.emit('seating:join', { sitting_id: Number(host.dataset.sitting) });
    });
    if (socket) socket.on('seating:changed', function (msg) {
      if (!data || msg.sitting_id !== Number(host.dataset.sitting)) return;
      if (msg.reload) { load(); return; }
      for (const c of msg.seats || []) {
        if (c.member_id) {
          for (const [sid, a] of Object.entries(data.assigned)) if (a[0] === c.member_id && Number(sid) !== c.seat_id) { delete data.assigned[sid]; redrawSeat(Number(sid)); }
          data.assigned[c.seat_id] = [c.member_id, c.name, c.sector_id, c.locked];
          data.unseated = (data.unseated || []).filter(p => p.id !== c.member_id);
        } else {
          const gone = data.assigned[c.seat_id];
          delete data.assigned[c.seat_id];
          if (gone && !Object.values(data.assigned).some(a => a[0] === gone[0])) data.unseated.push({ id: gone[0], name: gone[1], leave: false });
        }
        redrawSeat(c.seat_id);
      }
      unseatedList();
    });
  }

  load();
})();
