// The ticket page's canned-response picker: fetches the response filled in for this
// ticket (in its contact's language) and inserts it at the cursor of the answer box.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-canned-insert]");
    if (!button) return;
    var picker = button.closest("[data-canned]");
    var box = document.querySelector(picker.dataset.target);
    var error = picker.querySelector("[data-canned-error]");
    error.textContent = "";
    fetch(picker.querySelector("select").value, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (data.error || !box) { error.textContent = data.error || ""; return; }
        var at = box.selectionStart || 0, end = box.selectionEnd || at;
        box.value = box.value.slice(0, at) + data.text + box.value.slice(end);
        box.focus();
        box.selectionStart = box.selectionEnd = at + data.text.length;
      });
  });
})();
