// Portfolio: the matrix as PNG (drawn from its SVG in the browser) and live weight labels.
(function () {
  "use strict";

  function downloadPng(svg, name) {
    var text = new XMLSerializer().serializeToString(svg);
    var box = svg.viewBox.baseVal;
    var image = new Image();
    image.onload = function () {
      var canvas = document.createElement("canvas");
      canvas.width = box.width * 2;
      canvas.height = box.height * 2;
      var context = canvas.getContext("2d");
      context.fillStyle = "#ffffff";
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.drawImage(image, 0, 0, canvas.width, canvas.height);
      canvas.toBlob(function (blob) {
        var link = document.createElement("a");
        link.href = URL.createObjectURL(blob);
        link.download = name;
        document.body.appendChild(link);
        link.click();
        link.remove();
        setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
      }, "image/png");
    };
    image.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(text);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-png-from]");
    if (!button) return;
    var svg = document.querySelector(button.getAttribute("data-png-from"));
    if (svg) downloadPng(svg, button.getAttribute("data-png-name") || "chart.png");
  });

  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.id) return;
    var output = document.querySelector('output[data-weight-of="' + input.id + '"]');
    if (output) output.textContent = input.value;
  });
})();
