// Below 992 px the filter sidebar is an offcanvas panel (Bootstrap's offcanvas-lg classes), opened by the
// top bar's "Filters" button. The page loads no Bootstrap JavaScript, so this script does what it would:
// it adds "show" to the panel and a backdrop behind it, moves focus into the panel and keeps it there,
// and closes on Escape, the close button or a click on the backdrop, giving focus back to the button.
// The controls never leave the page (only their panel is hidden), so their values survive every toggle.
// An external file because the Content-Security-Policy refuses inline scripts.
(function () {
  var PANEL = "sidebar-offcanvas";
  var TOGGLE = "sidebar-toggle";
  var CLOSE = "sidebar-close";
  var WIDE = window.matchMedia("(min-width: 992px)");
  var backdrop = null;

  function panel() {
    return document.getElementById(PANEL);
  }

  function isOpen() {
    var element = panel();
    return !!element && element.classList.contains("show");
  }

  function setToggle(open) {
    var toggle = document.getElementById(TOGGLE);
    if (toggle) {
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    }
  }

  function open() {
    var element = panel();
    if (!element || isOpen() || WIDE.matches) {
      return;
    }
    element.classList.add("show");
    element.setAttribute("role", "dialog");
    element.setAttribute("aria-modal", "true");
    backdrop = document.createElement("div");
    backdrop.className = "offcanvas-backdrop fade show";
    backdrop.addEventListener("click", function () {
      close(true);
    });
    document.body.appendChild(backdrop);
    // The page behind does not scroll under the panel.
    document.body.style.overflow = "hidden";
    setToggle(true);
    element.focus({ preventScroll: true });
  }

  function close(returnFocus) {
    var element = panel();
    if (element) {
      element.classList.remove("show");
      element.removeAttribute("role");
      element.removeAttribute("aria-modal");
    }
    if (backdrop) {
      backdrop.remove();
      backdrop = null;
    }
    document.body.style.overflow = "";
    setToggle(false);
    var toggle = document.getElementById(TOGGLE);
    if (returnFocus && toggle) {
      toggle.focus();
    }
  }

  document.addEventListener("click", function (event) {
    if (!event.target.closest) {
      return;
    }
    if (event.target.closest("#" + TOGGLE)) {
      if (isOpen()) {
        close(true);
      } else {
        open();
      }
    } else if (event.target.closest("#" + CLOSE)) {
      close(true);
    }
  });

  // In the capture phase, before a dropdown handles the key and closes its menu: an Escape in an open
  // dropdown or date picker closes that first; the next Escape closes the panel. A menu drawn outside the
  // panel (a popover) with the focus in it is open too.
  window.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !isOpen()) {
      return;
    }
    var element = panel();
    var active = document.activeElement;
    var outside = active && active !== document.body && !element.contains(active);
    if (element.querySelector("[aria-expanded='true']") || outside) {
      return;
    }
    close(true);
  }, true);

  // Focus stays in the open panel: Tab past its last control, or a click on the page behind, brings it
  // back. Menus and calendars drawn outside the page's root (popovers) are left alone.
  document.addEventListener("focusin", function (event) {
    var element = panel();
    var root = document.getElementById("react-entry-point");
    if (!isOpen() || !root || !root.contains(event.target) || element.contains(event.target)) {
      return;
    }
    element.focus({ preventScroll: true });
  });

  // Widened past the breakpoint the sidebar is inline again: no backdrop, page scroll back.
  WIDE.addEventListener("change", function (event) {
    if (event.matches && (isOpen() || backdrop)) {
      close(false);
    }
  });
})();
