// Selects the whole shareable preview link when the editor clicks into it, ready to copy.
// A file, not an onclick attribute: the Content-Security-Policy allows no inline code.
(function () {
  "use strict";
  const input = document.getElementById("share-url");
  if (!input) return;
  input.addEventListener("focus", () => input.select());
  input.addEventListener("click", () => input.select());
})();
