// Workbench chart: estates by area and management mode (data from json_script "wy-chart-data").
(function () {
  "use strict";
  function draw() {
    var el = document.getElementById("wy-chart");
    var source = document.getElementById("wy-chart-data");
    if (!el || !source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    var colors = { professional: "#1d4e89", quasi: "#4a90d9", self_managed: "#9cc3ea", none: "#d9534f" };
    var option;
    if (data.type === "bar") {
      option = {
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        legend: { bottom: 0, itemWidth: 12, itemHeight: 10, textStyle: { fontSize: 11 } },
        grid: { left: 8, right: 12, top: 16, bottom: 36, containLabel: true },
        xAxis: {
          type: "category", data: data.categories,
          axisLabel: { interval: 0, rotate: data.categories.length > 6 ? 35 : 0, fontSize: 11 }
        },
        yAxis: { type: "value", minInterval: 1 },
        series: data.series.map(function (s) {
          return { name: s.name, type: "bar", stack: "mode", barMaxWidth: 36, data: s.data, itemStyle: { color: colors[s.key] } };
        })
      };
    } else {
      option = {
        tooltip: { trigger: "item", formatter: "{b}：{c}（{d}%）" },
        legend: { bottom: 0, itemWidth: 12, itemHeight: 10, textStyle: { fontSize: 11 } },
        series: [{
          type: "pie", radius: ["38%", "66%"], center: ["50%", "45%"],
          label: { formatter: "{b}\n{c}", fontSize: 11 },
          data: data.series.filter(function (s) { return s.value > 0; }).map(function (s) {
            return { name: s.name, value: s.value, itemStyle: { color: colors[s.key] } };
          })
        }]
      };
    }
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
