// Click the subject in the image to set the focal point (the fields stay editable by hand).
(function () {
  "use strict";
  const image = document.getElementById("focal-point-image");
  const across = document.getElementById("id_focal_x");
  const down = document.getElementById("id_focal_y");
  if (!image || !across || !down) return;
  const frame = document.createElement("span");
  frame.className = "focal-point-frame";
  image.replaceWith(frame);
  frame.append(image);
  const marker = document.createElement("span");
  marker.className = "focal-point-marker";
  marker.setAttribute("aria-hidden", "true");
  frame.append(marker);
  function show() {
    marker.style.left = (parseFloat(across.value) || 0.5) * 100 + "%";
    marker.style.top = (parseFloat(down.value) || 0.5) * 100 + "%";
  }
  image.addEventListener("click", (event) => {
    const box = image.getBoundingClientRect();
    across.value = ((event.clientX - box.left) / box.width).toFixed(3);
    down.value = ((event.clientY - box.top) / box.height).toFixed(3);
    show();
  });
  across.addEventListener("input", show);
  down.addEventListener("input", show);
  show();
})();
