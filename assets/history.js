// Browser history of the view: Back and Forward step through filters, model and tab without a reload.
//
// The server builds the query mirroring the view (callbacks/session.py) and `mirror` writes it into the
// address bar. A change that follows the user's click or key press adds a history entry (pushState);
// anything else replaces the current entry (replaceState): the page load normalising its URL, a view
// restored by Back or Forward, a change chained to one already written, a change within a second of
// the last entry added (quick successive keystrokes add one entry, not one each), and the date picker's
// second date: a date range is one change, from the first date set until a click or key press elsewhere
// (the picker sets each date as it is typed or clicked).
//
// Back and Forward fire `popstate`, which dcc.Location cannot be relied on to report (its `search` goes
// stale once the script writes the URL itself), so the popped query goes into the `history-pop` store;
// the sidebar and the tab bar restore that view from it, and the mirror then finds the URL already equal.
(function () {
  "use strict";
  var POP_STORE = "history-pop"; // layouts/ids.py HISTORY_POP
  var COALESCE_MS = 1000;
  // Keys that move focus or drive the browser itself, never a control's value.
  var IGNORED_KEYS = ["Tab", "Shift", "Control", "Alt", "Meta", "CapsLock"];
  var gestureAt = -1; // the user's last click or key press (performance.now())
  var handledAt = performance.now(); // the last write or Back/Forward: gestures before it are used up
  var pushedAt = -Infinity; // the last entry added
  // The date picker's field and its calendar (rendered apart from it, at the end of the page).
  var DATES = ".dash-datepicker, .dash-datepicker-content";
  var gestureInDates = false; // whether the last click or key press was in the date picker
  var datesEntry = false; // the current entry was added by the date picker, nothing else touched since

  function onGesture(event) {
    if (event.type === "keydown" && (event.altKey || event.metaKey || IGNORED_KEYS.indexOf(event.key) >= 0)) {
      return;
    }
    gestureInDates = Boolean(event.target && event.target.closest && event.target.closest(DATES));
    if (!gestureInDates) {
      datesEntry = false;
    }
    gestureAt = performance.now();
  }

  function onPop() {
    handledAt = performance.now();
    datesEntry = false;
    if (!window.dash_clientside || !window.dash_clientside.set_props) {
      return; // before the app has started: the page load reads the URL itself
    }
    window.dash_clientside.set_props(POP_STORE, { data: { search: window.location.search, time: Date.now() } });
  }

  function mirror(query) {
    var noUpdate = window.dash_clientside.no_update;
    if (query === null || query === undefined) {
      return noUpdate;
    }
    var target = window.location.pathname + query + window.location.hash;
    var current = window.location.pathname + window.location.search + window.location.hash;
    if (target === current) {
      return noUpdate;
    }
    var now = performance.now();
    var sameRange = gestureInDates && datesEntry;
    if (gestureAt > handledAt && !sameRange && now - pushedAt >= COALESCE_MS) {
      window.history.pushState(null, "", target);
      pushedAt = now;
      datesEntry = gestureInDates;
    } else {
      window.history.replaceState(window.history.state, "", target);
    }
    handledAt = now;
    return noUpdate;
  }

  document.addEventListener("pointerdown", onGesture, true);
  document.addEventListener("keydown", onGesture, true);
  window.addEventListener("popstate", onPop);
  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.history = { mirror: mirror };
})();
