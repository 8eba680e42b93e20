// Delegate self check-in: scan the door screen's rotating QR with the phone camera.
(function () {
  const root = document.getElementById('self-checkin');
  if (!root) return;
  const $ = (id) => document.getElementById(id);
  let busy = false, lastCode = '', lastAt = 0, done = false, scanner = null;

  function show(colour, title, name, meta) {
    $('result').className = 'scan-result scan-' + colour;
    $('result-title').textContent = title; $('result-name').textContent = name || ''; $('result-meta').textContent = meta || '';
  }

  async function submit(code) {
    if (busy || done) return;
    const now = Date.now();
    if (code === lastCode && now - lastAt < 3000) return;
    lastCode = code; lastAt = now; busy = true;
    try {
      const data = await window.postJSON(root.dataset.postUrl, { code: code, nonce: window.checkinNonce() });
      if (data.ok) {
        done = true;
        show('green', data.code === 'returned' ? '返场' : '签到成功', data.member.name,
             [data.member.sector, data.member.seat ? '座位 ' + data.member.seat : '', data.time].filter(Boolean).join(' · '));
        if (scanner) scanner.stop();
        window.checkinBeep('green');
      } else if (data.error === 'already_checked_in') {
        done = true; show('amber', '已签到', '', data.message); if (scanner) scanner.stop(); window.checkinBeep('amber');
      } else {
        show('red', '签到失败', '', data.message || '请重试'); window.checkinBeep('red');
      }
    } catch (e) {
      show('red', '网络异常', '', '请检查网络后重新扫码');
    } finally { busy = false; }
  }

  $('camera-btn').addEventListener('click', async () => {
    scanner = new window.CheckinScanner($('camera'), submit, (s) => { $('camera-state').textContent = s; }, root.dataset.wasmDir);
    await scanner.start();
  });
  if (root.dataset.code) submit(root.dataset.code);  // opened from the phone's own camera app via the QR's URL
})();
