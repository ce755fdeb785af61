/*
 * The light/dark theme (docs/user-guide.md, "Theme"). Loaded in <head> (layouts/theme.py), so the page is
 * painted in its theme from the start: the choice kept in local storage, else the system's setting.
 *
 * - Bootstrap 5.3 reads `data-bs-theme` and AG Grid's Quartz theme (its variable colour scheme) reads
 *   `data-ag-theme-mode`, both set on <html>.
 * - Charts: the server draws every figure with the light template. Every plot goes through Plotly.react
 *   (dcc.Graph calls it for each new figure), which is wrapped here to give the figure the template of the
 *   theme shown and the dark counterparts of its fixed colours. The figure Dash holds is never changed
 *   (copies are made where something differs), and a switch redraws the charts on the page from the figures
 *   they were given, so charts drawn before and after a switch, a filter change or a tab change all match.
 * - The top bar's switch (`theme-switch`) calls `dash_clientside.theme.switch` (callbacks/theme.py).
 */
(function () {
  "use strict";

  var KEY = "dashboard-theme";
  var root = document.documentElement;
  var themes = null; // {light, dark, colours} from the `theme-templates` store

  function stored() {
    try {
      var value = window.localStorage.getItem(KEY);
      return value === "dark" || value === "light" ? value : null;
    } catch (error) {
      return null; // storage blocked: follow the system
    }
  }

  function systemTheme() {
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }

  function current() {
    return root.getAttribute("data-bs-theme") === "dark" ? "dark" : "light";
  }

  function show(theme) {
    root.setAttribute("data-bs-theme", theme);
    root.setAttribute("data-ag-theme-mode", theme);
  }

  show(stored() || systemTheme());

  // `items` mapped by `change`: the same array when no item changes.
  function mapped(items, change) {
    var changed = false;
    var out = items.map(function (item) {
      var result = change(item);
      changed = changed || result !== item;
      return result;
    });
    return changed ? out : items;
  }

  // A colour property (`color`, `bgcolor`, `gridcolor`, ...) holding a fixed light colour gets its dark
  // counterpart; only colour properties, so a campaign named "white" stays "white".
  function darkColour(value, colours) {
    if (typeof value === "string") {
      var dark = colours[value.toLowerCase().replace(/\s+/g, "")];
      return dark === undefined ? value : dark;
    }
    if (Array.isArray(value)) {
      return mapped(value, function (item) {
        return darkColour(item, colours);
      });
    }
    return value;
  }

  // Return `value` with its colour properties swapped, sharing every part that does not change.
  function swapped(value, colours) {
    if (Array.isArray(value)) {
      return mapped(value, function (item) {
        return swapped(item, colours);
      });
    }
    if (value === null || typeof value !== "object") {
      return value;
    }
    var copy = null;
    Object.keys(value).forEach(function (key) {
      if (key === "template") {
        return;
      }
      var item = value[key];
      var out = /colou?r$/i.test(key) ? darkColour(item, colours) : swapped(item, colours);
      if (out !== item) {
        copy = copy || Object.assign({}, value);
        copy[key] = out;
      }
    });
    return copy || value;
  }

  // The figure as the theme shown draws it (a new object; `figure` is left as it is).
  function themed(figure) {
    var layout = figure.layout;
    if (!themes || !layout || !layout.template) {
      return figure; // no dashboard template: a plotly default or an empty graph
    }
    var dark = current() === "dark";
    var data = figure.data;
    if (dark) {
      data = swapped(data, themes.colours);
      layout = swapped(layout, themes.colours);
    }
    return Object.assign({}, figure, {
      data: data,
      layout: Object.assign({}, layout, { template: themes[dark ? "dark" : "light"] }),
    });
  }

  function wrap(Plotly) {
    if (!Plotly || Plotly.__dashboardTheme) {
      return;
    }
    var react = Plotly.react;
    Plotly.react = function (gd, data, layout, config) {
      var single = data && !Array.isArray(data) && typeof data === "object";
      var figure = single ? data : { data: data, layout: layout, config: config };
      // The figure as given, to draw again in the other theme.
      var element = typeof gd === "string" ? document.getElementById(gd) : gd;
      if (element) {
        element.__dashboardFigure = figure;
      }
      return react.call(this, gd, themed(figure));
    };
    Plotly.__dashboardTheme = true;
  }

  // dcc.Graph loads plotly.js when a page first needs it, as window.Plotly: wrap it when it arrives.
  if (window.Plotly) {
    wrap(window.Plotly);
  } else {
    var loaded;
    Object.defineProperty(window, "Plotly", {
      configurable: true,
      enumerable: true,
      get: function () {
        return loaded;
      },
      set: function (value) {
        loaded = value;
        wrap(value);
      },
    });
  }

  function redrawCharts() {
    if (!window.Plotly) {
      return;
    }
    document.querySelectorAll(".js-plotly-plot").forEach(function (gd) {
      if (gd.__dashboardFigure) {
        window.Plotly.react(gd, gd.__dashboardFigure);
      }
    });
  }

  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.theme = {
    /*
     * The switch's callback, with the switch's value (null on the page's first call: the switch shows the
     * theme applied above) and the `theme-templates` store. Returns the switch's value.
     */
    switch: function (dark, templates) {
      var first = dark === null || dark === undefined;
      var before = current();
      var shown = first ? before : dark ? "dark" : "light";
      if (!first) {
        try {
          window.localStorage.setItem(KEY, shown);
        } catch (error) {
          // storage blocked: the choice lasts for this page only
        }
      }
      show(shown);
      var arrived = !themes && templates;
      themes = templates || themes;
      if (arrived || shown !== before) {
        redrawCharts();
      }
      return first ? shown === "dark" : window.dash_clientside.no_update;
    },
  };
})();
