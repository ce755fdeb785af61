// The tab bar follows the WAI-ARIA tabs pattern: the active tab is the bar's one stop in the Tab order
// (the others get tabindex -1), and Left/Right/Home/End move to a tab and activate it. dbc.Tabs renders
// every tab link with tabindex -1 and no arrow keys, so this script sets both; it is an external file
// because the Content-Security-Policy refuses inline scripts.
(function () {
  var BAR = ".main-tabs";

  function links(bar) {
    return Array.prototype.slice.call(bar.querySelectorAll("[role='tab']"));
  }

  function syncTabIndex(bar) {
    var tabs = links(bar);
    var active = tabs.filter(function (tab) {
      return tab.classList.contains("active");
    })[0] || tabs[0];
    tabs.forEach(function (tab) {
      var wanted = tab === active ? "0" : "-1";
      if (tab.getAttribute("tabindex") !== wanted) {
        tab.setAttribute("tabindex", wanted);
      }
      tab.setAttribute("aria-selected", tab === active ? "true" : "false");
    });
  }

  function onKey(event) {
    var tab = event.target.closest ? event.target.closest("[role='tab']") : null;
    var bar = tab ? tab.closest(BAR) : null;
    if (!bar) {
      return;
    }
    var tabs = links(bar);
    var index = tabs.indexOf(tab);
    var next = null;
    if (event.key === "ArrowRight") {
      next = tabs[(index + 1) % tabs.length];
    } else if (event.key === "ArrowLeft") {
      next = tabs[(index - 1 + tabs.length) % tabs.length];
    } else if (event.key === "Home") {
      next = tabs[0];
    } else if (event.key === "End") {
      next = tabs[tabs.length - 1];
    }
    if (!next) {
      return;
    }
    event.preventDefault();
    next.click();
    next.setAttribute("tabindex", "0");
    next.focus();
  }

  function watch() {
    var bar = document.querySelector(BAR);
    if (!bar) {
      return false;
    }
    syncTabIndex(bar);
    // React re-renders the links when the active tab changes: keep the tabindex in step.
    new MutationObserver(function () {
      syncTabIndex(bar);
    }).observe(bar, { subtree: true, childList: true, attributes: true, attributeFilter: ["class", "tabindex"] });
    return true;
  }

  document.addEventListener("keydown", onKey);
  // The bar appears after Dash's first render: wait for it.
  if (!watch()) {
    var pageObserver = new MutationObserver(function () {
      if (watch()) {
        pageObserver.disconnect();
      }
    });
    pageObserver.observe(document.documentElement, { childList: true, subtree: true });
  }
})();
