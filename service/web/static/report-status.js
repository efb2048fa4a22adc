// Waits for the decision report without reloading the page: polls the status URL every two
// seconds and, when the PDF is ready, turns the status line into a download link and starts it.
// Without JavaScript the page's "Check again" link does the same by hand.
(function () {
  "use strict";
  var box = document.getElementById("report-status");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  var readyText = box.getAttribute("data-ready-text");
  var failedText = box.getAttribute("data-failed-text");
  var tries = 0;
  function poll() {
    tries += 1;
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (s.ready) {
          var link = document.createElement("a");
          link.href = s.url;
          link.className = "button";
          link.textContent = readyText;
          box.textContent = "";
          box.appendChild(link);
          window.location.assign(s.url);
        } else if (s.failed) {
          box.textContent = failedText;
        } else if (tries < 150) {
          window.setTimeout(poll, 2000);
        }
      })
      .catch(function () { if (tries < 150) { window.setTimeout(poll, 4000); } });
  }
  window.setTimeout(poll, 1000);
})();
