// The presider's console: live turnout (coalesced by the server, at most a few updates a second), the countdown,
// and a reload when a vote changes state (opened, closed by the deadline, published).
(function () {
  const root = document.getElementById('console');
  if (!root) return;
  const sittingId = Number(root.dataset.sittingId);
  const $ = (id) => document.getElementById(id);
  let updates = 0;

  const deadline = root.dataset.deadline;
  if (deadline && $('countdown')) {
    const end = new Date(deadline).getTime();
    const tick = () => {
      const left = Math.max(0, Math.round((end - Date.now()) / 1000));
      $('countdown').textContent = '倒计时 ' + Math.floor(left / 60) + ':' + String(left % 60).padStart(2, '0');
    };
    tick();
    setInterval(tick, 1000);
  }

  function turnout(t) {
    if (!$('turnout-voted') || String(t.vote_id) !== root.dataset.openVote) return;
    updates += 1;
    $('turnout-voted').textContent = t.voted;
    $('turnout-electorate').textContent = t.electorate;
    $('turnout-bar').style.width = (t.electorate ? (100 * t.voted / t.electorate) : 0) + '%';
    $('turnout-updated').textContent = new Date().toLocaleTimeString('zh-CN') + '（第 ' + updates + ' 次）';
  }

  const socket = window.connectSocket((up) => {
    if (up) socket.emit('voting:state', { sitting_id: sittingId }, (state) => { if (state && state.turnout) turnout(state.turnout); });
  });
  if (!socket) return;
  socket.on('voting:turnout', turnout);
  socket.on('voting:changed', (vote) => {
    if (vote.sitting_id === sittingId) setTimeout(() => window.location.reload(), 300);
  });
})();
