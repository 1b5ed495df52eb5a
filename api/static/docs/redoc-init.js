// Starts ReDoc on /redoc from a local file; no web fonts from outside.
(function () {
  var root = document.getElementById("redoc");
  Redoc.init(root.getAttribute("data-openapi-url"), { hideDownloadButton: false }, root);
})();
