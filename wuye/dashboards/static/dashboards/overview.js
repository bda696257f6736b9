// Supervision overview charts. The figures arrive as one JSON blob (json_script "wy-overview-data");
// decimal strings are turned into numbers only to draw. A chart is drawn only where its element exists
// (the page shows an empty state instead when there is nothing to draw).
(function () {
  "use strict";
  var PALETTE = ["#1d4e89", "#2e7d32", "#e08e0b", "#7b1fa2", "#c62828", "#00838f", "#5d4037", "#455a64",
                 "#ad1457", "#558b2f", "#3949ab", "#f4511e", "#6d4c41", "#00695c", "#8e24aa", "#827717"];
  function num(v) { return v === null || v === undefined ? null : Number(v); }
  function fixed(v, suffix) { return v === null || v === undefined ? "—" : v.toFixed(1) + (suffix || ""); }
  function short(s) { return s.length > 6 ? s.slice(0, 6) + "…" : s; }
  function init(id) {
    var el = document.getElementById(id);
    return el && window.echarts ? window.echarts.init(el, null, { renderer: "canvas" }) : null;
  }
  function draw() {
    var blob = document.getElementById("wy-overview-data");
    if (!blob || !window.echarts) { return; }
    var data = JSON.parse(blob.textContent);
    var charts = [];
    var c;
    if ((c = init("wy-chart-coverage"))) {
      c.setOption({
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: function (v) { return fixed(v, "%"); } },
        grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: data.coverage.names,
                 axisLabel: { interval: 0, rotate: data.coverage.names.length > 6 ? 35 : 0, fontSize: 11, formatter: short } },
        yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
        series: [{ name: data.coverage.label, type: "bar", barMaxWidth: 32, data: data.coverage.rates.map(num),
                   itemStyle: { color: "#1d4e89" } }]
      });
      charts.push(c);
    }
    if ((c = init("wy-chart-scores"))) {
      c.setOption({
        tooltip: { trigger: "axis", valueFormatter: function (v) { return fixed(v); } },
        legend: { type: "scroll", bottom: 0, itemWidth: 14, itemHeight: 8, textStyle: { fontSize: 11 } },
        grid: { left: 8, right: 16, top: 16, bottom: 36, containLabel: true },
        xAxis: { type: "category", data: data.scores.months, axisLabel: { fontSize: 11 } },
        yAxis: { type: "value", min: function (v) { return Math.max(0, Math.floor((v.min - 5) / 10) * 10); }, max: 100 },
        series: data.scores.series.map(function (s, i) {
          return { name: s.name, type: "line", connectNulls: true, symbolSize: 6, data: s.values.map(num),
                   itemStyle: { color: PALETTE[i % PALETTE.length] } };
        })
      });
      charts.push(c);
    }
    if ((c = init("wy-chart-stars"))) {
      c.setOption({
        tooltip: { trigger: "item", formatter: "{b}：{c}（{d}%）" },
        legend: { bottom: 0, itemWidth: 14, itemHeight: 8, textStyle: { fontSize: 11 } },
        color: ["#90a4ae", "#64b5f6", "#1d4e89", "#e08e0b", "#c62828"],
        series: [{ type: "pie", radius: ["35%", "65%"], center: ["50%", "45%"], data: data.stars,
                   label: { formatter: "{b}\n{c}" } }]
      });
      charts.push(c);
    }
    if ((c = init("wy-chart-grades"))) {
      var colors = { AAA: "#2e7d32", AA: "#558b2f", A: "#1d4e89", B: "#e08e0b", C: "#c62828" };
      c.setOption({
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: data.grades.names },
        yAxis: { type: "value", minInterval: 1 },
        series: [{ name: data.grades.label, type: "bar", barMaxWidth: 40,
                   data: data.grades.values.map(function (v, i) { return { value: v, itemStyle: { color: colors[data.grades.names[i]] } }; }),
                   label: { show: true, position: "top", fontSize: 11 } }]
      });
      charts.push(c);
    }
    if ((c = init("wy-chart-orders"))) {
      var stackColors = ["#c62828", "#90a4ae"];
      c.setOption({
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        legend: { bottom: 0, itemWidth: 14, itemHeight: 8, textStyle: { fontSize: 11 } },
        grid: { left: 8, right: 16, top: 16, bottom: 36, containLabel: true },
        xAxis: { type: "category", data: data.orders.names,
                 axisLabel: { interval: 0, rotate: data.orders.names.length > 6 ? 35 : 0, fontSize: 11, formatter: short } },
        yAxis: { type: "value", minInterval: 1 },
        series: data.orders.series.map(function (s, i) {
          return { name: s.name, type: "bar", stack: "open", barMaxWidth: 32, data: s.values, itemStyle: { color: stackColors[i] } };
        })
      });
      charts.push(c);
    }
    window.addEventListener("resize", function () { charts.forEach(function (x) { x.resize(); }); });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
