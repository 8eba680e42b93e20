// Drag-to-reorder agenda items (SortableJS); the new order is saved to the draft at once.
(function () {
  const list = document.getElementById('agenda-items');
  if (!list || typeof Sortable === 'undefined') return;
  const status = document.getElementById('order-status');
  Sortable.create(list, {
    handle: '.drag-handle', animation: 150,
    onEnd: async () => {
      const order = Array.from(list.querySelectorAll('[data-item-id]')).map(li => Number(li.dataset.itemId));
      const res = await window.postJSON(list.dataset.orderUrl, { order });
      status.textContent = res.message || (res.ok ? '已保存' : '保存失败');
      if (res.ok) setTimeout(() => location.reload(), 400);  // show the pending changes to publish
    },
  });
})();
