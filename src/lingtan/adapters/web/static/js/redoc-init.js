/* The API's reference page (/api/v1/redoc): ReDoc, vendored (no CDN; decision 0058), started
   here rather than by an inline script (Content-Security-Policy script-src 'self', decision
   0035). The OpenAPI document's address is the page's data-openapi attribute. */
(function () {
  "use strict";
  window.addEventListener("DOMContentLoaded", function () {
    var el = document.getElementById("redoc");
    if (!el || typeof Redoc === "undefined") return;
    Redoc.init(el.dataset.openapi, { hideDownloadButton: false }, el);
  });
})();
