// Upload progress on the card being read: the moment a file is chosen or dropped on one of the Data tab's
// upload areas, that card shows "Reading <file name>…" with a spinner (the others do not). The upload
// callback hides every card's progress line when it has parsed the files (callbacks/data.py). The ids
// come from data attributes of the upload's wrapper (layouts/data.py). Files the upload area will not
// read (over the size limit, or not of an accepted type) show no progress.
(function () {
  function accepted(input, file) {
    var tokens = ((input && input.getAttribute("accept")) || "").split(",");
    var name = file.name.toLowerCase();
    return tokens.some(function (token) {
      token = token.trim().toLowerCase();
      return token && (token.charAt(0) === "." ? name.endsWith(token) : file.type === token);
    });
  }

  function show(wrapper, files) {
    if (!wrapper || !files || !files.length || !window.dash_clientside || !window.dash_clientside.set_props) {
      return;
    }
    var file = files[0];
    var limit = Number(wrapper.getAttribute("data-max-bytes"));
    if ((limit && file.size > limit) || !accepted(wrapper.querySelector("input[type=file]"), file)) {
      return;
    }
    window.dash_clientside.set_props(wrapper.getAttribute("data-progress-name-id"), {children: file.name});
    window.dash_clientside.set_props(wrapper.getAttribute("data-progress-id"), {hidden: false});
  }

  document.addEventListener(
    "change",
    function (event) {
      var target = event.target;
      if (target && target.type === "file") {
        show(target.closest(".upload-wrapper"), target.files);
      }
    },
    true
  );
  document.addEventListener(
    "drop",
    function (event) {
      var wrapper = event.target && event.target.closest ? event.target.closest(".upload-wrapper") : null;
      if (wrapper && event.dataTransfer) {
        show(wrapper, event.dataTransfer.files);
      }
    },
    true
  );
})();
