// "@" in an internal note offers colleagues' usernames (issue 15, item 8). A static file:
// the CSP allows no inline script. The names come from the console's JSON endpoint,
// whose address the presence box on the ticket page carries.
(function () {
  "use strict";
  var FIELDS = "textarea[data-mentions], textarea#note-body, form[action$='/note'] textarea";
  var timer = null;

  function endpoint() {
    var box = document.querySelector("[data-mention-url]");
    return box ? box.dataset.mentionUrl : null;
  }
  function typed(area) {
    var before = area.value.slice(0, area.selectionStart);
    var match = /(^|[^\w@.+-])@([\w.+-]*)$/.exec(before);
    return match ? match[2] : null;
  }
  function close(area) {
    var list = area.parentNode.querySelector("ul.mention-list");
    if (list) list.remove();
  }
  function choose(area, username) {
    var at = area.selectionStart, before = area.value.slice(0, at);
    var start = before.lastIndexOf("@");
    area.value = area.value.slice(0, start) + "@" + username + " " + area.value.slice(at);
    var caret = start + username.length + 2;
    area.setSelectionRange(caret, caret);
    close(area);
    area.focus();
  }
  function show(area, people) {
    close(area);
    if (!people.length) return;
    var list = document.createElement("ul");
    list.className = "mention-list";
    list.setAttribute("role", "listbox");
    people.forEach(function (p) {
      var item = document.createElement("li"), button = document.createElement("button");
      button.type = "button";
      button.className = "secondary";
      button.textContent = "@" + p.username + (p.name ? " · " + p.name : "");
      button.addEventListener("click", function () { choose(area, p.username); });
      item.appendChild(button);
      list.appendChild(item);
    });
    area.insertAdjacentElement("afterend", list);
  }
  function lookup(area) {
    var url = endpoint(), prefix = typed(area);
    if (!url || prefix === null) { close(area); return; }
    fetch(url + "?q=" + encodeURIComponent(prefix), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { staff: [] }; })
      .then(function (data) { if (typed(area) === prefix) show(area, data.staff || []); })
      .catch(function () { close(area); });
  }
  document.addEventListener("input", function (event) {
    var area = event.target;
    if (!area.matches || !area.matches(FIELDS)) return;
    clearTimeout(timer);
    timer = setTimeout(function () { lookup(area); }, 200);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && event.target.matches && event.target.matches(FIELDS)) close(event.target);
  });
})();
