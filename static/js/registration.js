// Registration pages: copy buttons (login link, sorted names).
(function () {
  document.addEventListener('click', async function (ev) {
    const button = ev.target.closest('[data-copy]');
    if (!button) return;
    const source = document.querySelector(button.getAttribute('data-copy'));
    if (!source) return;
    const text = source.value !== undefined ? source.value : source.textContent;
    let done = false;
    try {
      if (navigator.clipboard && window.isSecureContext) { await navigator.clipboard.writeText(text); done = true; }
    } catch (e) { done = false; }
    if (!done && source.select) {  // plain http at the venue: fall back to the selection
      source.select();
      try { done = document.execCommand('copy'); } catch (e) { done = false; }
    }
    const label = button.textContent;
    button.textContent = done ? '已复制' : '请按 Ctrl+C 复制';
    setTimeout(function () { button.textContent = label; }, 1500);
  });
})();
