// The duty board's script: it makes a page live and counts deadlines down.
// It runs under the board's Content-Security-Policy (no inline script), and
// inserts nothing but the board's own server-rendered, escaped HTML.
"use strict";

(function () {
  var body = document.body;

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  // countdown writes, in each .countdown, the time left until its
  // data-due, or "-" and the time since it passed.
  function countdown() {
    var now = Date.now();
    var els = document.querySelectorAll(".countdown[data-due]");
    for (var i = 0; i < els.length; i++) {
      var due = Date.parse(els[i].getAttribute("data-due"));
      if (isNaN(due)) { continue; }
      var s = Math.round((due - now) / 1000);
      var sign = s < 0 ? "-" : "";
      s = Math.abs(s);
      els[i].textContent = sign + pad(Math.floor(s / 3600)) + ":" + pad(Math.floor(s / 60) % 60) + ":" + pad(s % 60);
      els[i].classList.toggle("overdue", sign === "-");
    }
  }
  countdown();
  setInterval(countdown, 1000);

  var live = body.getAttribute("data-live");
  var target = document.getElementById("live");
  if (!live || !target || !window.EventSource) { return; }
  var state = document.getElementById("live-state");
  var busy = false, again = false;

  // refresh fetches the page's live part and puts it in place.
  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    fetch(live + "?fragment=1", { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok || r.status === 404 ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        target.innerHTML = html;
        countdown();
        body.setAttribute("data-refreshed", String(Date.now()));
      })
      .catch(function () { if (state) { state.classList.add("stale"); } })
      .then(function () {
        busy = false;
        if (again) { again = false; refresh(); }
      });
  }

  var events = new EventSource("/events");
  events.addEventListener("change", refresh);
  // A change between the page's drawing and the stream's opening (or while
  // it reconnected) sent no tick to this page: fetch once on each opening.
  events.onopen = function () {
    if (state) { state.classList.remove("stale"); }
    refresh();
  };
  events.onerror = function () { if (state) { state.classList.add("stale"); } };
})();
