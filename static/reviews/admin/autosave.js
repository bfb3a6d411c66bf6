// Autosaves what is typed in the review form, never over the live text: for a saved review
// into an autosave revision, for a new review into an autosave of this form (the server names
// the fields and the address). Sends only when something changed since the last autosave.
(function () {
  "use strict";
  const status = document.getElementById("review-autosave");
  const form = document.getElementById("review_form");
  if (!status || !form) return;
  const fields = (status.dataset.fields || "").split(/\s+/).filter(Boolean);
  const seconds = Math.max(parseFloat(status.dataset.seconds) || 60, 0.5);
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]");
  const formKey = form.querySelector("input[name=new_autosave_key]");
  const snapshot = () => {
    const data = new FormData();
    for (const name of fields) {
      const input = form.elements.namedItem(name);
      if (input && "value" in input) data.append(name, input.value);
    }
    return data;
  };
  const key = (data) => JSON.stringify(Array.from(data.entries()));
  let last = key(snapshot());
  let sending = false;

  async function autosave() {
    if (sending) return;
    const data = snapshot();
    const current = key(data);
    if (current === last) return;
    if (formKey) data.append("new_autosave_key", formKey.value);
    sending = true;
    try {
      const response = await fetch(status.dataset.url, {
        method: "POST",
        body: data,
        headers: { "X-CSRFToken": csrf ? csrf.value : "" },
        credentials: "same-origin",
      });
      const type = response.headers.get("Content-Type") || "";
      const result = type.includes("json") ? await response.json() : {};
      if (response.ok) {
        last = current;
        status.textContent = result.message;
      } else {
        status.textContent =
          (result.message ? "Not autosaved: " + result.message + " " : "Autosave failed: ") +
          "keep this tab open and save the form.";
      }
    } catch (error) {
      status.textContent = "Autosave failed (offline?): keep this tab open and save the form.";
    } finally {
      sending = false;
    }
  }
  const timer = window.setInterval(autosave, seconds * 1000);
  // From the first keystroke: shortly after typing pauses, not only on the timer.
  let soon = null;
  form.addEventListener("input", () => {
    window.clearTimeout(soon);
    soon = window.setTimeout(autosave, Math.min(seconds, 2) * 1000);
  });
  // A hidden or closing tab gets one last autosave that outlives the page (sendBeacon
  // carries the CSRF token in the body: it cannot set headers).
  let submitted = false;
  function autosaveOnLeaving() {
    if (submitted || !navigator.sendBeacon) return;
    const data = snapshot();
    const current = key(data);
    if (current === last) return;
    if (formKey) data.append("new_autosave_key", formKey.value);
    if (csrf) data.append("csrfmiddlewaretoken", csrf.value);
    if (navigator.sendBeacon(status.dataset.url, data)) last = current;
  }
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") autosaveOnLeaving();
  });
  window.addEventListener("pagehide", autosaveOnLeaving);
  // Once the form is being saved, an autosave would only trail behind the saved text (and
  // bring back the autosave of a new review its save has just removed).
  form.addEventListener("submit", () => {
    submitted = true;
    window.clearInterval(timer);
    window.clearTimeout(soon);
  });
})();
