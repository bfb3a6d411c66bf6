// One-page film entry: autocompletes that add a new person or genre in place (no pop-up),
// and credits in billing order and genres in their order, each numbered by its place in the
// list, moved by dragging a row or with its ↑/↓ buttons. A file, not inline code: the Content-Security-Policy allows
// nothing inline. Loaded after Django's autocomplete.js, whose widget set-up it extends.
"use strict";
{
  const $ = django.jQuery;
  const NEW = "new:";

  function csrfToken() {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function createInPlace(select, option, name) {
    const body = new FormData();
    body.append("name", name);
    option.textContent = `Adding “${name}”…`;
    return fetch(select.dataset.createUrl, {
      method: "POST",
      body,
      headers: { "X-CSRFToken": csrfToken() },
      credentials: "same-origin",
    })
      .then((response) => response.json().then((data) => ({ ok: response.ok, data })))
      .then(({ ok, data }) => {
        if (!ok) throw new Error(data.error || "Not added.");
        // Select2's way: a fresh, selected option in place of the “Add …” one.
        const made = new Option(data.text, data.id, true, true);
        option.replaceWith(made);
        $(select).trigger("change");
      })
      .catch((error) => {
        option.remove();
        $(select).trigger("change");
        window.alert(`${name} was not added: ${error.message}`);
      });
  }

  const original = $.fn.djangoAdminSelect2;
  $.fn.djangoAdminSelect2 = function () {
    const creating = this.filter("[data-create-url]");
    original.call(this.not("[data-create-url]"));
    $.each(creating, (i, element) => {
      const noun = element.dataset.createNoun || "entry";
      if (!element.multiple && !element.querySelector("option[value='']")) {
        // Without an empty choice the browser selects the first “Add …” option select2
        // puts in while one types, and select2 then treats a click on it as no change.
        const empty = !element.value;
        element.prepend(new Option("", "", empty, empty));
      }
      $(element).select2({
        tags: true,
        ajax: {
          data: (params) => ({
            term: params.term,
            page: params.page,
            app_label: element.dataset.appLabel,
            model_name: element.dataset.modelName,
            field_name: element.dataset.fieldName,
          }),
        },
        createTag: (params) => {
          const term = (params.term || "").trim();
          if (!term) return null;
          return { id: NEW + term, text: `Add “${term}” as a new ${noun}` };
        },
        insertTag: (data, tag) => data.push(tag), // after the people already known
      });
      // On change, not select2:select: a lone new option in an empty single select is
      // already "selected" by the browser, and select2 then reports no selection.
      $(element).on("change", () => {
        for (const option of Array.from(element.selectedOptions)) {
          if (option.value.startsWith(NEW) && !option.dataset.adding) {
            option.dataset.adding = "1";
            createInPlace(element, option, option.value.slice(NEW.length));
          }
        }
      });
    });
    return this;
  };

  // Credits and genres: the number (billing order, genre order) follows the rows' order.
  // For each list: the row's choice, which a row needs to count, and its number.
  const LISTS = {
    ".film-credits": { choice: "select[name$='-person']", number: "billing_order" },
    ".film-genres": { choice: "select[name$='-genre']", number: "position" },
  };

  function listRows(group) {
    return Array.from(group.querySelectorAll("tbody tr.form-row")).filter(
      (row) => !row.classList.contains("empty-form") && !row.id.endsWith("-empty"),
    );
  }

  function renumber(group) {
    const list = group.orderedList;
    let number = 0;
    for (const row of listRows(group)) {
      const person = row.querySelector(list.choice);
      const billing = row.querySelector(`input[name$='-${list.number}']`);
      if (!billing) continue;
      if (person && person.value) {
        number += 1;
        billing.value = number;
      } else {
        billing.value = billing.defaultValue; // an untouched spare row stays unchanged
      }
    }
  }

  function move(group, row, offset) {
    const rows = listRows(group);
    const index = rows.indexOf(row);
    const target = rows[index + offset];
    if (!target) return;
    target.parentNode.insertBefore(row, offset < 0 ? target : target.nextSibling);
    renumber(group);
  }

  function equipRow(group, row) {
    if (row.dataset.orderable) return;
    row.dataset.orderable = "1";
    const cell = row.querySelector(`td.field-${group.orderedList.number}`);
    if (!cell) return;
    row.draggable = true;
    const handle = document.createElement("span");
    handle.className = "credit-drag";
    handle.textContent = "⠿";
    handle.title = "Drag to change the order";
    handle.setAttribute("aria-hidden", "true");
    cell.prepend(handle);
    for (const [label, offset, text] of [["Move up", -1, "↑"], ["Move down", 1, "↓"]]) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "button credit-move";
      button.textContent = text;
      button.setAttribute("aria-label", label);
      button.title = label;
      button.addEventListener("click", () => {
        move(group, row, offset);
        button.focus();
      });
      cell.append(button);
    }
  }

  function setUpList(group, list) {
    group.orderedList = list;
    let dragged = null;
    listRows(group).forEach((row) => equipRow(group, row));
    group.addEventListener("dragstart", (event) => {
      dragged = event.target.closest && event.target.closest("tr.form-row");
      if (!dragged) return;
      dragged.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", dragged.id);
    });
    group.addEventListener("dragover", (event) => {
      const over = event.target.closest && event.target.closest("tr.form-row");
      if (!dragged || !over || over === dragged) return;
      event.preventDefault();
      group.querySelectorAll(".drop-before").forEach((row) => row.classList.remove("drop-before"));
      over.classList.add("drop-before");
    });
    group.addEventListener("drop", (event) => {
      const over = event.target.closest && event.target.closest("tr.form-row");
      if (!dragged || !over || over === dragged) return;
      event.preventDefault();
      over.parentNode.insertBefore(dragged, over);
      renumber(group);
    });
    group.addEventListener("dragend", () => {
      if (dragged) dragged.classList.remove("dragging");
      group.querySelectorAll(".drop-before").forEach((row) => row.classList.remove("drop-before"));
      dragged = null;
    });
    $(group).on("change", list.choice, () => renumber(group));
    document.addEventListener("formset:added", (event) => {
      if (group.contains(event.target)) equipRow(group, event.target);
    });
    const form = group.closest("form");
    if (form) form.addEventListener("submit", () => renumber(group));
  }

  document.addEventListener("DOMContentLoaded", () => {
    for (const [selector, list] of Object.entries(LISTS)) {
      document.querySelectorAll(selector).forEach((group) => setUpList(group, list));
    }
  });
}
