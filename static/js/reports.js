// 履职统计: a stacked horizontal bar chart per 界别 (出席 / 请假 / 缺席) from the JSON the page embeds.
(function () {
  const source = document.getElementById('duty-chart-data');
  const canvas = document.getElementById('duty-chart');
  if (!source || !canvas || typeof Chart === 'undefined') return;
  const d = JSON.parse(source.textContent);
  new Chart(canvas, {
    type: 'bar',
    data: {
      labels: d.labels,
      datasets: [
        { label: '出席', data: d.attended, backgroundColor: '#198754' },
        { label: '请假', data: d.on_leave, backgroundColor: '#ffc107' },
        { label: '缺席', data: d.absent, backgroundColor: '#dc3545' },
      ],
    },
    options: {
      indexAxis: 'y', responsive: true, maintainAspectRatio: false, animation: false,
      scales: { x: { stacked: true, title: { display: true, text: '人次' } }, y: { stacked: true } },
      plugins: {
        tooltip: {
          callbacks: {
            footer: function (items) {
              const rate = d.rate[items[0].dataIndex];
              return rate === null ? '' : '出席率 ' + rate + '%';
            },
          },
        },
      },
    },
  });
})();
