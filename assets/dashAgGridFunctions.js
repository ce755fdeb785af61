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

  // A long header wraps (wrapHeaderText) rather than widen its column past its cells: a column is at
  // least as wide as its cells and its header's longest word, plus the header's padding and icons.
  var canvas = document.createElement("canvas");
  var WRAPPED_MINIMUM = 220;
  var HEADER_CHROME_MAXIMUM = 80;

  function textWidth(text, font) {
    var context = canvas.getContext("2d");
    context.font = font;
    return context.measureText(text).width;
  }

  function headerFont() {
    var header = document.querySelector(".ag-header-cell-text");
    return header ? window.getComputedStyle(header).font : "";
  }

  function fit(api) {
    if (!api || api.isDestroyed()) return;
    var columns = api.getAllDisplayedColumns() || [];
    var font = headerFont();
    api.autoSizeAllColumns(false);
    var headerMinimum = {};
    columns.forEach(function (column) {
      var name = column.getColDef().headerName || column.getColId();
      var words = name.split(/\s+/);
      var longest = Math.max.apply(null, words.map(function (word) { return textWidth(word, font); }));
      // The header's padding and icons; a column held to its maxWidth measures less than its one-line header.
      var chrome = Math.min(column.getActualWidth() - textWidth(name, font), HEADER_CHROME_MAXIMUM);
      headerMinimum[column.getColId()] = font ? Math.ceil(longest + chrome) : column.getActualWidth();
    });
    api.autoSizeAllColumns(true);
    var limits = columns.map(function (column) {
      var id = column.getColId();
      var content = column.getActualWidth();
      // Wrapping text may give up width to the other columns (down to WRAPPED_MINIMUM): more lines, no cut.
      if (column.getColDef().wrapText) content = Math.min(content, WRAPPED_MINIMUM);
      return { key: id, minWidth: Math.max(content, headerMinimum[id]) };
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
