// Greys out the questions of a card that do not apply, as the server ignores them anyway:
// every dimension when the indicator as a whole is "planned" or "don't know", and the
// follow-ups (scope, results, evaluation) when the system is at 0 or unknown. A disabled
// fieldset is skipped by Tab and not sent. Without JavaScript the page works the same.
(function () {
  "use strict";
  var form = document.getElementById("card");
  if (!form) {
    return;
  }
  var closed = form.querySelector("fieldset.whole[disabled]") !== null;

  function value(name) {
    var checked = form.querySelector('input[name="' + name + '"]:checked');
    return checked ? checked.value : null;
  }

  function update() {
    if (closed) {
      return;
    }
    var whole = value("status") || "answered";
    var system = value("level-system");
    var rows = form.querySelectorAll("fieldset.dimension");
    for (var i = 0; i < rows.length; i += 1) {
      var row = rows[i];
      var isSystem = row.getAttribute("data-dimension") === "system";
      var off = whole !== "answered" ||
        (!isSystem && (system === "0" || system === "dont_know"));
      row.disabled = off;
      row.classList.toggle("inapplicable", off);
    }
  }

  form.addEventListener("change", update);
  update();
})();
