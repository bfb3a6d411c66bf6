// Autosaves what is typed in the review form into a revision, never over the live text.
// Sends only when something changed since the last autosave.
(function () {
  "use strict";
  const status = document.getElementById("review-autosave");
  const form = document.getElementById("review_form");
  if (!status || !form) return;
  const fields = ["headline", "slug", "standfirst", "body", "kind", "rating"];
  const seconds = Math.max(parseInt(status.dataset.seconds, 10) || 60, 1);
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]");
  const snapshot = () => {
    const data = new FormData();
    for (const name of fields) {
      const input = form.elements.namedItem(name);
      if (input) data.append(name, input.value);
    }
    return data;
  };
  const key = (data) => JSON.stringify(Array.from(data.entries()));
  let last = key(snapshot());

  async function autosave() {
    const data = snapshot();
    const current = key(data);
    if (current === last) return;
    try {
      const response = await fetch(status.dataset.url, {
        method: "POST",
        body: data,
        headers: { "X-CSRFToken": csrf ? csrf.value : "" },
        credentials: "same-origin",
      });
      const result = await response.json();
      if (response.ok) {
        last = current;
        status.textContent = result.message;
      } else {
        status.textContent = "Autosave failed: keep this tab open and save the form.";
      }
    } catch (error) {
      status.textContent = "Autosave failed (offline?): keep this tab open and save the form.";
    }
  }
  window.setInterval(autosave, seconds * 1000);
})();
