// The delegate's ballot: the open vote appears by itself (pushed on the sitting's room); the ballot goes over
// Socket.IO with an acknowledgement carrying the receipt, or over HTTP when the socket is not there.
(function () {
  const root = document.getElementById('voting');
  if (!root) return;
  const sittingId = Number(root.dataset.sittingId);
  const $ = (id) => document.getElementById(id);
  const show = (id, on) => { $(id).hidden = !on; };
  let current = null;
  let timer = null;
  let changing = false;
  const receiptKey = (voteId) => 'vote-receipt-' + root.dataset.memberId + '-' + voteId;

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => { if (k === 'class') e.className = v; else e.setAttribute(k, v); });
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function countdown(deadline, target) {
    if (timer) clearInterval(timer);
    const node = $(target);
    if (!deadline) { node.textContent = ''; node.hidden = true; return; }
    node.hidden = false;
    const end = new Date(deadline).getTime();
    const tick = () => {
      const left = Math.max(0, Math.round((end - Date.now()) / 1000));
      node.textContent = '剩余 ' + Math.floor(left / 60) + ':' + String(left % 60).padStart(2, '0');
      if (left <= 0) clearInterval(timer);
    };
    tick();
    timer = setInterval(tick, 1000);
  }

  function showOnly(ids) {
    ['waiting', 'ballot', 'confirmation', 'closed', 'result'].forEach((id) => show(id, ids.includes(id)));
  }

  function renderBallot(vote) {
    current = vote;
    $('ballot-kind').textContent = (vote.kind === 'motion' ? '表决' : '选举（' + vote.election_kind + '，应选 ' + vote.seats + ' 人）')
      + ' · ' + (vote.secret ? '无记名' : '记名');
    $('ballot-title').textContent = vote.title;
    $('ballot-rule').textContent = vote.rule;
    const docs = $('ballot-docs');
    docs.textContent = '';
    (vote.documents || []).forEach((d) => {
      const a = el(d.url ? 'a' : 'span', d.url ? { href: d.url, class: 'me-2' } : { class: 'me-2' }, d.title);
      docs.appendChild(a);
    });
    countdown(vote.deadline_at, 'ballot-countdown');
    $('ballot-error').hidden = true;
    const body = $('ballot-body');
    body.textContent = '';
    if (vote.kind === 'motion') {
      const group = el('div', { class: 'd-grid gap-2', role: 'group', 'aria-label': '表决意见' });
      const colours = { yes: 'success', no: 'danger', abstain: 'secondary' };
      vote.choices.forEach((c) => {
        const b = el('button', { type: 'button', class: 'btn btn-lg btn-outline-' + colours[c.value], 'data-choice': c.value }, c.label);
        b.addEventListener('click', () => {
          group.querySelectorAll('button').forEach((x) => x.classList.remove('active'));
          b.classList.add('active');
          submit.disabled = false;
        });
        group.appendChild(b);
      });
      body.appendChild(group);
    } else {
      const table = el('div', { class: 'vstack gap-2' });
      vote.candidates.forEach((c) => {
        const row = el('div', { class: 'border rounded p-2', 'data-candidate': c.id });
        row.appendChild(el('div', { class: 'fw-bold' }, c.name));
        if (c.sector) row.appendChild(el('div', { class: 'small text-muted' }, c.sector));
        const opts = el('div', { class: 'btn-group mt-1', role: 'group' });
        const choices = vote.mode === 'marks' ? [{ value: 'yes', label: '选' }] : vote.choices;
        choices.forEach((ch) => {
          const id = 'c' + c.id + '-' + ch.value;
          const input = el('input', { type: vote.mode === 'marks' ? 'checkbox' : 'radio', class: 'btn-check', name: 'cand-' + c.id, id: id, value: ch.value });
          opts.appendChild(input);
          opts.appendChild(el('label', { class: 'btn btn-outline-primary', for: id }, ch.label));
        });
        row.appendChild(opts);
        if (vote.write_ins) {
          const w = el('input', { class: 'form-control form-control-sm mt-1 write-in', placeholder: '另选他人：填写委员证号（仅在反对/未选时）', 'data-for': c.id, 'aria-label': '另选他人' });
          row.appendChild(w);
        }
        table.appendChild(row);
      });
      body.appendChild(table);
    }
    const submit = el('button', { type: 'button', class: 'btn btn-danger btn-lg w-100 mt-3', id: 'submit-ballot' }, '确认提交');
    if (vote.kind === 'motion') submit.disabled = true;
    submit.addEventListener('click', () => cast(submit));
    body.appendChild(submit);
    showOnly(['ballot']);
  }

  function payload() {
    const data = { vote_id: current.id };
    if (current.kind === 'motion') {
      const active = $('ballot-body').querySelector('button.active');
      data.choice = active ? active.dataset.choice : null;
    } else {
      data.marks = {}; data.write_ins = {};
      current.candidates.forEach((c) => {
        const checked = $('ballot-body').querySelector('input[name="cand-' + c.id + '"]:checked');
        if (checked) data.marks[c.id] = checked.value;
      });
      $('ballot-body').querySelectorAll('.write-in').forEach((w) => { if (w.value.trim()) data.write_ins[w.dataset.for] = w.value.trim(); });
    }
    if (changing) data.receipt = localStorage.getItem(receiptKey(current.id));
    return data;
  }

  function withTimeout(promise, ms) {
    return Promise.race([promise, new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), ms))]);
  }

  async function cast(button) {
    const data = payload();
    button.disabled = true;
    button.textContent = '正在提交…';
    let ack;
    try {
      if (!socket || !socket.connected) throw new Error('offline');
      ack = await withTimeout(new Promise((resolve) => socket.emit('voting:cast', data, resolve)), 8000);
    } catch (e) {  // no websocket: the same ballot over HTTP
      ack = await window.postJSON(root.dataset.castUrl.replace('/0/', '/' + current.id + '/'), data);
    }
    button.disabled = false;
    button.textContent = '确认提交';
    if (ack && ack.ok) {
      localStorage.setItem(receiptKey(current.id), ack.receipt);
      localStorage.setItem(receiptKey(current.id) + '-summary', ack.summary);
      changing = false;
      confirmation(ack.summary, ack.receipt, false);
    } else if (ack && ack.error === 'already_voted') {
      confirmation(localStorage.getItem(receiptKey(current.id) + '-summary'), localStorage.getItem(receiptKey(current.id)), true);
    } else {
      $('ballot-error').textContent = (ack && ack.message) || '提交失败，请重试';
      $('ballot-error').hidden = false;
    }
  }

  function confirmation(summary, receipt, already) {
    $('my-choice').textContent = summary || '（本机未保存）';
    $('my-receipt').textContent = receipt || '（本机未保存回执码）';
    show('already-note', already);
    show('change-ballot', Boolean(current && current.changeable && receipt));
    showOnly(['confirmation']);
  }

  $('change-ballot').addEventListener('click', () => { changing = true; renderBallot(current); });

  function renderResult(r) {
    $('result-title').textContent = r.title;
    const body = $('result-body');
    body.textContent = '';
    const res = r.result || {};
    if (r.kind === 'motion') {
      body.textContent = '应到 ' + res.expected + ' 人，实到 ' + res.electorate + ' 人；赞成 ' + res.yes + '，反对 ' + res.no
        + '，弃权 ' + res.abstain + '，未按 ' + res.not_pressed + '。' + res.rule + '（需 ' + res.threshold + ' 票）';
    } else {
      const lines = (res.people || []).map((p) => p.name + (p.write_in ? '（另选）' : '') + ' 赞成 ' + p.yes + (p.elected ? ' 当选' : ''));
      body.textContent = '发出 ' + res.issued + '，收回 ' + res.returned + '，有效 ' + res.valid + '，无效 ' + res.void + '。' + lines.join('；');
    }
    $('result-verdict').textContent = r.verdict || '';
    show('result', true);
  }

  function applyState(state) {
    if (!state || !state.ok) return;
    if (state.vote) {
      current = state.vote;
      if (state.in_electorate === false) {
        renderBallot(state.vote);
        $('ballot-body').textContent = '您不在本次表决的表决人名单中（开始表决时未签到，或为列席人员）。';
      } else if (state.voted) {
        confirmation(localStorage.getItem(receiptKey(current.id) + '-summary'), localStorage.getItem(receiptKey(current.id)), true);
      } else {
        renderBallot(state.vote);
      }
    } else if (state.result) {
      showOnly(['result']);
      renderResult(state.result);
    } else if (state.closed) {
      showOnly(['closed']);
    } else {
      showOnly(['waiting']);
    }
  }

  async function httpState() {
    const res = await fetch(root.dataset.stateUrl, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
    applyState(await res.json());
  }

  const socket = window.connectSocket((up) => {
    $('conn').textContent = up ? '已连接' : '连接中断，正在重连…';
    if (up) socket.emit('voting:state', { sitting_id: sittingId }, applyState);  // on every (re)connect
  });
  if (!socket) { httpState(); return; }
  socket.on('voting:open', (vote) => { if (vote.sitting_id === sittingId) { changing = false; renderBallot(vote); } });
  socket.on('voting:closed', (msg) => {
    if (msg.sitting_id !== sittingId) return;
    countdown(null, 'ballot-countdown');
    showOnly(msg.state === 'cancelled' ? ['waiting'] : ['closed']);
  });
  socket.on('voting:result', (r) => { if (r.sitting_id === sittingId) { showOnly(['result']); renderResult(r); } });
  window.votingSocket = socket;
})();
