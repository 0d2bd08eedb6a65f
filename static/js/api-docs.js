// Swagger UI on /api/docs. "Try it out" runs in this browser: the session cookie goes along
// (same origin), JSON is asked for, and X-Requested-With lets uploads pass the CSRF check.
(function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.getAttribute("data-openapi-url"),
    domNode: root,
    deepLinking: true,
    docExpansion: "list",
    defaultModelsExpandDepth: 0,
    withCredentials: true,
    requestInterceptor: function (request) {
      request.headers["X-Requested-With"] = "XMLHttpRequest";
      if (!request.headers.Accept || request.headers.Accept === "*/*") {
        request.headers.Accept = "application/json";
      }
      return request;
    },
  });
})();
