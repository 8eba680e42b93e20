// Presider console and big screen: the console moves the current item (Socket.IO, HTTP as fallback);
// both follow "agenda:current" and re-read the state on every (re)connect.
(function () {
  const root = document.querySelector('[data-console], [data-screen]');
  if (!root) return;
  const sittingId = Number(root.dataset.sittingId);
  const isScreen = root.hasAttribute('data-screen');
  const conn = document.getElementById('conn-state');
  const status = document.getElementById('console-status');

  function apply(st) {
    if (!st) return;
    document.querySelectorAll('[data-item-id]').forEach(li => {
      const on = String(li.dataset.itemId) === String(st.item_id);
      li.classList.toggle(isScreen ? 'text-warning' : 'list-group-item-warning', on);
      li.classList.toggle('fw-bold', on);
    });
    const line = document.querySelector('[data-current-line]');
    if (line) line.textContent = st.item_id ? (st.number + '. ' + st.title) : (isScreen ? '会议即将开始' : '（未开始）');
    const presenter = document.querySelector('[data-current-presenter]');
    if (presenter) presenter.textContent = st.presenter || '';
    const docs = document.querySelector('[data-current-docs]');
    if (docs && st.documents) docs.textContent = st.documents.map(d => '［文件］' + d.title).join('　');
  }

  const socket = window.connectSocket(ok => {
    if (conn) conn.textContent = ok ? '● 实时连接' : '○ 连接中断，正在重连…';
    if (ok) socket.emit('agenda:state', { sitting_id: sittingId }, ack => ack && ack.ok && apply(ack.state));
  });
  socket.on('agenda:current', st => {
    if (st.sitting_id !== sittingId) return;
    apply(st);
    socket.emit('agenda:state', { sitting_id: sittingId }, ack => ack && ack.ok && apply(ack.state));
  });

  function move(body) {
    body.sitting_id = sittingId;
    if (socket.connected) {
      socket.emit('agenda:move', body, ack => { if (status) status.textContent = ack.ok ? '' : ack.message; });
    } else {
      window.postJSON(root.dataset.moveUrl, body).then(res => {
        if (status) status.textContent = res.ok ? '' : res.message;
        if (res.ok) apply(res.state);
      });
    }
  }
  document.querySelectorAll('[data-step]').forEach(b => b.addEventListener('click', () => move({ step: Number(b.dataset.step) })));
  document.querySelectorAll('[data-goto]').forEach(b => b.addEventListener('click', () => move({ item_id: Number(b.dataset.goto) })));
})();
