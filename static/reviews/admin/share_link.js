// The shareable preview link: selects itself when clicked into, and a Copy button (added
// here, since without a script it could not work) puts it on the clipboard.
// A file, not an onclick attribute: the Content-Security-Policy allows no inline code.
(function () {
  "use strict";
  const input = document.getElementById("share-url");
  if (!input) return;
  input.addEventListener("focus", () => input.select());
  input.addEventListener("click", () => input.select());

  const button = document.createElement("button");
  button.type = "button";
  button.className = "button workflow-share-copy";
  button.textContent = "Copy";
  const status = document.createElement("span");
  status.setAttribute("role", "status");
  status.className = "workflow-share-status";
  input.after(button, " ", status);

  function copied(ok) {
    status.textContent = ok ? "Copied." : "Press Ctrl+C (⌘C) to copy the selected link.";
  }
  button.addEventListener("click", () => {
    input.focus();
    input.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(() => copied(true), () => copied(false));
    } else {
      // Plain http on another host has no clipboard API; the older command still works there.
      copied(document.execCommand("copy"));
    }
  });
})();
