// Follows the language model writing summaries in the background, without <meta refresh>:
// polls the status URL every two seconds, updates the "N of M" line, and reloads the results
// page once the job is over so that it shows what was written. Without JavaScript the page's
// "Check again" link does the same by hand.
(function () {
  "use strict";
  var box = document.getElementById("summaries-status");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  var text = box.getAttribute("data-progress-text");
  var tries = 0;
  function poll() {
    tries += 1;
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (s.state !== "running") {
          window.location.reload();
          return;
        }
        if (s.total > 0) {
          var line = box.querySelector("p");
          if (line) {
            line.textContent = text.replace("{done}", String(s.done)).replace("{total}", String(s.total));
          }
        }
        if (tries < 900) { window.setTimeout(poll, 2000); }
      })
      .catch(function () { if (tries < 900) { window.setTimeout(poll, 4000); } });
  }
  window.setTimeout(poll, 1000);
})();
