// Live attendance board: joins the sitting's Socket.IO room and redraws on each coalesced "checkin:board".
(function () {
  const root = document.getElementById('board');
  if (!root) return;
  const sittingId = Number(root.dataset.sittingId);
  const $ = (id) => document.getElementById(id);
  const set = (id, v) => { const el = $(id); if (el) el.textContent = v; };

  function render(p) {
    const f = p.figures;
    ['expected', 'present', 'on_leave', 'absent', 'nonvoting', 'left'].forEach((k) => set('b-' + k, f[k]));
    set('b-time', p.time);
    const q = $('quorum');
    if (q) {
      q.className = 'quorum mt-2 ' + (f.quorum_met ? 'quorum-met' : 'quorum-not');
      set('quorum-text', f.quorum_met ? '已过半数（' + f.quorum_threshold + '人），符合法定人数'
        : '未过半数：过半数需 ' + f.quorum_threshold + ' 人，尚差 ' + f.still_needed + ' 人');
    }
    const tbody = $('b-sectors');
    if (tbody) {
      tbody.innerHTML = '';
      p.sectors.forEach((r) => {
        const tr = document.createElement('tr');
        [r.sector, r.expected, r.present, r.on_leave, r.absent, r.nonvoting].forEach((v, i) => {
          const td = document.createElement('td'); td.textContent = v; if (i) td.className = 'text-end'; tr.appendChild(td);
        });
        tbody.appendChild(tr);
      });
    }
    set('b-missing-total', p.missing_total);
    set('b-missing', p.missing.join('、') + (p.missing_total > p.missing.length ? '…' : ''));
    set('b-leave', p.on_leave.length ? p.on_leave.join('、') : '无');
    root.dataset.present = f.present;
  }

  async function refresh() {
    try {
      const res = await fetch(root.dataset.boardUrl, { credentials: 'same-origin', cache: 'no-store' });
      if (res.ok) render(await res.json());
    } catch (e) { /* offline: keep the last figures */ }
  }

  let connected = false;
  const socket = window.connectSocket((up) => {
    connected = up;
    const badge = $('live-state');
    if (badge) { badge.textContent = up ? '实时' : '连接中断'; badge.className = 'badge ' + (up ? 'text-bg-success' : 'text-bg-warning'); }
    if (up) { socket.emit('sitting:join', { sitting_id: sittingId }); refresh(); }
  });
  if (socket) socket.on('checkin:board', (p) => { if (p.sitting_id === sittingId) render(p); });
  setInterval(() => { if (!connected) refresh(); }, 10000);
  window.checkinBoard = { refresh: refresh };
})();
