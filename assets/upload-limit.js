// Over-limit uploads: dcc.Upload silently ignores a file larger than its max_size, so check the size here,
// before the browser reads the file, and say so in the Data tab's message area. The limit, file name and
// message element come from data attributes of the upload's wrapper (layouts/data.py).
(function () {
  function megabytes(bytes) {
    return (bytes / (1024 * 1024)).toFixed(1);
  }

  function check(wrapper, files) {
    if (!wrapper || !files || !files.length || !window.dash_clientside || !window.dash_clientside.set_props) {
      return;
    }
    var limit = Number(wrapper.getAttribute("data-max-bytes"));
    var file = files[0];
    if (!limit || file.size <= limit) {
      return;
    }
    var message =
      wrapper.getAttribute("data-file") + ".csv: " + file.name + " is " + megabytes(file.size) +
      " MB, over the " + wrapper.getAttribute("data-max-mb") + " MB upload limit. The data already loaded " +
      "stays in use. Load bigger files through a server folder (DATA_DIR) or the command line.";
    window.dash_clientside.set_props(wrapper.getAttribute("data-message-id"), {children: message});
  }

  document.addEventListener(
    "change",
    function (event) {
      var target = event.target;
      if (target && target.type === "file") {
        check(target.closest(".upload-wrapper"), target.files);
      }
    },
    true
  );
  document.addEventListener(
    "drop",
    function (event) {
      var wrapper = event.target && event.target.closest ? event.target.closest(".upload-wrapper") : null;
      if (wrapper && event.dataTransfer) {
        check(wrapper, event.dataTransfer.files);
      }
    },
    true
  );
})();
