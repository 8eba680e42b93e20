// 码上商量 staff pages: the suggestions/visits per day chart.
(function () {
  var canvas = document.getElementById('per-day');
  if (!canvas || typeof Chart === 'undefined') return;
  var series = JSON.parse(canvas.getAttribute('data-series') || '[]');
  new Chart(canvas, {
    data: {
      labels: series.map(function (r) { return r.day.slice(5); }),
      datasets: [
        { type: 'bar', label: '意见建议', data: series.map(function (r) { return r.suggestions; }),
          backgroundColor: '#c62828', yAxisID: 'y' },
        { type: 'line', label: '访问人次', data: series.map(function (r) { return r.views; }),
          borderColor: '#546e7a', yAxisID: 'y1', tension: 0.2 }
      ]
    },
    options: {
      animation: false, responsive: true,
      scales: { y: { beginAtZero: true, title: { display: true, text: '条' } },
                y1: { beginAtZero: true, position: 'right', grid: { drawOnChartArea: false }, title: { display: true, text: '人次' } } }
    }
  });
})();
