// The film form says, as the embargo is typed, which reviews it would hold and what happens
// to each (reviews.admin.FilmAdmin.embargo_holds_view renders the list; nothing is saved).
function previewEmbargoHolds() {
  "use strict";
  const box = document.getElementById("embargo-holds");
  const until = document.getElementById("id_review_embargo_until");
  const zone = document.getElementById("id_review_embargo_timezone");
  if (!box || !until || !zone) return;
  box.setAttribute("aria-live", "polite");
  async function refresh() {
    const query = new URLSearchParams({ until: until.value, zone: zone.value });
    try {
      const response = await fetch(box.dataset.url + "?" + query, { credentials: "same-origin" });
      if (response.ok) box.innerHTML = await response.text(); // escaped by the server
    } catch (error) {
      box.textContent = "Could not check which reviews this embargo holds; save to see it.";
    }
  }
  until.addEventListener("change", refresh);
  zone.addEventListener("change", refresh);
}
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", previewEmbargoHolds);
} else {
  previewEmbargoHolds();
}
