// Starts Swagger UI on /docs (a file, not an inline script, for the Content Security Policy).
// No token is kept in the browser's storage (persistAuthorization: false); a logged-in
// page's CSRF token goes with each call, as the JSON API asks of session calls.
window.addEventListener("load", function () {
  var root = document.getElementById("swagger-ui");
  var csrf = document.querySelector('meta[name="csrf-token"]');
  window.ui = SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    persistAuthorization: false,
    requestInterceptor: function (request) {
      if (csrf) {
        request.headers["X-CSRFToken"] = csrf.content;
      }
      return request;
    },
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: "StandaloneLayout",
  });
});
