// The big screen: the question, live turnout while open, the published result with rule, threshold and verdict.
(function () {
  const root = document.getElementById('screen');
  if (!root) return;
  const sittingId = Number(root.dataset.sittingId);
  const $ = (id) => document.getElementById(id);
  let chart = null;
  let timer = null;
  let openId = null;

  function question(vote) {
    openId = vote.id;
    $('screen-title').textContent = vote.title;
    $('screen-rule').textContent = vote.rule + (vote.kind === 'election' ? '（' + vote.election_kind + '选举，应选 ' + vote.seats + ' 人）' : '');
    $('screen-turnout').hidden = false;
    $('screen-closed').hidden = true;
    $('screen-result').hidden = true;
    if (timer) clearInterval(timer);
    $('s-countdown').textContent = '';
    if (vote.deadline_at) {
      const end = new Date(vote.deadline_at).getTime();
      const tick = () => {
        const left = Math.max(0, Math.round((end - Date.now()) / 1000));
        $('s-countdown').textContent = '剩余 ' + Math.floor(left / 60) + ':' + String(left % 60).padStart(2, '0');
      };
      tick();
      timer = setInterval(tick, 1000);
    }
  }

  function turnout(t) {
    if (t.vote_id !== openId) return;
    $('s-voted').textContent = t.voted;
    $('s-electorate').textContent = t.electorate;
  }

  function result(r) {
    const res = r.result || {};
    $('screen-title').textContent = r.title;
    $('screen-rule').textContent = res.rule + '（' + (r.kind === 'motion' ? '通过' : '当选') + '所需票数：' + res.threshold + '）';
    $('screen-turnout').hidden = true;
    $('screen-closed').hidden = true;
    $('screen-result').hidden = false;
    let labels, values;
    if (r.kind === 'motion') {
      $('result-figures').textContent = '应到 ' + res.expected + ' · 实到 ' + res.electorate + ' · 赞成 ' + res.yes + ' · 反对 ' + res.no + ' · 弃权 ' + res.abstain + ' · 未按 ' + res.not_pressed;
      labels = ['赞成', '反对', '弃权', '未按'];
      values = [res.yes, res.no, res.abstain, res.not_pressed];
    } else {
      $('result-figures').textContent = '发出选票 ' + res.issued + ' · 收回 ' + res.returned + ' · 有效 ' + res.valid + ' · 无效 ' + res.void;
      labels = (res.people || []).map((p) => p.name);
      values = (res.people || []).map((p) => p.yes);
    }
    $('result-verdict').textContent = r.verdict || '';
    $('result-verdict').className = 'display-3 fw-bold my-3 ' + (res.passed || (res.elected || []).length ? 'text-success' : 'text-warning');
    if (typeof Chart !== 'undefined') {
      if (chart) chart.destroy();
      chart = new Chart($('result-chart'), {
        type: 'bar', data: { labels: labels, datasets: [{ label: '票数', data: values, backgroundColor: '#dc3545' }] },
        options: { animation: false, plugins: { legend: { display: false } }, scales: { x: { ticks: { color: '#fff' } }, y: { ticks: { color: '#fff' } } } },
      });
    }
  }

  function applyState(state) {
    if (!state || !state.ok) return;
    if (state.vote) { question(state.vote); if (state.turnout) turnout(state.turnout); }
    else if (state.result) result(state.result);
    else if (state.closed) { $('screen-closed').hidden = false; $('screen-turnout').hidden = true; }
  }

  const socket = window.connectSocket((up) => {
    $('screen-conn').textContent = up ? '' : '连接中断，正在重连…';
    if (up) socket.emit('voting:state', { sitting_id: sittingId }, applyState);
  });
  if (!socket) return;
  socket.on('voting:open', (v) => { if (v.sitting_id === sittingId) question(v); });
  socket.on('voting:turnout', turnout);
  socket.on('voting:closed', (m) => {
    if (m.sitting_id !== sittingId) return;
    $('screen-turnout').hidden = true;
    $('screen-closed').hidden = m.state === 'cancelled';
    if (m.state === 'cancelled') $('screen-title').textContent = '本次表决已取消';
  });
  socket.on('voting:result', (r) => { if (r.sitting_id === sittingId) result(r); });
})();
