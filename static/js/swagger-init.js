// Starts Swagger UI on /api/v1/docs from the data attributes of its container (see templates/swagger_ui.html).
window.addEventListener("load", function () {
  var container = document.getElementById("swagger-ui-container");
  var config = Object.assign({url: container.dataset.specUrl, dom_id: "#swagger-ui-container"},
                             JSON.parse(container.dataset.config || "{}"));
  window.ui = SwaggerUIBundle(config);
});
