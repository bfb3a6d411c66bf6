// Select2 (the admin's searchable select) shows an empty choice as a bare text box with no
// name for screen readers; name each after its field's label, as the plain select was.
(function () {
  "use strict";
  function nameAll() {
    for (const select of document.querySelectorAll("select.admin-autocomplete")) {
      const label = select.id && document.querySelector("label[for='" + select.id + "']");
      const rendered = document.getElementById("select2-" + select.id + "-container");
      if (label && rendered) rendered.setAttribute("aria-label", label.textContent.replace(/:$/, ""));
    }
  }
  // This file may load before the admin's jQuery: look for it once the page is parsed.
  document.addEventListener("DOMContentLoaded", () => {
    const $ = window.django && window.django.jQuery;
    if (!$) return;
    // After every ready handler, the admin's select2 set-up included.
    $(() => window.setTimeout(nameAll));
    $(document).on("select2:select select2:clear", () => window.setTimeout(nameAll));
  });
  window.addEventListener("load", nameAll);
})();
