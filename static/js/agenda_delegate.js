// Delegate phone: follow the current agenda item live, get notices and agenda updates pushed.
// On every (re)connect the page asks for the state again, so a phone that dropped off the Wi-Fi lands on the current item.
(function () {
  const sittings = () => Array.from(document.querySelectorAll('[data-sitting-id]'));
  const connEl = document.getElementById('conn-state');
  const banner = document.getElementById('live-banner');

  function showBanner(text, reload) {
    if (!banner) return;
    banner.textContent = text + ' ';
    if (reload) {
      const a = document.createElement('a');
      a.href = location.href; a.textContent = '刷新查看';
      banner.appendChild(a);
    }
    banner.classList.add('show');
  }

  function applyState(el, st) {
    if (!st) return;
    el.dataset.current = st.item_id || '';
    el.querySelectorAll('[data-item-id]').forEach(li => {
      li.classList.toggle('current', String(li.dataset.itemId) === String(st.item_id));
    });
    const line = el.querySelector('[data-current-line]');
    if (line) line.textContent = st.item_id ? ('正在进行：' + (st.number ? st.number + '. ' : '') + st.title) : '';
    const docs = el.querySelector('[data-current-docs]');
    if (docs && st.documents) {
      docs.textContent = '';
      st.documents.forEach(d => {
        const a = document.createElement('a');
        a.href = '/agenda/documents/' + d.id; a.textContent = '［文件］' + d.title;
        docs.appendChild(a);
      });
    }
  }

  function fetchState(el) {
    if (!socket) return;
    socket.emit('agenda:state', { sitting_id: Number(el.dataset.sittingId) }, ack => {
      if (ack && ack.ok) applyState(el, ack.state);
    });
  }

  const socket = window.connectSocket(ok => {
    if (connEl) connEl.textContent = ok ? '● 实时' : '○ 连接中断，正在重连…';
    if (ok) sittings().forEach(fetchState);
  });
  if (!socket) return;

  socket.on('agenda:current', st => {
    sittings().filter(el => String(el.dataset.sittingId) === String(st.sitting_id)).forEach(el => {
      applyState(el, st);
      if (el.querySelector('[data-current-docs]')) fetchState(el);  // the documents depend on who is reading
    });
  });
  socket.on('agenda:updated', d => showBanner('议程已更新：' + (d.sitting || '') + (d.summary ? '（' + d.summary + '）' : ''), true));
  socket.on('documents:changed', d => showBanner('有新的会议文件：' + (d.title || ''), true));
  socket.on('notice:new', n => {
    showBanner('新通知：' + n.title, false);
    const badge = document.getElementById('notice-badge');
    if (badge) {
      const count = Number(badge.dataset.count || 0) + 1;
      badge.dataset.count = count; badge.textContent = count;
    }
    const list = document.getElementById('notice-list');
    if (list) {
      const empty = document.getElementById('no-notices');
      if (empty) empty.remove();
      const li = document.createElement('li');
      li.className = 'unread-doc';
      li.textContent = n.title;
      const meta = document.createElement('div');
      meta.className = 'small text-muted'; meta.textContent = n.at || '';
      li.appendChild(meta);
      list.prepend(li);
    }
  });
  window.agendaSocket = socket;
})();
