// Coordinator pages, progressively enhanced: everything works without this file.
// - Copy buttons next to new personal links (hidden until this script shows them).
// - The new-round form offers only the languages of the chosen questionnaire.
(function () {
  "use strict";

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // Plain http (a test server, an intranet): select a temporary field and copy.
    var field = document.createElement("textarea");
    field.value = text;
    field.setAttribute("readonly", "");
    field.style.position = "fixed";
    field.style.opacity = "0";
    document.body.appendChild(field);
    field.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(field);
    return ok ? Promise.resolve() : Promise.reject(new Error("copy"));
  }

  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.hidden = false;
    var status = document.getElementById(button.getAttribute("data-status"));
    button.addEventListener("click", function () {
      var source = document.getElementById(button.getAttribute("data-copy"));
      var text = source.value !== undefined ? source.value : source.textContent;
      copyText(text).then(function () {
        if (status) { status.textContent = button.getAttribute("data-done"); }
      }, function () {
        source.select && source.select();
        if (status) { status.textContent = button.getAttribute("data-failed"); }
      });
    });
  });

  var questionnaire = document.getElementById("questionnaire");
  var locale = document.getElementById("locale");
  if (questionnaire && locale) {
    var filter = function () {
      var chosen = questionnaire.value;
      var firstShown = null;
      Array.prototype.forEach.call(locale.options, function (option) {
        var fits = (" " + option.getAttribute("data-questionnaires") + " ").indexOf(" " + chosen + " ") >= 0;
        option.hidden = !fits;
        option.disabled = !fits;
        if (fits && firstShown === null) { firstShown = option; }
      });
      var current = locale.options[locale.selectedIndex];
      if (!current || current.disabled) {
        var preferred = questionnaire.options[questionnaire.selectedIndex].getAttribute("data-default-locale");
        var match = Array.prototype.find.call(locale.options, function (o) { return o.value === preferred && !o.disabled; });
        (match || firstShown).selected = true;
      }
    };
    questionnaire.addEventListener("change", filter);
    filter();
  }
})();
