// Failed callback requests are never silent. The Dash renderer drops an answer that is not a 200 and
// ignores a network error, so the part of the page a request was updating would keep its old state
// with no word (a worker killed during an upload, a proxy's 502), possibly next to parts already
// updated. Here every request to the callback route that fails that way is held: the error toast
// (layouts/shell.py) names the part of the page and offers Retry. Retry sends the same request again
// and hands its answer to the renderer as if the first one had been slow; closing the toast gives the
// renderer the original failure. Part names come from /_dashboard/areas (server/errors.py).
(function () {
  "use strict";
  var ROUTE = "_dash-update-component";
  var AREAS_ROUTE = "_dashboard/areas";
  var TOAST_ID = "error-toast"; // layouts/ids.py ERROR_TOAST
  var RETRY_CLASS = "error-toast-retry";
  var nativeFetch = window.fetch.bind(window);
  var held = [];
  var areas = null;

  function urlOf(input) {
    return typeof input === "string" ? input : (input && input.url) || "";
  }

  function loadAreas(url) {
    if (areas !== null) {
      return;
    }
    areas = {};
    nativeFetch(url.split(ROUTE)[0] + AREAS_ROUTE, {credentials: "same-origin"})
      .then(function (response) {
        return response.ok ? response.json() : {};
      })
      .then(function (names) {
        areas = names || {};
      })
      .catch(function () {});
  }

  function areaOf(init) {
    var found = [];
    function walk(output) {
      if (Array.isArray(output)) {
        output.forEach(walk);
      } else if (output && output.id !== undefined) {
        found.push(typeof output.id === "object" ? output.id.type : output.id);
      }
    }
    try {
      walk(JSON.parse(init && typeof init.body === "string" ? init.body : "{}").outputs);
    } catch (ignored) {
      // not a JSON body: the page as a whole
    }
    for (var i = 0; i < found.length; i++) {
      if (areas && areas[found[i]]) {
        return areas[found[i]];
      }
    }
    return "the page";
  }

  function element(type, props) {
    return {type: type, namespace: "dash_html_components", props: props};
  }

  function setToast(props) {
    if (window.dash_clientside && window.dash_clientside.set_props) {
      window.dash_clientside.set_props(TOAST_ID, props);
    }
  }

  function show() {
    var names = [];
    held.forEach(function (entry) {
      if (names.indexOf(entry.area) < 0) {
        names.push(entry.area);
      }
    });
    var listed = names.join(", ");
    setToast({
      is_open: true,
      header: listed.charAt(0).toUpperCase() + listed.slice(1) + " could not be updated",
      children: [
        element("P", {
          className: "mb-2",
          children:
            held[held.length - 1].reason +
            ". What it shows may be older than the rest of the page until it is updated.",
        }),
        element("Button", {className: "btn btn-sm btn-primary " + RETRY_CLASS, children: "Retry"}),
      ],
    });
  }

  function hold(input, init, outcome, reason) {
    return new Promise(function (resolve, reject) {
      held.push({input: input, init: init, outcome: outcome, reason: reason, area: areaOf(init),
        resolve: resolve, reject: reject});
      show();
    });
  }

  function send(input, init) {
    return nativeFetch(input, init).then(
      function (response) {
        if (response.status < 500) {
          return response;
        }
        return hold(input, init, {response: response}, "The server answered with an error (HTTP " +
          response.status + ")");
      },
      function (error) {
        return hold(input, init, {error: error}, "The server could not be reached");
      }
    );
  }

  window.fetch = function (input, init) {
    var url = urlOf(input);
    if (url.indexOf(ROUTE) < 0) {
      return nativeFetch(input, init);
    }
    loadAreas(url);
    return send(input, init);
  };

  function release(again) {
    var waiting = held;
    held = [];
    setToast({is_open: false});
    waiting.forEach(function (entry) {
      if (again) {
        send(entry.input, entry.init).then(entry.resolve, entry.reject);
      } else if (entry.outcome.response) {
        entry.resolve(entry.outcome.response);
      } else {
        entry.reject(entry.outcome.error);
      }
    });
  }

  document.addEventListener(
    "click",
    function (event) {
      var target = event.target;
      if (!target || !target.closest || !held.length) {
        return;
      }
      if (target.closest("." + RETRY_CLASS)) {
        release(true);
      } else if (target.closest("#" + TOAST_ID + " .btn-close")) {
        release(false);
      }
    },
    true
  );
})();
