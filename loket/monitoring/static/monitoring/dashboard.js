// The programme dashboard's charts, drawn with Chart.js from the data the page carries
// in <script type="application/json" id="dashboard-charts"> (no inline script). Every
// chart has its data as a table right under it; the canvases only add a picture.
(function () {
  "use strict";
  // Colours with at least 3:1 contrast on white; datasets also differ by point shape
  // and dash pattern, so colour is never the only difference.
  var COLOURS = ["#1f4e79", "#a04d00", "#2e6b30", "#6b2c91", "#8a1538", "#00606b", "#4d4d4d"];
  var POINTS = ["circle", "rect", "triangle", "rectRot", "crossRot", "star", "rectRounded"];
  var DASHES = [[], [6, 4], [2, 3], [10, 3, 2, 3], [1, 2], [8, 8], [4, 1]];

  function datasets(spec) {
    return spec.datasets.map(function (set, index) {
      var colour = COLOURS[index % COLOURS.length];
      var line = spec.type === "line";
      return {
        label: set.label,
        data: set.data,
        borderColor: colour,
        backgroundColor: colour,
        borderWidth: line ? 2 : 1,
        borderDash: line ? DASHES[index % DASHES.length] : [],
        pointStyle: POINTS[index % POINTS.length],
        pointRadius: line ? 4 : 0,
        spanGaps: false
      };
    });
  }

  function options(spec) {
    var horizontal = Boolean(spec.horizontal);
    var valueAxis = { beginAtZero: true, stacked: Boolean(spec.stacked) };
    if (spec.min !== undefined) valueAxis.min = spec.min;
    if (spec.max !== undefined) valueAxis.max = spec.max;
    var scales = {};
    scales[horizontal ? "x" : "y"] = valueAxis;
    scales[horizontal ? "y" : "x"] = { stacked: Boolean(spec.stacked) };
    return {
      indexAxis: horizontal ? "y" : "x",
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: scales,
      plugins: { legend: { labels: { usePointStyle: true } } }
    };
  }

  function setup() {
    var source = document.getElementById("dashboard-charts");
    if (!source || typeof window.Chart === "undefined") return;
    var charts = JSON.parse(source.textContent);
    window.loketCharts = {};
    Object.keys(charts).forEach(function (id) {
      var canvas = document.getElementById(id);
      if (!canvas) return;
      var spec = charts[id];
      window.loketCharts[id] = new window.Chart(canvas, {
        type: spec.type,
        data: { labels: spec.labels, datasets: datasets(spec) },
        options: options(spec)
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
