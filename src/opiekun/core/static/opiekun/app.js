// Live countdowns to deadlines and keyboard navigation of the queue. No framework.
(function () {
  "use strict";
  function fmt(ms) {
    var late = ms < 0, m = Math.floor(Math.abs(ms) / 60000), h = Math.floor(m / 60), d = Math.floor(h / 24);
    var text = d ? d + " d " + (h % 24) + " h" : h ? h + " h " + (m % 60) + " min" : m + " min";
    return (late ? "−" : "") + text;
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-due]").forEach(function (el) {
      var due = Date.parse(el.dataset.due), start = Date.parse(el.dataset.start || el.dataset.due);
      var left = due - now, span = Math.max(due - start, 1), used = (now - start) / span;
      el.querySelector(".left").textContent = fmt(left);
      el.classList.remove("ok", "warn", "late");
      el.classList.add(left < 0 ? "late" : used >= 0.75 ? "warn" : "ok");
    });
  }
  function keys(event) {
    var rows = Array.prototype.slice.call(document.querySelectorAll("tr[data-href]"));
    if (!rows.length || /INPUT|TEXTAREA|SELECT/.test(document.activeElement.tagName)) return;
    var at = rows.findIndex(function (r) { return r.classList.contains("selected"); });
    if (event.key === "j" || event.key === "ArrowDown") at = Math.min(at + 1, rows.length - 1);
    else if (event.key === "k" || event.key === "ArrowUp") at = Math.max(at - 1, 0);
    else if (event.key === "Enter" && at >= 0) { window.location = rows[at].dataset.href; return; }
    else return;
    event.preventDefault();
    rows.forEach(function (r) { r.classList.remove("selected"); });
    rows[at].classList.add("selected");
    rows[at].querySelector("a").focus();
  }
  document.addEventListener("DOMContentLoaded", function () { tick(); setInterval(tick, 30000); });
  document.addEventListener("keydown", keys);
  // The header's language list sends its form on a change (no inline handler: the CSP
  // allows only this file's scripts).
  document.addEventListener("change", function (event) {
    if (event.target.matches("select[data-submit-on-change]")) event.target.form.submit();
  });
})();

// The queue refreshes its rows every 20 s (htmx, hx-trigger on the tbody). While the agent
// has ticked tickets for a bulk action, a refresh would untick them: skip it until then.
(function () {
  "use strict";
  document.addEventListener("htmx:beforeRequest", function (event) {
    var rows = event.detail.elt;
    if (rows && rows.matches && rows.matches("[data-queue-rows]") && rows.querySelector("input:checked")) {
      event.preventDefault();
    }
  });
})();

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
