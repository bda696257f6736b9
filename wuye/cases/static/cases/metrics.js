// Complaint metrics charts: composite score by unit (bar) and the satisfaction trend (line).
// Figures arrive as decimal strings (json_script "wy-bar-data" / "wy-trend-data"); they are
// turned into numbers only to draw.
(function () {
  "use strict";
  function num(v) { return v === null || v === undefined ? null : Number(v); }
  function read(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  function draw() {
    if (!window.echarts) { return; }
    var charts = [];
    var barEl = document.getElementById("wy-chart");
    var bar = read("wy-bar-data");
    if (barEl && bar) {
      var chart = window.echarts.init(barEl, null, { renderer: "canvas" });
      chart.setOption({
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: function (v) { return v === null || v === undefined ? "—" : v.toFixed(1); } },
        grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
        xAxis: {
          type: "category", data: bar.names,
          axisLabel: { interval: 0, rotate: bar.names.length > 5 ? 35 : 0, fontSize: 11,
                       formatter: function (s) { return s.length > 8 ? s.slice(0, 8) + "…" : s; } }
        },
        yAxis: { type: "value", min: 0, max: 100 },
        series: [{
          name: bar.label, type: "bar", barMaxWidth: 32, data: bar.values.map(num),
          itemStyle: { color: "#1d4e89" },
          label: { show: bar.names.length <= 12, position: "top", fontSize: 10, formatter: function (p) { return p.value === null || p.value === undefined ? "" : p.value.toFixed(1); } }
        }]
      });
      charts.push(chart);
    }
    var lineEl = document.getElementById("wy-chart-trend");
    var trend = read("wy-trend-data");
    if (lineEl && trend) {
      var colors = ["#2e7d32", "#1d4e89", "#e08e0b"];
      var line = window.echarts.init(lineEl, null, { renderer: "canvas" });
      line.setOption({
        tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null || v === undefined ? "—" : v.toFixed(1) + "%"; } },
        legend: { bottom: 0, itemWidth: 14, itemHeight: 8, textStyle: { fontSize: 11 } },
        grid: { left: 8, right: 16, top: 16, bottom: 36, containLabel: true },
        xAxis: { type: "category", data: trend.months, axisLabel: { fontSize: 11 } },
        yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
        series: trend.series.map(function (s, i) {
          return { name: s.name, type: "line", smooth: false, connectNulls: false, symbolSize: 6,
                   data: s.values.map(num), itemStyle: { color: colors[i % colors.length] },
                   lineStyle: { width: i === 0 ? 3 : 1.5 } };
        })
      });
      charts.push(line);
    }
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
