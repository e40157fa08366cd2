/*
 * drill's chart script: draws every <figure data-chart> of the page with uPlot from the JSON spec inside it
 * (src/report/html/chart-spec.ts), with bands and marks as DOM elements over the plot so they print and can be
 * located. Exposes each chart for tests: figure[data-series][data-points], window.drillCharts[id].
 */
(function () {
  'use strict';
  var charts = (window.drillCharts = {});
  var PRINT_WIDTH_PX = 680;

  function formatNumber(v) {
    if (v === null || v === undefined || isNaN(v)) return '–';
    var a = Math.abs(v);
    return a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : v.toFixed(2);
  }

  function formatAxis(axis, v) {
    if (v === null || v === undefined) return '';
    switch (axis.format) {
      case 'seconds':
        return String(+v.toFixed(2)) + ' s';
      case 'percentile': {
        // Ticks at powers of ten only (p0, p90, p99, p99.9...): the minor ticks of a log axis stay unlabelled.
        var decade = Math.log10(v);
        if (Math.abs(decade - Math.round(decade)) > 1e-9) return '';
        return 'p' + String(+(100 * (1 - 1 / v)).toFixed(3));
      }
      case 'percent':
        return formatNumber(v) + ' %';
      case 'integer':
        return String(Math.round(v));
      default:
        return Math.abs(v) >= 10_000 ? (v / 1000).toFixed(0) + 'k' : String(+(+v).toPrecision(4));
    }
  }

  function scaleOf(axis) {
    if (axis.log) return { distr: 3, log: 10 };
    return {
      range: function (u, min, max) {
        var lo = axis.min !== undefined ? axis.min : Math.min(0, min === null ? 0 : min);
        var hi = max === null || max <= lo ? lo + 1 : max + (max - lo) * 0.08;
        return [lo, hi];
      },
    };
  }

  function axisOf(axis, extra) {
    var base = {
      label: axis.label,
      values: function (u, splits) {
        return splits.map(function (v) {
          return formatAxis(axis, v);
        });
      },
      size: 56,
    };
    // Counted things (suite runs) get ticks at whole numbers only.
    if (axis.format === 'integer') base.incrs = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];
    return Object.assign(base, extra || {});
  }

  function seriesOf(spec) {
    var list = [{ label: spec.x.label, value: function (u, v) { return formatAxis(spec.x, v); } }];
    spec.series.forEach(function (s) {
      list.push({
        label: s.label,
        stroke: s.color,
        dash: s.dash && s.dash.length ? s.dash : undefined,
        width: 2,
        scale: s.scale || 'y',
        spanGaps: false,
        paths: s.stepped ? uPlot.paths.stepped({ align: 1 }) : undefined,
        points: { show: spec.xValues.length <= 60, size: 4 },
        value: function (u, v) { return formatNumber(v); },
      });
    });
    return list;
  }

  function element(tag, className, text) {
    var el = document.createElement(tag);
    el.className = className;
    if (text) el.textContent = text;
    return el;
  }

  /** Bands, marks and the phase strip as DOM layers; placed again after every resize. */
  function overlayPlugin(spec) {
    var layers = [];
    function place(u) {
      var width = u.over.clientWidth;
      layers.forEach(function (item) {
        var from = u.valToPos(item.from, 'x');
        var to = u.valToPos(item.to, 'x');
        var left = Math.max(0, Math.min(width, from));
        item.el.style.left = left + 'px';
        if (item.to !== item.from) item.el.style.width = Math.max(1, Math.min(width, to) - left) + 'px';
        // Outside the visible range (zoomed in): hidden rather than piled up at an edge.
        item.el.hidden = to < 0 || from > width;
      });
      var strip = u.root.querySelector('.phase-strip');
      if (strip) {
        strip.style.marginLeft = u.over.style.left;
        strip.style.width = width + 'px';
      }
    }
    function add(parent, el, from, to) {
      parent.appendChild(el);
      layers.push({ el: el, from: from, to: to });
    }
    function build(u) {
      var bands = spec.bands || [];
      var phases = bands.filter(function (b) { return b.kind === 'phase'; });
      var strip = phases.length ? element('div', 'phase-strip') : null;
      if (strip) u.root.insertBefore(strip, u.root.querySelector('.u-wrap'));
      bands.forEach(function (b) {
        var el = element('div', 'band band-' + b.kind);
        el.dataset.from = b.from;
        el.dataset.to = b.to;
        el.title = b.label;
        el.appendChild(element('span', 'band-label', b.label));
        add(b.kind === 'phase' ? strip : u.over, el, b.from, b.to);
      });
      (spec.marks || []).forEach(function (m) {
        var el = element('div', 'mark mark-' + m.kind);
        el.dataset.at = m.at;
        el.title = m.label;
        el.appendChild(element('span', 'mark-label', m.label));
        add(u.over, el, m.at, m.at);
      });
      place(u);
    }
    return { hooks: { ready: [build], setSize: [place], setScale: [function (u, key) { if (key === 'x') place(u); }] } };
  }

  function optionsOf(spec, widthPx) {
    // The x axis spans the data exactly: bands and marks are placed on it, and tests locate them by it.
    var xScale = spec.x.log ? scaleOf(spec.x) : { range: function (u, min, max) { return [min, max > min ? max : min + 1]; } };
    var scales = { x: Object.assign({ time: false }, xScale), y: scaleOf(spec.y) };
    var axes = [axisOf(spec.x), axisOf(spec.y, { size: 64 })];
    var usesY2 = spec.series.some(function (s) { return s.scale === 'y2'; });
    if (spec.y2 && usesY2) {
      scales.y2 = scaleOf(spec.y2);
      axes.push(axisOf(spec.y2, { scale: 'y2', side: 1, size: 64, grid: { show: false } }));
    }
    return {
      width: widthPx,
      height: spec.heightPx || 260,
      scales: scales,
      axes: axes,
      series: seriesOf(spec),
      legend: { live: true },
      cursor: { drag: { x: true, y: false } },
      plugins: [overlayPlugin(spec)],
    };
  }

  function dataOf(spec) {
    return [spec.xValues].concat(
      spec.series.map(function (s) {
        return s.values;
      }),
    );
  }

  function draw(figure) {
    var spec = JSON.parse(figure.querySelector('script.chart-spec').textContent);
    var plot = figure.querySelector('.plot');
    var u = new uPlot(optionsOf(spec, Math.max(320, plot.clientWidth)), dataOf(spec), plot);
    charts[spec.id] = u;
    figure.dataset.series = String(spec.series.length);
    figure.dataset.points = String(spec.xValues.length);
    figure.dataset.rendered = 'true';
  }

  function resizeAll(widthPx) {
    document.querySelectorAll('figure[data-chart]').forEach(function (figure) {
      var u = charts[figure.id];
      if (u) u.setSize({ width: widthPx || Math.max(320, figure.querySelector('.plot').clientWidth), height: u.height });
    });
  }

  document.querySelectorAll('figure[data-chart]').forEach(function (figure) {
    try {
      draw(figure);
    } catch (error) {
      figure.dataset.rendered = 'error';
      figure.querySelector('.plot').textContent = 'This chart could not be drawn: ' + error.message;
      console.error('drill chart ' + figure.id + ':', error);
    }
  });
  var timer;
  window.addEventListener('resize', function () {
    clearTimeout(timer);
    timer = setTimeout(function () { resizeAll(); }, 100);
  });
  // Paper is narrower than the screen: charts redraw at the print width, and the figure tables open.
  var printing = false;
  function printMode(on) {
    if (on === printing) return;
    printing = on;
    document.querySelectorAll('details.figures').forEach(function (d) {
      if (on) { d.dataset.wasOpen = d.open ? '1' : ''; d.open = true; } else d.open = d.dataset.wasOpen === '1';
    });
    resizeAll(on ? PRINT_WIDTH_PX : undefined);
  }
  window.addEventListener('beforeprint', function () { printMode(true); });
  window.addEventListener('afterprint', function () { printMode(false); });
  if (window.matchMedia) window.matchMedia('print').addEventListener('change', function (e) { printMode(e.matches); });
  document.body.dataset.chartsReady = 'true';
})();
