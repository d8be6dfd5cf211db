// The ticket page's timer for phone and remote work. It only fills the work form's
// minutes: the server stays the source of truth (the work is logged when the form is
// posted). The start moment is kept per ticket in localStorage, so the timer survives
// the page reloading after an answer or a note is saved.
(function () {
  "use strict";
  function key(box) { return "opiekun.timer." + box.dataset.timer; }
  function started(box) {
    var value = Number(window.localStorage.getItem(key(box)));
    return value > 0 ? value : 0;
  }
  function show(box) {
    var since = started(box), clock = box.querySelector(".timer-clock");
    var seconds = since ? Math.max(0, Math.floor((Date.now() - since) / 1000)) : 0;
    var m = Math.floor(seconds / 60), s = seconds % 60;
    clock.textContent = m + ":" + (s < 10 ? "0" : "") + s;
    box.querySelector("[data-timer-start]").hidden = Boolean(since);
    box.querySelector("[data-timer-stop]").hidden = !since;
  }
  function stop(box) {
    var since = started(box);
    if (!since) return;
    window.localStorage.removeItem(key(box));
    // A started minute counts, as the tariffs count started increments; at least 1.
    var minutes = Math.max(1, Math.ceil((Date.now() - since) / 60000));
    var field = document.getElementById(box.dataset.minutesField);
    if (field) {
      field.value = String(minutes);
      // The billing preview listens for input on the form.
      field.dispatchEvent(new Event("input", { bubbles: true }));
      field.dispatchEvent(new Event("change", { bubbles: true }));
      field.focus();
    }
    show(box);
  }
  document.addEventListener("click", function (event) {
    var box = event.target.closest("[data-timer]");
    if (!box) return;
    if (event.target.matches("[data-timer-start]")) {
      window.localStorage.setItem(key(box), String(Date.now()));
      show(box);
    } else if (event.target.matches("[data-timer-stop]")) {
      stop(box);
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    var boxes = document.querySelectorAll("[data-timer]");
    boxes.forEach(show);
    if (boxes.length) setInterval(function () { boxes.forEach(show); }, 1000);
  });
})();
