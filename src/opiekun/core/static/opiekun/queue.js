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
