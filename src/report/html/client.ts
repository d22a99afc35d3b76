/**
 * The script in every report page: reads the embedded JSON (see chart-spec.ts) and draws it with
 * chart.js. Plain ES5-style JavaScript kept as text; it never writes HTML (labels are drawn on
 * canvases), so the data cannot inject markup. `document.body.dataset.charts` is set to the number
 * of charts drawn once every chart is on screen, which the browser tests wait for.
 */
export const CLIENT_SCRIPT = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('lbsim-data').textContent);
  var css = getComputedStyle(document.documentElement);
  function cssVar(name, fallback) {
    var v = css.getPropertyValue(name).trim();
    return v === '' ? fallback : v;
  }
  var fg = cssVar('--fg', '#1d2330');
  var muted = cssVar('--muted', '#5b6475');
  var grid = cssVar('--grid', 'rgba(0,0,0,0.08)');
  var faultFill = cssVar('--fault', 'rgba(214,39,40,0.09)');
  var surface = cssVar('--surface', '#ffffff');

  Chart.defaults.color = muted;
  Chart.defaults.borderColor = grid;
  Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
  Chart.defaults.font.size = 11;
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.plugins.legend.labels.boxWidth = 12;
  Chart.defaults.plugins.legend.labels.boxHeight = 12;

  // Every time chart gets the same y-axis width, so their plot areas line up on one time axis.
  var AXIS_WIDTH = 104;
  function fixWidth(scale) {
    scale.width = AXIS_WIDTH;
  }
  var MARK_COLORS = { detected: '#7570b3', failover: '#d95f02', recovered: '#1b9e77' };

  function alpha(hex, a) {
    var n = parseInt(hex.slice(1), 16);
    return 'rgba(' + ((n >> 16) & 255) + ',' + ((n >> 8) & 255) + ',' + (n & 255) + ',' + a + ')';
  }
  function fixed(v, digits) {
    return String(Number(v.toFixed(digits)));
  }
  function fmt(unit, v) {
    if (v === null || v === undefined || isNaN(v)) return 'none';
    if (unit === 'ms') {
      if (v >= 1000) return fixed(v / 1000, v >= 10000 ? 1 : 2) + ' s';
      return fixed(v, v < 10 ? 1 : 0) + ' ms';
    }
    if (unit === 'per-sec') return fixed(v, v < 10 ? 1 : 0) + '/s';
    if (unit === 'percent') return fixed(v, 1) + '%';
    return fixed(v, 3) + '\u00d7';
  }
  function fmtTime(s) {
    if (data.xMax < 120) return fixed(s, 1) + ' s';
    var m = Math.floor(s / 60);
    var r = Math.round(s - m * 60);
    return m + ':' + (r < 10 ? '0' : '') + r;
  }
  // Keeps both ends: a row reads "upstream component", and the component is at the end.
  function truncate(s, n) {
    if (s.length <= n) return s;
    var half = Math.floor((n - 1) / 2);
    return s.slice(0, half) + '\u2026' + s.slice(s.length - half);
  }

  function timeAxis(small) {
    return {
      type: 'linear',
      min: 0,
      max: data.xMax,
      title: { display: !small, text: 'time since start' },
      ticks: { callback: fmtTime, maxTicksLimit: small ? 5 : 13 },
      grid: { color: grid }
    };
  }

  // Overlapping fault windows would print their labels on top of each other: stagger them.
  var rows = Math.min(data.faults.length, 3);
  function annotations(markers, noBoxLabel) {
    var out = {};
    data.faults.forEach(function (f, i) {
      out['fault' + i] = {
        type: 'box',
        xMin: f.from,
        xMax: f.to,
        backgroundColor: faultFill,
        borderWidth: 0,
        // Over the data: stacked areas would hide a window drawn beneath them.
        drawTime: 'afterDatasetsDraw',
        label: {
          display: !noBoxLabel,
          content: f.label,
          position: { x: 'center', y: 'start' },
          yAdjust: (i % 3) * 15,
          color: fg,
          font: { size: 11, weight: 'bold' }
        }
      };
      if (markers === 'none') return;
      f.marks.forEach(function (m, j) {
        out['mark' + i + '_' + j] = {
          type: 'line',
          xMin: m.at,
          xMax: m.at,
          borderColor: MARK_COLORS[m.kind],
          borderWidth: 1.5,
          borderDash: [5, 3],
          label: {
            display: markers === 'labelled',
            content: m.label,
            position: m.kind === 'failover' ? 'center' : 'end',
            yAdjust: m.kind === 'failover' ? 0 : rows * 15 + 4,
            backgroundColor: MARK_COLORS[m.kind],
            color: '#ffffff',
            font: { size: 10 },
            padding: 3
          }
        };
      });
    });
    return out;
  }

  function seriesConfig(spec) {
    var areas = 0;
    var datasets = spec.datasets.map(function (d) {
      var points = spec.x.map(function (x, i) {
        return { x: x, y: d.data[i] };
      });
      var area = spec.stacked && !d.reference;
      var ds = {
        label: d.label,
        data: points,
        borderColor: d.color,
        backgroundColor: area ? alpha(d.color, 0.6) : d.color,
        borderWidth: spec.small ? 1 : area ? 1 : 2,
        pointRadius: 0,
        pointHitRadius: 6,
        spanGaps: false,
        fill: area ? (areas === 0 ? 'origin' : '-1') : false
      };
      if (area) areas += 1;
      if (d.reference) {
        ds.borderDash = [6, 4];
        ds.stack = 'reference';
        ds.borderWidth = 1.5;
      }
      return ds;
    });
    var y = {
      beginAtZero: true,
      stacked: spec.stacked,
      ticks: {
        maxTicksLimit: spec.small ? 3 : 6,
        callback: function (v) {
          return fmt(spec.unit, v);
        }
      },
      afterFit: spec.small ? undefined : fixWidth
    };
    if (spec.yMax !== undefined) y.max = spec.yMax;
    return {
      type: 'line',
      data: { datasets: datasets },
      options: {
        parsing: false,
        normalized: true,
        interaction: { mode: 'index', intersect: false, axis: 'x' },
        scales: { x: timeAxis(spec.small), y: y },
        plugins: {
          legend: { display: !spec.small || spec.datasets.length > 1, position: 'top', align: 'end' },
          tooltip: {
            callbacks: {
              title: function (items) {
                return items.length > 0 ? 't = ' + fmtTime(items[0].parsed.x) : '';
              },
              label: function (item) {
                return item.dataset.label + ': ' + fmt(spec.unit, item.parsed.y);
              }
            }
          },
          annotation: { annotations: annotations(spec.markers, spec.small) }
        }
      }
    };
  }

  function statesConfig(spec) {
    var byState = {};
    var order = [];
    spec.segments.forEach(function (s) {
      var key = s.state + ' ' + s.color;
      if (!(key in byState)) {
        byState[key] = {
          label: s.state,
          data: [],
          backgroundColor: s.color,
          borderColor: surface,
          borderWidth: 1,
          borderSkipped: false,
          grouped: false,
          barPercentage: 0.75,
          categoryPercentage: 1
        };
        order.push(key);
      }
      byState[key].data.push({ x: [s.from, s.to], y: s.row });
    });
    return {
      type: 'bar',
      data: {
        labels: spec.rows,
        datasets: order.map(function (k) {
          return byState[k];
        })
      },
      options: {
        indexAxis: 'y',
        scales: {
          x: timeAxis(false),
          y: {
            type: 'category',
            labels: spec.rows,
            afterFit: fixWidth,
            ticks: {
              callback: function (v) {
                return truncate(spec.rows[v] || '', 17);
              }
            },
            grid: { display: false }
          }
        },
        plugins: {
          legend: { position: 'top', align: 'end' },
          tooltip: {
            callbacks: {
              label: function (item) {
                var r = item.raw;
                return r.y + ': ' + item.dataset.label + ' (' + fmtTime(r.x[0]) + ' \u2192 ' + fmtTime(r.x[1]) + ')';
              }
            }
          },
          // Rows fill the chart: a window's label would sit on the first row, so leave it out.
          annotation: { annotations: annotations(spec.markers, true) }
        }
      }
    };
  }

  function summaryConfig(spec) {
    return {
      type: 'bar',
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (d) {
          return { label: d.label, data: d.data, backgroundColor: d.color };
        })
      },
      options: {
        scales: {
          y: {
            beginAtZero: true,
            ticks: {
              callback: function (v) {
                return fmt(spec.unit, v);
              }
            }
          }
        },
        plugins: {
          legend: { position: 'top', align: 'end' },
          tooltip: {
            callbacks: {
              label: function (item) {
                return item.dataset.label + ' ' + item.label + ': ' + fmt(spec.unit, item.parsed.y);
              }
            }
          }
        }
      }
    };
  }

  var charts = [];
  data.charts.forEach(function (spec) {
    var canvas = document.getElementById('chart-' + spec.id);
    if (!canvas) return;
    var config =
      spec.kind === 'series' ? seriesConfig(spec) : spec.kind === 'states' ? statesConfig(spec) : summaryConfig(spec);
    charts.push(new Chart(canvas, config));
  });
  window.addEventListener('beforeprint', function () {
    charts.forEach(function (c) {
      c.resize();
    });
  });
  window.addEventListener('afterprint', function () {
    charts.forEach(function (c) {
      c.resize();
    });
  });
  document.body.dataset.charts = String(charts.length);
})();
`;
