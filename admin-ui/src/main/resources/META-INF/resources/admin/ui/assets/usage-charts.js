// The usage page's charts (progressive enhancement: the table under them holds the same figures and is the page
// without JavaScript). Reads the rows of #usage-table, whose data- attributes carry the raw numbers, and draws them
// with Chart.js, loaded from this origin's webjar (the portal's CSP forbids inline scripts and other origins).
(function () {
  'use strict';
  function start() {
    var table = document.getElementById('usage-table');
    var charts = document.getElementById('usage-charts');
    if (!table || !charts || typeof window.Chart === 'undefined') {
      return;
    }
    var rows = Array.prototype.slice.call(table.querySelectorAll('tbody tr[data-group]'));
    if (rows.length === 0) {
      return;
    }
    var dollars = function (v) {
      return '$' + Number(v).toLocaleString('en-US', { maximumSignificantDigits: 3, maximumFractionDigits: 6 });
    };
    var number = function (row, name) { return Number(row.getAttribute('data-' + name)) || 0; };
    var labels = rows.map(function (row) { return row.getAttribute('data-group'); });
    var series = function (name) { return rows.map(function (row) { return number(row, name); }); };
    charts.hidden = false;
    var common = {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: { legend: { position: 'bottom' } },
      scales: { x: { ticks: { autoSkip: true, maxRotation: 60 } }, y: { beginAtZero: true } }
    };
    new window.Chart(document.getElementById('cost-chart'), {
      type: 'bar',
      data: { labels: labels, datasets: [{ label: 'Cost (USD)', data: series('cost'), backgroundColor: '#1a56db' }] },
      options: Object.assign({}, common, {
        scales: {
          x: { ticks: { autoSkip: true, maxRotation: 60 } },
          y: { beginAtZero: true, ticks: { callback: function (v) { return dollars(v); } } }
        },
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: function (c) { return dollars(c.parsed.y); } } }
        }
      })
    });
    new window.Chart(document.getElementById('tokens-chart'), {
      type: 'bar',
      data: {
        labels: labels,
        datasets: [
          { label: 'Prompt', data: series('prompt'), backgroundColor: '#1a56db' },
          { label: 'Output', data: series('output'), backgroundColor: '#0f9d58' },
          { label: 'Thinking', data: series('thinking'), backgroundColor: '#f4b400' }
        ]
      },
      options: Object.assign({}, common, {
        scales: { x: { stacked: true, ticks: { autoSkip: true, maxRotation: 60 } }, y: { stacked: true, beginAtZero: true } }
      })
    });
    charts.setAttribute('data-drawn', 'true');
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
}());
