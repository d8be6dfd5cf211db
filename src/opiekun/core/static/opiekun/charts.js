/* opiekun charts: a small bar-chart drawer, served by the app (no CDN, no build).
   It draws an SVG above every <table data-chart="stacked|grouped">: the first column
   (or the columns in data-labels) names the bars, every other column (or those in
   data-series) is a series, and each cell's data-v is its value.
   The table stays in the page: it is the accessible, exact form of the same figures. */
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var COLOURS = ["#1e7b34", "#b3261e", "#b86e00", "#8a94a6", "#1f5fbf", "#6a3fb5", "#0f8a8a"];

  function el(name, attrs, text) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function columns(table, name, fallback) {
    var text = table.getAttribute(name);
    return text ? text.split(",").map(Number) : fallback;
  }

  function read(table) {
    var head = table.tHead.rows[0].cells;
    var all = Array.prototype.map.call(head, function (c, i) { return i; }).slice(1);
    var series = columns(table, "data-series", all);
    var labels = columns(table, "data-labels", [0]);
    var rows = Array.prototype.map.call(table.tBodies[0].rows, function (tr) {
      return {
        label: labels.map(function (i) { return tr.cells[i].textContent.trim(); }).join(" "),
        values: series.map(function (i) {
          var cell = tr.cells[i];
          return parseFloat(cell.getAttribute("data-v") || cell.textContent) || 0;
        })
      };
    });
    return {
      series: series.map(function (i) { return head[i].textContent.trim(); }),
      rows: rows
    };
  }

  function draw(table) {
    var data = read(table);
    if (!data.rows.length) return;
    var stacked = table.getAttribute("data-chart") === "stacked";
    var W = 640, H = 260, left = 44, bottom = 46, top = 10, right = 8;
    var plotW = W - left - right, plotH = H - top - bottom;
    var max = 0;
    data.rows.forEach(function (r) {
      var v = stacked ? r.values.reduce(function (a, b) { return a + b; }, 0) : Math.max.apply(null, r.values);
      max = Math.max(max, v);
    });
    max = max || 1;
    var svg = el("svg", { viewBox: "0 0 " + W + " " + H, role: "img", "class": "chart" });
    var caption = table.caption ? table.caption.textContent.trim() : "";
    svg.appendChild(el("title", {}, caption));
    for (var i = 0; i <= 4; i++) {
      var y = top + plotH - plotH * i / 4;
      svg.appendChild(el("line", { x1: left, x2: W - right, y1: y, y2: y, stroke: "#d8dde6" }));
      svg.appendChild(el("text", { x: left - 4, y: y + 4, "text-anchor": "end", "font-size": 11 },
        String(Math.round(max * i / 4 * 10) / 10)));
    }
    var slot = plotW / data.rows.length;
    var n = data.series.length;
    data.rows.forEach(function (r, ri) {
      var width = Math.min(slot * 0.7, stacked ? 56 : 28 * n);
      var x0 = left + ri * slot + (slot - width) / 2, base = top + plotH;
      r.values.forEach(function (v, si) {
        var h = plotH * v / max;
        var bar = stacked
          ? el("rect", { x: x0, y: base - h, width: width, height: h, fill: COLOURS[si % COLOURS.length] })
          : el("rect", { x: x0 + si * width / n, y: top + plotH - h, width: width / n, height: h, fill: COLOURS[si % COLOURS.length] });
        bar.appendChild(el("title", {}, r.label + " · " + data.series[si] + ": " + v));
        svg.appendChild(bar);
        if (stacked) base -= h;
      });
      // A label longer than its slot is cut (the full one is in the bar's tooltip and the table).
      var room = Math.max(3, Math.floor(slot / 6.5));
      var shown = r.label.length > room ? r.label.slice(0, room - 1) + "…" : r.label;
      var text = el("text", { x: left + ri * slot + slot / 2, y: top + plotH + 14, "text-anchor": "middle", "font-size": 11 }, shown);
      text.appendChild(el("title", {}, r.label));
      svg.appendChild(text);
    });
    var lx = left;
    data.series.forEach(function (name, si) {
      svg.appendChild(el("rect", { x: lx, y: H - 16, width: 10, height: 10, fill: COLOURS[si % COLOURS.length] }));
      var label = el("text", { x: lx + 14, y: H - 7, "font-size": 11 }, name);
      svg.appendChild(label);
      lx += 24 + name.length * 6.5;
    });
    table.parentNode.insertBefore(svg, table);
  }

  function drawAll(root) {
    Array.prototype.forEach.call((root || document).querySelectorAll("table[data-chart]"), function (t) {
      if (!t.previousElementSibling || !t.previousElementSibling.matches("svg.chart")) draw(t);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  document.addEventListener("htmx:afterSwap", function (e) { drawAll(e.target); });
})();
