// Autosaves what is typed in an admin change form (magazine.edit_guard.EditGuardAdmin, for
// films, people, critics, genres): a moment after typing pauses, on a timer, and one last time
// when the tab is hidden or closed (navigator.sendBeacon outlives the page). Offers this
// person's own earlier drafts back; nothing goes into the form unless they press Restore.
function startFormAutosave() {
  "use strict";
  const box = document.getElementById("form-autosave");
  const form = box && box.closest("form");
  if (!form) return;
  const status = document.getElementById("form-autosave-status");
  const seconds = Math.max(parseFloat(box.dataset.seconds) || 60, 0.5);
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]");
  const keyInput = form.querySelector("input[name=form_autosave_key]");
  const NOT_KEPT = new Set(["csrfmiddlewaretoken", "form_autosave_key"]);
  const IGNORED_TYPES = new Set(["file", "submit", "button", "reset", "image"]);

  const kept = (element) =>
    element.name &&
    !NOT_KEPT.has(element.name) &&
    !element.disabled &&
    !IGNORED_TYPES.has(element.type) &&
    ["INPUT", "SELECT", "TEXTAREA"].includes(element.tagName) &&
    !element.name.includes("__prefix__"); // the admin's blank template rows

  // The form's fields as typed, as [name, value] pairs (never files), and what each chosen
  // option reads: the autocomplete lists hold only the chosen options, so a restore needs it.
  function snapshot() {
    const fields = [];
    const labels = {};
    for (const element of form.elements) {
      if (!kept(element)) continue;
      if (element.tagName === "SELECT") {
        for (const option of element.selectedOptions) {
          fields.push([element.name, option.value]);
          (labels[element.name] = labels[element.name] || {})[option.value] =
            option.textContent.trim();
        }
      } else if (element.type === "checkbox" || element.type === "radio") {
        if (element.checked) fields.push([element.name, element.value]);
      } else {
        fields.push([element.name, element.value]);
      }
    }
    return { fields, labels };
  }
  const asText = (data) => JSON.stringify(data.fields);

  let last = asText(snapshot());
  let touched = false;
  // Widgets (autocomplete, inline rows) rework the form once the page has loaded.
  window.addEventListener("load", () => {
    if (!touched) last = asText(snapshot());
  });

  function payload(data, withToken) {
    const body = new FormData();
    body.append("data", JSON.stringify(data));
    if (keyInput) body.append("form_autosave_key", keyInput.value);
    if (withToken && csrf) body.append("csrfmiddlewaretoken", csrf.value);
    return body;
  }
  const say = (text) => {
    if (status) status.textContent = text;
  };

  let sending = false;
  let submitted = false;
  async function autosave() {
    if (sending || submitted) return;
    const data = snapshot();
    const current = asText(data);
    if (current === last) return;
    sending = true;
    try {
      const response = await fetch(box.dataset.url, {
        method: "POST",
        body: payload(data, false),
        headers: { "X-CSRFToken": csrf ? csrf.value : "" },
        credentials: "same-origin",
      });
      const type = response.headers.get("Content-Type") || "";
      const result = type.includes("json") ? await response.json() : {};
      if (response.ok) {
        last = current;
        if (result.saved) say(result.message);
      } else {
        say(
          (result.message ? "Not autosaved: " + result.message + " " : "Autosave failed: ") +
            "keep this tab open and save the form."
        );
      }
    } catch (error) {
      say("Autosave failed (offline?): keep this tab open and save the form.");
    } finally {
      sending = false;
    }
  }
  const timer = window.setInterval(autosave, seconds * 1000);
  let soon = null;
  const typed = () => {
    touched = true;
    window.clearTimeout(soon);
    soon = window.setTimeout(autosave, Math.min(seconds, 2) * 1000);
  };
  form.addEventListener("input", typed);
  form.addEventListener("change", typed);

  // A hidden or closing tab: one last autosave that outlives the page (a beacon cannot set
  // headers, so the CSRF token goes in the body).
  function autosaveOnLeaving() {
    if (submitted || !navigator.sendBeacon) return;
    const data = snapshot();
    const current = asText(data);
    if (current === last) return;
    if (navigator.sendBeacon(box.dataset.url, payload(data, true))) last = current;
  }
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") autosaveOnLeaving();
  });
  window.addEventListener("pagehide", autosaveOnLeaving);
  // Once the form is being saved its save removes the draft; an autosave would bring it back.
  form.addEventListener("submit", () => {
    submitted = true;
    window.clearInterval(timer);
    window.clearTimeout(soon);
  });

  // The offer of earlier drafts.
  const offer = document.getElementById("form-autosave-offer");
  const list = document.getElementById("form-autosave-drafts");
  const source = document.getElementById("form-autosave-data");
  const drafts = source ? JSON.parse(source.textContent) : [];

  function addInlineRows(fields) {
    for (const [name, value] of fields) {
      const match = /^(.+)-TOTAL_FORMS$/.exec(name);
      const total = match && form.elements.namedItem(name);
      if (!total) continue;
      const link = document.querySelector(`#${CSS.escape(match[1])}-group .add-row a`);
      let missing = parseInt(value, 10) - parseInt(total.value, 10);
      while (link && missing > 0) {
        link.click();
        missing -= 1;
      }
    }
  }

  function restore(draft) {
    addInlineRows(draft.fields);
    const values = new Map();
    for (const [name, value] of draft.fields) {
      if (!values.has(name)) values.set(name, []);
      values.get(name).push(value);
    }
    for (const element of Array.from(form.elements)) {
      if (!kept(element) || element.type === "hidden") continue;
      const wanted = values.get(element.name);
      if (element.type === "checkbox" || element.type === "radio") {
        element.checked = Boolean(wanted && wanted.includes(element.value));
      } else if (!wanted) {
        continue;
      } else if (element.tagName === "SELECT") {
        const labels = (draft.labels || {})[element.name] || {};
        for (const value of wanted) {
          const known = Array.from(element.options).some((option) => option.value === value);
          if (!known) element.add(new Option(labels[value] || value, value));
        }
        for (const option of element.options) option.selected = wanted.includes(option.value);
      } else {
        element.value = wanted[0];
      }
      element.dispatchEvent(new Event("input", { bubbles: true }));
      element.dispatchEvent(new Event("change", { bubbles: true }));
    }
    // The draft is a copy of the version it was typed on: if someone saved since, saving it
    // is refused and shows what they changed, instead of silently putting back old values.
    const version = form.elements.namedItem("edit_version");
    if (version && values.has("edit_version")) version.value = values.get("edit_version")[0];
    // Go on autosaving into the draft restored, not beside it.
    if (keyInput && draft.key) keyInput.value = draft.key;
    offer.hidden = true;
    say(`Restored your changes autosaved ${draft.saved_at}. Check them, then save the form.`);
    const first = form.querySelector("input:not([type=hidden]), textarea, select");
    if (first) first.focus();
  }

  async function discard(draft, item) {
    const body = new FormData();
    if (draft.key) body.append("form_autosave_key", draft.key);
    const response = await fetch(box.dataset.discardUrl, {
      method: "POST",
      body: body,
      headers: { "X-CSRFToken": csrf ? csrf.value : "" },
      credentials: "same-origin",
    });
    if (!response.ok) {
      say("The draft could not be discarded; try again.");
      return;
    }
    item.remove();
    if (!list.children.length) offer.hidden = true;
    say("The autosaved draft was discarded.");
  }

  function describe(draft) {
    const first = draft.fields.find(
      ([name, value]) => !name.includes("-") && value.trim() && !/^\d+$/.test(value)
    );
    const words = first ? first[1].trim() : "";
    return words.length > 60 ? words.slice(0, 60) + "…" : words;
  }

  const now = asText(snapshot());
  for (const draft of drafts) {
    // Nothing to offer: what it holds is in the form already (this very form, shown again).
    if (JSON.stringify(draft.fields) === now) continue;
    if (keyInput && draft.key && draft.key === keyInput.value) continue;
    const item = document.createElement("li");
    const summary = describe(draft);
    item.textContent = `Autosaved ${draft.saved_at}${summary ? ": “" + summary + "”" : ""}`;
    const restoreButton = document.createElement("button");
    restoreButton.type = "button";
    restoreButton.className = "button";
    restoreButton.textContent = "Restore into the form";
    restoreButton.addEventListener("click", () => restore(draft));
    const discardButton = document.createElement("button");
    discardButton.type = "button";
    discardButton.className = "button";
    discardButton.textContent = "Discard";
    discardButton.addEventListener("click", () => discard(draft, item));
    item.append(restoreButton, discardButton);
    list.append(item);
  }
  if (list && list.children.length) offer.hidden = false;
}
// Loaded in the page's head with the admin's other media: wait for the form.
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", startFormAutosave);
} else {
  startFormAutosave();
}
