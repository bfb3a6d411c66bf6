// The review form's writing view: a Markdown toolbar on the plain textarea (so screen readers,
// spellcheck, undo and autosave keep working as with any text box), Ctrl/Cmd+S to save, word
// count and reading time, a live preview the server renders with the public templates, and an
// image chooser over the media library. Without this script the form still works as a form.
(function () {
  "use strict";
  const editor = document.getElementById("writing-editor");
  const form = document.getElementById("review_form");
  const body = document.getElementById("id_body");
  if (!editor || !form || !body) return;
  const csrf = () => (form.querySelector("input[name=csrfmiddlewaretoken]") || {}).value || "";
  const WORDS_PER_MINUTE = 230;

  // Editing: replace the selection with text, keeping the browser's undo history when it can.
  function replaceSelection(text, selectFrom, selectTo) {
    const start = body.selectionStart;
    body.focus();
    let done = false;
    try {
      done = document.execCommand("insertText", false, text);
    } catch (error) {
      done = false;
    }
    if (!done) {
      body.setRangeText(text, start, body.selectionEnd, "end");
      body.dispatchEvent(new Event("input", { bubbles: true }));
    }
    if (selectFrom !== undefined) body.setSelectionRange(start + selectFrom, start + selectTo);
  }

  function wrap(before, after, placeholder) {
    const selected = body.value.slice(body.selectionStart, body.selectionEnd) || placeholder;
    replaceSelection(before + selected + after, before.length, before.length + selected.length);
  }

  // Whole lines from the start of the selection's first line to the end of its last.
  function selectLines() {
    const value = body.value;
    const start = value.lastIndexOf("\n", body.selectionStart - 1) + 1;
    let end = value.indexOf("\n", body.selectionEnd);
    if (end === -1) end = value.length;
    body.setSelectionRange(start, end);
    return value.slice(start, end);
  }

  function blockBreak(start) {
    // Blocks need an empty line before them, unless they start the text.
    const before = body.value.slice(0, start);
    if (!before) return "";
    return before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
  }

  let chooserReturn = null;
  const actions = {
    bold: () => wrap("**", "**", "bold text"),
    italic: () => wrap("*", "*", "italic text"),
    link: () => {
      const selected = body.value.slice(body.selectionStart, body.selectionEnd) || "link text";
      const text = "[" + selected + "](https://)";
      // Selects “https://” so the address can be typed or pasted straight over it.
      replaceSelection(text, selected.length + 3, text.length - 1);
    },
    heading: () => {
      const line = selectLines().replace(/^#+\s*/, "");
      replaceSelection("## " + (line || "Subheading"), 3, 3 + (line || "Subheading").length);
    },
    list: () => {
      const lines = selectLines().split("\n");
      replaceSelection(lines.map((line) => (line.startsWith("- ") ? line : "- " + line)).join("\n"));
    },
    pullquote: () => {
      const selected = body.value.slice(body.selectionStart, body.selectionEnd).trim();
      const quote = selected || "A line from the review to set large";
      const lead = blockBreak(body.selectionStart) + "::: pullquote\n";
      replaceSelection(lead + quote + "\n:::\n\n", lead.length, lead.length + quote.length);
    },
    image: () => openChooser(),
  };

  // The toolbar: one tab stop, arrow keys move between buttons (the ARIA toolbar pattern).
  const toolbar = editor.querySelector(".writing-toolbar");
  const buttons = Array.from(toolbar.querySelectorAll("button"));
  toolbar.hidden = false;
  buttons.forEach((button, index) => {
    button.tabIndex = index === 0 ? 0 : -1;
    button.addEventListener("click", () => actions[button.dataset.format]());
  });
  toolbar.addEventListener("keydown", (event) => {
    const index = buttons.indexOf(document.activeElement);
    if (index === -1) return;
    const moves = { ArrowRight: 1, ArrowLeft: -1, Home: -index, End: buttons.length - 1 - index };
    if (!(event.key in moves)) return;
    event.preventDefault();
    const next = buttons[(index + moves[event.key] + buttons.length) % buttons.length];
    buttons.forEach((button) => (button.tabIndex = -1));
    next.tabIndex = 0;
    next.focus();
  });

  // Shortcuts: Ctrl/Cmd+S saves anywhere on the page; B, I and K format in the text.
  document.addEventListener("keydown", (event) => {
    if (!(event.ctrlKey || event.metaKey) || event.altKey) return;
    const key = event.key.toLowerCase();
    if (key === "s") {
      event.preventDefault();
      const keepEditing = form.querySelector("input[name=_continue]");
      if (typeof form.requestSubmit === "function") form.requestSubmit(keepEditing || undefined);
      else (keepEditing || form).click();
      return;
    }
    const shortcut = { b: "bold", i: "italic", k: "link" }[key];
    if (shortcut && event.target === body && !event.shiftKey) {
      event.preventDefault();
      actions[shortcut]();
    }
  });

  // Word count and reading time, counted the way the server counts (words between spaces).
  const counts = document.getElementById("writing-counts");
  function updateCounts() {
    const words = body.value.split(/\s+/).filter(Boolean).length;
    const minutes = Math.max(1, Math.round(words / WORDS_PER_MINUTE));
    counts.textContent =
      words + (words === 1 ? " word" : " words") + " · about " + minutes + " min to read";
  }

  // The live preview: the form's editorial fields, posted; the page comes back whole.
  const frame = document.getElementById("writing-preview-frame");
  const status = document.getElementById("writing-preview-status");
  const PREVIEW_FIELDS = [
    "headline", "standfirst", "body", "kind", "rating", "film", "critic", "lead_image",
  ];
  let previewTimer = null;
  let previewSent = "";
  let previewRunning = false;
  let pendingScroll = null;
  frame.addEventListener("load", () => {
    // The frame's first, empty page loads too: act only on a preview.
    if (pendingScroll === null || frame.contentWindow.location.href !== "about:srcdoc") return;
    const start = pendingScroll === "main" && frame.contentDocument.querySelector("main");
    // scrollTo, not scrollIntoView, which would scroll the writing view as well.
    frame.contentWindow.scrollTo(0, start ? start.getBoundingClientRect().top : pendingScroll);
    pendingScroll = null;
  });
  async function refreshPreview() {
    const data = new FormData();
    for (const name of PREVIEW_FIELDS) {
      const input = form.elements.namedItem(name);
      if (input && "value" in input) data.append(name, input.value);
    }
    const key = JSON.stringify(Array.from(data.entries()));
    if (key === previewSent || previewRunning) return;
    previewRunning = true;
    try {
      const response = await fetch(editor.dataset.previewUrl, {
        method: "POST",
        body: data,
        headers: { "X-CSRFToken": csrf() },
        credentials: "same-origin",
      });
      const text = await response.text();
      previewSent = key;
      if (!response.ok) {
        status.textContent =
          response.status === 400 ? text : "The preview could not be made (" + response.status + ").";
        return;
      }
      // Keep the reader's place; the first time, start at the review, below the site's header.
      pendingScroll = frame.srcdoc ? frame.contentWindow.scrollY : "main";
      frame.srcdoc = text;
      status.textContent = "Preview updated.";
    } catch (error) {
      status.textContent = "The preview could not be reached (offline?). Your text is unchanged.";
    } finally {
      previewRunning = false;
    }
  }
  function schedulePreview() {
    window.clearTimeout(previewTimer);
    previewTimer = window.setTimeout(refreshPreview, 500);
  }
  form.addEventListener("input", schedulePreview);
  form.addEventListener("change", schedulePreview);
  // The film and critic boxes are select2 widgets, which report changes through jQuery only.
  if (window.django && window.django.jQuery) {
    window.django.jQuery(form).on("select2:select select2:clear", schedulePreview);
  }
  // “How to format the text” opens the explanation it points at.
  for (const link of document.querySelectorAll("a[href='#markdown-help']")) {
    link.addEventListener("click", () => (document.getElementById("markdown-help").open = true));
  }
  body.addEventListener("input", updateCounts);
  updateCounts();
  refreshPreview();

  // The image chooser: search the library or upload, then place the image at the cursor.
  const chooser = document.getElementById("image-chooser");
  const search = document.getElementById("image-chooser-q");
  const results = document.getElementById("image-chooser-results");
  const found = document.getElementById("image-chooser-count");
  const upload = document.getElementById("image-chooser-upload");
  const errors = document.getElementById("image-chooser-errors");
  let selection = [0, 0];

  function placeImage(image) {
    chooser.close();
    body.focus();
    body.setSelectionRange(selection[0], selection[1]);
    const alt = (image.alt || "").replace(/[[\]]/g, "");
    const text = blockBreak(selection[0]) + "![" + alt + "](library:" + image.id + ")\n\n";
    replaceSelection(text);
  }

  function showResults(images) {
    results.replaceChildren();
    for (const image of images) {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "image-chooser-choice";
      if (image.thumbnail) {
        const thumbnail = document.createElement("img");
        thumbnail.src = image.thumbnail;
        thumbnail.alt = "";
        button.append(thumbnail);
      }
      const label = document.createElement("span");
      label.textContent = image.label + (image.credit ? " (" + image.credit + ")" : "");
      button.append(label);
      button.addEventListener("click", () => placeImage(image));
      item.append(button);
      results.append(item);
    }
    found.textContent = images.length
      ? images.length + (images.length === 1 ? " image" : " images") + ": choose one to place it."
      : "No image in the library matches. Upload one below.";
  }

  let searchTimer = null;
  async function runSearch() {
    const url = chooser.dataset.searchUrl + "?q=" + encodeURIComponent(search.value);
    try {
      const response = await fetch(url, { credentials: "same-origin" });
      showResults((await response.json()).results || []);
    } catch (error) {
      found.textContent = "The library could not be searched (offline?).";
    }
  }
  search.addEventListener("input", () => {
    window.clearTimeout(searchTimer);
    searchTimer = window.setTimeout(runSearch, 250);
  });

  function openChooser() {
    selection = [body.selectionStart, body.selectionEnd];
    chooserReturn = document.activeElement;
    errors.replaceChildren();
    chooser.showModal();
    search.focus();
    runSearch();
  }
  chooser.addEventListener("close", () => {
    if (chooserReturn && document.activeElement !== body) chooserReturn.focus();
  });
  chooser.querySelector("[data-close]").addEventListener("click", () => chooser.close());

  upload.addEventListener("submit", async (event) => {
    event.preventDefault();
    errors.replaceChildren();
    const button = upload.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const response = await fetch(upload.action, {
        method: "POST",
        body: new FormData(upload),
        headers: { "X-CSRFToken": csrf() },
        credentials: "same-origin",
      });
      const result = await response.json();
      if (response.ok) {
        upload.reset();
        placeImage(result.image);
        return;
      }
      const list = document.createElement("ul");
      list.className = "errorlist";
      for (const messages of Object.values(result.errors || {})) {
        for (const message of messages) {
          const item = document.createElement("li");
          item.textContent = message;
          list.append(item);
        }
      }
      errors.append(list);
    } catch (error) {
      errors.textContent = "The upload failed (offline, or the file is too large?). Try again.";
    } finally {
      button.disabled = false;
    }
  });
})();
