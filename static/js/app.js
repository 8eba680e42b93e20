// Shared page helpers: CSRF header for fetch, a progress overlay for anything slow, a Socket.IO connector.
(function () {
  const meta = document.querySelector('meta[name="csrf-token"]');
  window.csrfToken = meta ? meta.content : '';

  window.postJSON = async function (url, body) {
    const res = await fetch(url, {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRFToken': window.csrfToken, 'Accept': 'application/json' },
      body: JSON.stringify(body || {}),
    });
    let data = {};
    try { data = await res.json(); } catch (e) { data = { ok: false, error: 'bad_response', message: '服务器响应无效' }; }
    if (!res.ok && data.ok === undefined) data.ok = false;
    return data;
  };

  // Forms marked data-progress show an overlay while the server works (uploads, imports, PDFs).
  document.addEventListener('submit', function (ev) {
    const form = ev.target;
    if (!form.hasAttribute('data-progress')) return;
    let overlay = document.getElementById('progress-overlay');
    if (!overlay) {
      overlay = document.createElement('div');
      overlay.id = 'progress-overlay';
      overlay.className = 'progress-overlay';
      overlay.innerHTML = '<div class="text-center"><div class="spinner-border text-danger" role="status"></div>' +
        '<div class="mt-2" id="progress-text"></div></div>';
      document.body.appendChild(overlay);
    }
    overlay.querySelector('#progress-text').textContent = form.getAttribute('data-progress') || '正在处理，请稍候…';
    overlay.classList.add('show');
  });

  // One Socket.IO connection per page; websocket first, polling as fallback.
  window.connectSocket = function (onState) {
    if (typeof io === 'undefined') return null;
    const socket = io({ transports: ['websocket', 'polling'] });
    socket.on('connect', () => onState && onState(true));
    socket.on('disconnect', () => onState && onState(false));
    return socket;
  };
})();
