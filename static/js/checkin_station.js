// 扫码签到 station: camera or USB scanner → POST scan; offline queue in localStorage, uploaded when back online.
(function () {
  const root = document.getElementById('station');
  if (!root) return;
  const sittingId = root.dataset.sittingId;
  const QUEUE_KEY = 'checkin.queue.' + sittingId;
  const STATION_KEY = 'checkin.station';
  const DEBOUNCE_MS = 3000;
  const $ = (id) => document.getElementById(id);
  const stationInput = $('station-name'), scanInput = $('scan-input');
  let online = true, lastCode = '', lastAt = 0, pending = null, uploading = false;

  stationInput.value = localStorage.getItem(STATION_KEY) || '';
  stationInput.addEventListener('change', () => localStorage.setItem(STATION_KEY, stationInput.value.trim()));
  const stationName = () => stationInput.value.trim() || '未命名签到点';

  function queue() { try { return JSON.parse(localStorage.getItem(QUEUE_KEY) || '[]'); } catch (e) { return []; } }
  function saveQueue(q) { localStorage.setItem(QUEUE_KEY, JSON.stringify(q)); renderNet(); }

  function renderNet() {
    const n = queue().length;
    const net = $('net-state');
    net.textContent = online ? '在线' : '离线';
    net.className = 'badge ' + (online ? 'text-bg-success' : 'text-bg-dark');
    $('queue-len').textContent = n;
    $('queue-state').classList.toggle('d-none', n === 0);
  }

  function show(colour, title, member, extra) {
    const box = $('result');
    box.className = 'scan-result scan-' + colour;
    $('result-title').textContent = title;
    $('result-name').textContent = member ? member.name : '';
    $('result-meta').textContent = member ? [member.sector, member.seat ? '座位 ' + member.seat : ''].filter(Boolean).join(' · ') : '';
    $('result-extra').textContent = extra || '';
  }

  function addRecent(text) {
    const li = document.createElement('li');
    li.textContent = new Date().toLocaleTimeString('zh-CN', { hour12: false }) + ' ' + text;
    const ul = $('recent'); ul.prepend(li);
    while (ul.children.length > 15) ul.lastChild.remove();
  }

  function showResult(data) {
    const colour = data.colour || (data.ok ? 'green' : 'red');
    const details = data.details || {};
    const member = data.member || details.member;
    const overrideBtn = $('override-btn');
    overrideBtn.classList.add('d-none');
    pending = null;
    if (data.ok) {
      const title = data.code === 'returned' ? '返场' : (data.override ? data.message : '签到成功');
      show(colour, title, member, (data.replayed ? '（重复提交，已签到）' : '') + (data.time ? data.time + ' ' : '') + (data.station || ''));
    } else if (data.error === 'already_checked_in') {
      show('amber', '已签到', member, data.message);
    } else {
      show('red', '不能签到', member, data.message || '签到失败');
      if (details.overridable) { pending = data; overrideBtn.classList.remove('d-none'); }
    }
    window.checkinBeep(data.ok ? 'green' : (data.error === 'already_checked_in' ? 'amber' : 'red'));
    addRecent((member ? member.name + ' ' : '') + (data.ok ? (data.message || '签到成功') : data.message));
  }

  async function post(url, body) {
    const res = await fetch(url, {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRFToken': window.csrfToken, 'Accept': 'application/json' },
      body: JSON.stringify(body),
    });
    let data;
    try { data = await res.json(); } catch (e) { data = { ok: false, error: 'bad_response', message: '服务器响应无效（' + res.status + '）' }; }
    if (res.status >= 502 && res.status <= 504) { const err = new Error('gateway'); err.offline = true; throw err; }
    return data;
  }

  function enqueue(scan) {
    const q = queue(); q.push(scan); saveQueue(q);
    show('offline', '离线：已暂存', null, '网络中断，本次扫码已保存在本机（待上传 ' + q.length + ' 条），联网后自动上传');
    window.checkinBeep('amber');
    addRecent('离线暂存 1 条');
  }

  async function submit(code, extra) {
    const scan = Object.assign({ code: code, nonce: window.checkinNonce(), station: stationName(),
                                 scanned_at: new Date().toISOString() }, extra || {});
    if (!online) { enqueue(scan); return; }
    try {
      showResult(await post(root.dataset.scanUrl, scan));
    } catch (e) {
      online = false; renderNet(); enqueue(scan); scheduleUpload(2000);
    }
  }

  function onCode(text) {
    const code = (text || '').trim();
    if (!code) return;
    const now = Date.now();
    if (code === lastCode && now - lastAt < DEBOUNCE_MS) return;  // the same pass still in front of the camera
    lastCode = code; lastAt = now;
    submit(code);
  }

  async function upload() {
    if (uploading) return;
    const q = queue();
    uploading = true;
    try {
      if (!q.length) {  // just probe the server
        await fetch(root.dataset.boardUrl, { credentials: 'same-origin', cache: 'no-store' }).then((r) => { if (!r.ok && r.status >= 502) throw new Error('down'); });
        online = true; renderNet(); return;
      }
      const batch = q.slice(0, 200);
      const data = await post(root.dataset.uploadUrl, { station: stationName(), scans: batch });
      online = true;
      if (data.ok) {
        const done = new Set(batch.map((s) => s.nonce));
        saveQueue(queue().filter((s) => !done.has(s.nonce)));
        const lines = data.results.filter((r) => !r.ok).map((r) => ((r.member && r.member.name) || '') + '：' + r.message);
        const report = $('upload-report');
        report.classList.remove('d-none');
        report.textContent = '离线记录已上传 ' + data.results.length + ' 条，成功 ' + data.accepted + ' 条' +
          (lines.length ? '；冲突 ' + lines.length + ' 条：' + lines.join('；') : '。');
        show('green', '离线记录已上传', null, report.textContent);
        addRecent('上传离线记录 ' + data.results.length + ' 条');
        if (queue().length) scheduleUpload(100);
      } else {
        $('upload-report').classList.remove('d-none');
        $('upload-report').textContent = '上传失败：' + (data.message || data.error);
      }
    } catch (e) {
      online = false; scheduleUpload(3000);
    } finally {
      uploading = false; renderNet();
    }
  }

  let uploadTimer = null;
  function scheduleUpload(ms) { clearTimeout(uploadTimer); uploadTimer = setTimeout(upload, ms); }
  setInterval(() => { if (!online || queue().length) upload(); }, 3000);
  window.addEventListener('online', () => upload());
  window.addEventListener('offline', () => { online = false; renderNet(); });

  $('override-btn').addEventListener('click', () => {
    if (!pending) return;
    const last = lastCode;
    submit(last, { override: true, reason: '现场放行（' + (pending.error || '') + '）' });
  });

  $('scan-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const code = scanInput.value; scanInput.value = '';
    lastCode = ''; onCode(code);
  });
  // Keep the hardware scanner's target focused unless the staff is typing elsewhere.
  document.addEventListener('click', (ev) => { if (!ev.target.closest('input,button,a,select,textarea')) scanInput.focus(); });

  let scanner = null;
  $('camera-btn').addEventListener('click', async () => {
    if (scanner && scanner.running) { scanner.stop(); $('camera-btn').textContent = '开启摄像头扫码'; return; }
    scanner = new window.CheckinScanner($('camera'), onCode, (s) => { $('camera-state').textContent = s; }, root.dataset.wasmDir);
    if (await scanner.start()) $('camera-btn').textContent = '关闭摄像头';
  });

  // 补签 / 退场
  $('member-search').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const q = $('member-q').value.trim();
    if (!q) return;
    const res = await fetch(root.dataset.membersUrl + '?q=' + encodeURIComponent(q), { credentials: 'same-origin', headers: { Accept: 'application/json' } });
    const data = await res.json();
    const ul = $('member-results'); ul.innerHTML = '';
    (data.members || []).forEach((m) => {
      const li = document.createElement('li');
      li.className = 'list-group-item d-flex justify-content-between align-items-center gap-1 px-0';
      const label = document.createElement('span');
      label.textContent = m.name + ' · ' + m.sector + ' · ' + m.member_no + (m.checked_in ? '（已签到 ' + m.time + (m.left ? '，已退场' : '') + '）' : '');
      li.appendChild(label);
      const btn = document.createElement('button');
      btn.type = 'button'; btn.className = 'btn btn-sm ' + (m.checked_in ? 'btn-outline-secondary' : 'btn-outline-danger');
      btn.textContent = m.checked_in ? '退场' : '补签';
      btn.disabled = m.checked_in && m.left;
      btn.addEventListener('click', async () => {
        if (m.checked_in) {
          const note = prompt('退场说明（可留空）：', '') ;
          if (note === null) return;
          const r = await post(root.dataset.exitUrl, { member_id: m.id, note: note });
          show(r.ok ? 'amber' : 'red', r.ok ? '已登记退场' : '退场登记失败', m, r.message);
        } else {
          const reason = prompt('补签原因（必填）：', '忘带参会证');
          if (reason === null) return;
          showResult(await post(root.dataset.manualUrl, { member_id: m.id, reason: reason, station: stationName() }));
        }
        $('member-search').requestSubmit();
      });
      li.appendChild(btn);
      ul.appendChild(li);
    });
    if (!(data.members || []).length) ul.innerHTML = '<li class="list-group-item text-muted px-0">没有找到</li>';
  });

  renderNet();
  if (queue().length) scheduleUpload(500);
  window.checkinStation = { onCode: onCode, queue: queue, upload: upload };
})();
