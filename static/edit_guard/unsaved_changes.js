// Warns before leaving a change form with unsaved changes (magazine.edit_guard loads this on
// every admin change form editors share). A form shown again after a refused save holds typing
// that is not saved yet, so it counts as changed from the start. Also moves focus to the list
// of errors at the top of a refused form, so keyboard and screen-reader users start there.
function watchUnsavedChanges() {
  "use strict";
  const form = document.querySelector("#content-main form[method=post][id$=_form]");
  if (!form) return;
  const summary = document.getElementById("error-summary");
  if (summary) summary.focus();

  const state = () => {
    const entries = [];
    for (const [name, value] of new FormData(form).entries()) {
      if (name === "csrfmiddlewaretoken") continue;
      entries.push([name, value instanceof File ? value.name + ":" + value.size : value]);
    }
    return JSON.stringify(entries);
  };
  const refused = Boolean(document.querySelector(".edit-guard-errors, .edit-guard-conflict, .errornote"));
  let saved = refused ? null : state();
  let touched = false;
  // Widgets (autocomplete, the genre chooser) rework the form once the page has loaded.
  window.addEventListener("load", () => {
    if (!touched && !refused) saved = state();
  });
  const touch = () => {
    touched = true;
  };
  form.addEventListener("input", touch);
  form.addEventListener("change", touch);

  let leavingBySubmit = false;
  // Any submit of this form keeps the typing: a save, or a workflow button that saves first.
  document.addEventListener("submit", (event) => {
    if (event.target === form) leavingBySubmit = true;
  });
  const hasUnsavedChanges = () => !leavingBySubmit && state() !== saved;
  window.addEventListener("beforeunload", (event) => {
    if (hasUnsavedChanges()) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  form.dataset.unsavedChanges = "watched";
}
// Loaded in the page's head with the admin's other media: wait for the form.
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", watchUnsavedChanges);
} else {
  watchUnsavedChanges();
}
