// Cell formats of the dashboard's grids. They follow metrics/formats.py (the Python side formats cards,
// figures and reports): rupees with Indian digit grouping, ratios as "3.21×", fractions as percentages,
// an em dash for an undefined value. The grid keeps the raw numbers, so sorting and filtering stay numeric.
var dagfuncs = (window.dashAgGridFunctions = window.dashAgGridFunctions || {});

(function () {
  var DASH = "\u2014";

  function undefinedValue(value) {
    return value === null || value === undefined || value === "" || !isFinite(Number(value));
  }

  function grouped(value, decimals) {
    return Number(value).toLocaleString("en-IN", {
      minimumFractionDigits: decimals,
      maximumFractionDigits: decimals,
    });
  }

  dagfuncs.inr = function (value, decimals) {
    if (undefinedValue(value)) return DASH;
    var digits = decimals === undefined ? 0 : decimals;
    var text = grouped(Math.abs(Number(value)), digits);
    var negative = Number(value) < 0 && Number(text.replace(/,/g, "")) !== 0;
    return (negative ? "-" : "") + "\u20B9" + text;
  };

  dagfuncs.number = function (value, decimals) {
    if (undefinedValue(value)) return DASH;
    return grouped(value, decimals === undefined ? 0 : decimals);
  };

  // Counts that may be fractional (credited orders under multi-touch models): whole numbers stay whole.
  dagfuncs.count = function (value) {
    if (undefinedValue(value)) return DASH;
    return Number.isInteger(Number(value)) ? grouped(value, 0) : grouped(value, 1);
  };

  dagfuncs.ratio = function (value) {
    if (undefinedValue(value)) return DASH;
    return grouped(value, 2) + "\u00D7";
  };

  dagfuncs.percent = function (value, decimals) {
    if (undefinedValue(value)) return DASH;
    return grouped(Number(value) * 100, decimals === undefined ? 1 : decimals) + "%";
  };

  dagfuncs.text = function (value) {
    return value === null || value === undefined || value === "" ? DASH : String(value);
  };

  // Column widths follow the content: every column as wide as its header and the cells of the page
  // shown, then whatever width is left shared out, so a grid never leaves an empty strip next to a cut
  // column. Long-text columns keep their maxWidth and wrap (layouts/columns.py). The grid's rows arrive
  // after it is built and change with the filters, so this runs on every new set of rows and when the
  // grid's width changes, once the new cells are drawn.
  var fittedWidths = new WeakMap();

  function fit(api) {
    if (!api || api.isDestroyed()) return;
    api.autoSizeAllColumns(false);
    var limits = (api.getAllDisplayedColumns() || []).map(function (column) {
      return { key: column.getColId(), minWidth: column.getActualWidth() };
    });
    api.sizeColumnsToFit({ columnLimits: limits });
  }

  dagfuncs.fitColumns = function (params) {
    var api = params.api;
    if (params.type === "gridSizeChanged") {
      if (!params.clientWidth || fittedWidths.get(api) === params.clientWidth) return;
      fittedWidths.set(api, params.clientWidth);
    }
    setTimeout(function () {
      fit(api);
    }, 0);
  };
})();
