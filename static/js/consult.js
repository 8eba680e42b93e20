// 码上商量 public page: a character counter for the suggestion box (the page works without it).
(function () {
  var box = document.getElementById('text');
  var out = document.getElementById('text-count');
  if (!box || !out) return;
  function update() { out.textContent = box.value.trim().length; }
  box.addEventListener('input', update);
  update();
})();
