// Door screen: reload the rotating self check-in QR every 10 s (codes are valid for their 30 s window + the next).
(function () {
  const img = document.getElementById('screen-qr');
  if (!img) return;
  let loadedAt = Date.now();
  function reload() { img.src = img.dataset.src + '?t=' + Date.now(); loadedAt = Date.now(); }
  setInterval(reload, 10000);
  setInterval(() => {
    const el = document.getElementById('qr-age');
    if (el) el.textContent = Math.round((Date.now() - loadedAt) / 1000) + ' 秒前更新';
  }, 1000);
})();
