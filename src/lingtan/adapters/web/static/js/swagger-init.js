/* The API's documentation page (/api/v1/docs): Swagger UI, vendored (no CDN), started here
   rather than by an inline script (Content-Security-Policy script-src 'self', decision 0035).
   The OpenAPI document's address is the page's data-openapi attribute. */
(function () {
  "use strict";
  window.addEventListener("DOMContentLoaded", function () {
    var el = document.getElementById("swagger-ui");
    if (!el || typeof SwaggerUIBundle === "undefined") return;
    window.ui = SwaggerUIBundle({
      url: el.dataset.openapi,
      dom_id: "#swagger-ui",
      deepLinking: true,
      presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
      layout: "BaseLayout",
    });
  });
})();
