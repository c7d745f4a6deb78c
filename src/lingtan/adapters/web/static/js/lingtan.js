/* lingtan web app: draw the charts whose ECharts options the server embedded as JSON
   (built by lingtan.adapters.web.charts), format values with thousands separators and the
   unit (the chart's data-unit), draw custom series with the renderer they name, and follow a
   data item's "href" when it is clicked (drill-down).

   No inline script anywhere (Content-Security-Policy script-src 'self', decision 0035): forms
   ask for confirmation through data-confirm, selects submit their form through
   data-autosubmit, and every text in a chart tooltip is escaped here (names are user data). */
(function () {
  "use strict";
  var charts = [];

  function formatter(unit) {  // unit: the chart's data-unit ("t CO2e" when not given)
    var nf = new Intl.NumberFormat(document.documentElement.lang || "en", {
      maximumFractionDigits: 0,
    });
    var suffix = unit ? "\u00a0" + unit : "";
    return function (v) {
      return typeof v === "number" ? nf.format(v) + suffix : v;
    };
  }

  // Renderers of "custom" series, named in the server's JSON (functions cannot travel in JSON).
  var RENDERERS = {
    // MACC bar: from (start, 0) to (end, cost per t); width = abatement, height = cost
    macc: function (params, api) {
      var a = api.coord([api.value(0), 0]);
      var b = api.coord([api.value(1), api.value(2)]);
      return {
        type: "rect",
        shape: { x: a[0], y: Math.min(a[1], b[1]), width: Math.max(b[0] - a[0], 1),
                 height: Math.abs(b[1] - a[1]) },
        style: api.style({ stroke: "#ffffff" }),
      };
    },
  };

  function namedRenderers(option) {
    (option.series || []).forEach(function (s) {
      if (s.type === "custom" && typeof s.renderItem === "string") {
        s.renderItem = RENDERERS[s.renderItem];
      }
    });
  }

  function compact() {  // value axes: 600K / 60万, so that ticks never overlap
    var nf = new Intl.NumberFormat(document.documentElement.lang || "en", {
      notation: "compact",
      maximumFractionDigits: 1,
    });
    return function (v) { return nf.format(v); };
  }

  function valueAxes(option) {
    var fmt = compact();
    ["xAxis", "yAxis"].forEach(function (key) {
      var axes = option[key];
      (Array.isArray(axes) ? axes : axes ? [axes] : []).forEach(function (a) {
        if (a.type === "value") a.axisLabel = Object.assign({ formatter: fmt }, a.axisLabel || {});
      });
    });
  }

  function draw(root) {
    if (typeof echarts === "undefined") return;
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.dataset.drawn) return;
      var src = document.getElementById(el.dataset.chart);
      if (!src) return;
      var option = JSON.parse(src.textContent);
      // the unit: the element's data-unit, else the chart's own (from the catalogue), else t CO2e
      var unit = "unit" in el.dataset ? el.dataset.unit
        : typeof option.unit === "string" ? option.unit : "t CO2e";
      delete option.unit;
      // an empty state (title + message, no axes) is drawn as it is; data-empty marks it
      if (option.empty) el.dataset.empty = "1";
      delete option.empty;
      var fmt = formatter(unit);
      option.tooltip = Object.assign({ valueFormatter: fmt }, option.tooltip || {});
      valueAxes(option);
      namedRenderers(option);
      var chart = echarts.init(el, null, { renderer: "svg" });
      chart.setOption(option);
      chart.on("click", function (p) {
        if (p.data && p.data.href) window.location.href = p.data.href;
      });
      el.dataset.drawn = "1";
      charts.push(chart);
    });
  }

  // Behaviours the templates declare with data attributes instead of inline handlers.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm !== undefined &&
        !window.confirm(form.dataset.confirm)) {
      e.preventDefault();
    }
  }, true);
  document.addEventListener("change", function (e) {
    var el = e.target;
    if (el instanceof HTMLSelectElement && el.dataset.autosubmit !== undefined && el.form) {
      el.form.submit();
    }
  });

  window.addEventListener("resize", function () {
    charts.forEach(function (c) { c.resize(); });
  });
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSwap", function (e) { draw(e.target); });
})();
