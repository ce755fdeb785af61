// The Data tab's upload cards, the moment a file is chosen or dropped, before the browser reads it. The
// limit, file name, message and progress ids come from data attributes of the upload's wrapper
// (layouts/data.py).
// - Over the size limit: dcc.Upload silently ignores a file larger than its max_size, so the card's
//   message area says so here.
// - Otherwise, of a type the card accepts: that card alone shows "Reading <file name>…" with a spinner;
//   the upload callback hides every card's progress line when it has parsed the files (callbacks/data.py).
(function () {
  function megabytes(bytes) {
    return (bytes / (1024 * 1024)).toFixed(1);
  }

  function accepted(input, file) {
    var tokens = ((input && input.getAttribute("accept")) || "").split(",");
    var name = file.name.toLowerCase();
    return tokens.some(function (token) {
      token = token.trim().toLowerCase();
      return token && (token.charAt(0) === "." ? name.endsWith(token) : file.type === token);
    });
  }

  function chosen(wrapper, files) {
    if (!wrapper || !files || !files.length || !window.dash_clientside || !window.dash_clientside.set_props) {
      return;
    }
    var setProps = window.dash_clientside.set_props;
    var file = files[0];
    var limit = Number(wrapper.getAttribute("data-max-bytes"));
    if (limit && file.size > limit) {
      var message =
        wrapper.getAttribute("data-file") + ".csv: " + file.name + " is " + megabytes(file.size) +
        " MB, over the " + wrapper.getAttribute("data-max-mb") + " MB upload limit. The data already loaded " +
        "stays in use. Load bigger files through a server folder (DATA_DIR) or the command line.";
      setProps(wrapper.getAttribute("data-message-id"), {children: message});
      return;
    }
    if (!accepted(wrapper.querySelector("input[type=file]"), file)) {
      return;
    }
    setProps(wrapper.getAttribute("data-progress-name-id"), {children: file.name});
    setProps(wrapper.getAttribute("data-progress-id"), {hidden: false});
  }

  document.addEventListener(
    "change",
    function (event) {
      var target = event.target;
      if (target && target.type === "file") {
        chosen(target.closest(".upload-wrapper"), target.files);
      }
    },
    true
  );
  document.addEventListener(
    "drop",
    function (event) {
      var wrapper = event.target && event.target.closest ? event.target.closest(".upload-wrapper") : null;
      if (wrapper && event.dataTransfer) {
        chosen(wrapper, event.dataTransfer.files);
      }
    },
    true
  );
})();
