// Secretariat pages: audience pickers show the choices of the chosen kind; read receipts arrive live.
(function () {
  document.querySelectorAll('[data-audience-form]').forEach(form => {
    const select = form.querySelector('[data-audience-kind]');
    const sync = () => form.querySelectorAll('[data-audience-for]').forEach(box => {
      box.hidden = box.dataset.audienceFor !== select.value;
    });
    select.addEventListener('change', sync);
    sync();
  });

  const head = document.querySelector('[data-receipt-doc]');
  if (!head || typeof io === 'undefined') return;
  const docId = Number(head.dataset.receiptDoc);
  const socket = window.connectSocket();
  socket.on('document:receipt', r => {
    if (r.document_id !== docId) return;
    const tbody = document.querySelector('#read-table tbody');
    let row = tbody.querySelector('[data-member-id="' + r.member_id + '"]');
    if (!row) {
      row = document.createElement('tr');
      row.dataset.memberId = r.member_id;
      [r.name, r.at, r.at, '1'].forEach(text => { const td = document.createElement('td'); td.textContent = text; row.appendChild(td); });
      tbody.prepend(row);
      const unread = document.querySelector('#unread-list [data-member-id="' + r.member_id + '"]');
      if (unread) unread.remove();
      const count = document.getElementById('read-count');
      count.textContent = Number(count.textContent) + 1;
    } else {
      row.children[2].textContent = r.at;
      row.children[3].textContent = Number(row.children[3].textContent) + 1;
    }
  });
})();
