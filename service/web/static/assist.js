// The assistant beside a card (templates/assist/panel.html). Without JavaScript its forms post
// and show a page of their own; with it, answers appear in place:
// - "Describe it in your own words" asks for a proposal and fills the card's level buttons
//   (name="level-<dimension>", values 0-4 / dont_know) and its status (answered / planned /
//   dont_know), marking each row with the reason and confidence. The respondent adjusts and
//   presses the card's own Next; nothing is saved before that.
// - "Ask about a term" shows the explanation with its sources.
// - The first press of Next asks the consistency check once; its findings are shown above the
//   button and a second press saves as it is. Any failure lets the card work as usual.
(function () {
  "use strict";
  var panel = document.getElementById("assist");
  if (!panel) {
    return;
  }
  var card = document.getElementById(panel.getAttribute("data-assist-card") || "card");
  var lang = panel.getAttribute("data-assist-lang") || document.documentElement.lang || "nb";

  function label(name) {
    return panel.getAttribute("data-label-" + name) || "";
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined && text !== null) {
      node.textContent = text;
    }
    return node;
  }

  function clear(node) {
    while (node.firstChild) {
      node.removeChild(node.firstChild);
    }
  }

  function percent(value) {
    try {
      return new Intl.NumberFormat(lang, { style: "percent" }).format(value);
    } catch (e) {
      return Math.round(value * 100) + " %";
    }
  }

  function post(url, body, json) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Accept": "application/json",
        "Content-Type": json ? "application/json" : "application/x-www-form-urlencoded"
      },
      body: json ? JSON.stringify(body) : new URLSearchParams(body).toString()
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) {
          throw new Error(data && data.message ? data.message : label("failed"));
        }
        return data;
      });
    });
  }

  function showError(out, message) {
    clear(out);
    out.appendChild(el("p", "error", message || label("failed")));
  }

  function dimensionTitle(dim) {
    var row = card && card.querySelector('fieldset[data-dimension="' + dim + '"] .dim-title');
    return row ? row.textContent.replace(/[()]/g, "").trim() : dim;
  }

  function check(name, value) {
    if (!card) {
      return false;
    }
    var input = card.querySelector('input[name="' + name + '"][value="' + value + '"]');
    if (!input || input.disabled) {
      return false;
    }
    input.checked = true;
    return true;
  }

  function markRow(dim, text, proposed) {
    var row = card && card.querySelector('fieldset[data-dimension="' + dim + '"]');
    if (!row) {
      return;
    }
    var old = row.querySelector(".assist-note");
    if (old) {
      old.parentNode.removeChild(old);
    }
    row.classList.toggle("assist-proposed", proposed);
    var legend = row.querySelector("legend");
    var note = el("p", "assist-note", text);
    if (legend && legend.nextSibling) {
      row.insertBefore(note, legend.nextSibling);
    } else {
      row.appendChild(note);
    }
  }

  function rowOpenAndEmpty(dim) {
    var row = card.querySelector('fieldset[data-dimension="' + dim + '"]');
    return Boolean(row) && !row.disabled && !row.querySelector("input:checked");
  }

  function fillCard(result, text) {
    if (!card) {
      return;
    }
    check("status", result.status);
    // The status decides which rows apply (card.js listens for "change"); set it first.
    card.dispatchEvent(new Event("change", { bubbles: true }));
    if (result.status === "answered") {
      Object.keys(result.levels).forEach(function (dim) {
        var level = result.levels[dim];
        if (level !== null && level !== undefined) {
          check("level-" + dim, String(level));
          card.dispatchEvent(new Event("change", { bubbles: true }));
        }
      });
      Object.keys(result.dimensions || {}).forEach(function (dim) {
        var p = result.dimensions[dim];
        if (p.level !== null && p.level !== undefined) {
          markRow(dim, label("suggested") + ": " + p.level +
            (p.reason ? " – " + p.reason : "") + " (" + label("confidence") + " " + percent(p.confidence) + ")", true);
        } else if (rowOpenAndEmpty(dim)) {
          // The text did not speak to this row: say so where the choice is still missing,
          // rather than letting the save come back with an error on it.
          markRow(dim, label("choose"), false);
        }
      });
    }
    var comment = card.querySelector('textarea[name="comment"]');
    if (comment && !comment.value.trim()) {
      comment.value = text;
    }
  }

  function showProposal(out, result, text) {
    clear(out);
    if (result.notice) {
      out.appendChild(el("p", "notice", result.notice));
    }
    if (result.question) {
      var q = el("p", "assist-question");
      q.appendChild(el("strong", "", label("question") + " "));
      q.appendChild(document.createTextNode(result.question));
      out.appendChild(q);
      return;
    }
    var head = result.status === "planned" ? label("planned") + " – " :
      result.status === "dont_know" ? label("dont-know") + " – " : "";
    out.appendChild(el("p", "", head + result.reason));
    if (result.status === "answered") {
      var list = el("dl", "assist-levels");
      Object.keys(result.dimensions || {}).forEach(function (dim) {
        var p = result.dimensions[dim];
        list.appendChild(el("dt", "", dimensionTitle(dim)));
        list.appendChild(el("dd", "", p.level === null ? label("not-said") :
          p.level + (p.reason ? " – " + p.reason : "") + " (" + label("confidence") + " " + percent(p.confidence) + ")"));
      });
      out.appendChild(list);
    }
    out.appendChild(el("p", "muted", label("proposed")));
    fillCard(result, text);
  }

  function showExplanation(out, result) {
    clear(out);
    if (result.notice) {
      out.appendChild(el("p", "notice", result.notice));
    }
    out.appendChild(el("p", "", result.answer));
    if (result.sources && result.sources.length) {
      out.appendChild(el("h3", "assist-sources-h", label("sources")));
      var list = el("ol", "assist-sources");
      result.sources.forEach(function (s) {
        var item = el("li");
        item.appendChild(el("strong", "", s.title));
        item.appendChild(el("br"));
        item.appendChild(document.createTextNode(s.text));
        list.appendChild(item);
      });
      out.appendChild(list);
    }
  }

  function wire(form, out, done) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var body = {};
      new FormData(form).forEach(function (value, key) {
        body[key] = String(value);
      });
      var button = form.querySelector("button");
      if (button) {
        button.disabled = true;
      }
      form.setAttribute("aria-busy", "true");
      post(form.action, body, false).then(function (result) {
        done(out, result, body);
      }, function (error) {
        showError(out, error.message);
      }).then(function () {
        if (button) {
          button.disabled = false;
        }
        form.removeAttribute("aria-busy");
      });
    });
  }

  var interpretForm = panel.querySelector('form[data-assist="interpret"]');
  var explainForm = panel.querySelector('form[data-assist="explain"]');
  if (interpretForm) {
    wire(interpretForm, document.getElementById("assist-proposal"), function (out, result, body) {
      showProposal(out, result, body.text || "");
    });
  }
  if (explainForm) {
    wire(explainForm, document.getElementById("assist-answer"), showExplanation);
  }

  // Hints on the card's uploaded files (unrelated, old, a date found in the text): shown only
  // when there is something to say; a hint, never a verdict.
  function formatDate(iso) {
    try {
      return new Intl.DateTimeFormat(lang, { dateStyle: "long" }).format(new Date(iso + "T12:00:00"));
    } catch (e) {
      return iso;
    }
  }
  var evidenceBox = document.getElementById("assist-evidence");
  if (evidenceBox) {
    var items = evidenceBox.querySelectorAll("li[data-assist-evidence]");
    Array.prototype.forEach.call(items, function (item) {
      item.hidden = true;
      post(item.getAttribute("data-assist-evidence"), { lang: lang }, true).then(function (found) {
        var notes = (found.hints || []).slice();
        if (found.effective_date) {
          notes.push(label("date").replace("%(date)s", formatDate(found.effective_date)));
        }
        if (!notes.length) {
          return;
        }
        item.querySelector(".assist-evidence-hints").textContent = notes.join(" ");
        item.hidden = false;
        evidenceBox.hidden = false;
      }, function () {
        return null;
      });
    });
  }

  // The consistency check, asked once per card on the first press of Next.
  var checkUrl = panel.getAttribute("data-assist-check");
  if (!card || !checkUrl) {
    return;
  }
  var asked = false;

  function cardState() {
    var state = { status: "answered", levels: {}, comment: "", lang: lang, pending_evidence: 0 };
    var status = card.querySelector('input[name="status"]:checked');
    if (status) {
      state.status = status.value;
    }
    var rows = card.querySelectorAll("fieldset[data-dimension]");
    for (var i = 0; i < rows.length; i += 1) {
      var dim = rows[i].getAttribute("data-dimension");
      var chosen = rows[i].querySelector('input[name="level-' + dim + '"]:checked');
      if (chosen && !rows[i].disabled) {
        state.levels[dim] = /^[0-4]$/.test(chosen.value) ? Number(chosen.value) : null;
      }
    }
    var comment = card.querySelector('textarea[name="comment"]');
    state.comment = comment ? comment.value : "";
    var file = card.querySelector('input[type="file"]');
    state.pending_evidence = file && file.files ? Math.min(file.files.length, 20) : 0;
    return state;
  }

  card.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    if (asked || (submitter && submitter.value && submitter.value !== "next")) {
      return;
    }
    event.preventDefault();
    asked = true;
    var go = function () {
      if (card.requestSubmit) {
        card.requestSubmit(submitter || undefined);
      } else {
        card.submit();
      }
    };
    post(checkUrl, cardState(), true).then(function (result) {
      if (!result.findings || !result.findings.length) {
        go();
        return;
      }
      var box = card.querySelector(".assist-findings") || el("div", "assist-findings notice");
      clear(box);
      box.setAttribute("role", "alert");
      box.setAttribute("tabindex", "-1");
      box.appendChild(el("p", "", label("check")));
      var list = el("ul");
      result.findings.forEach(function (f) {
        list.appendChild(el("li", "", f.message));
      });
      box.appendChild(list);
      box.appendChild(el("p", "muted", label("check-again")));
      var actions = card.querySelector(".card-actions");
      if (actions && !box.parentNode) {
        actions.parentNode.insertBefore(box, actions);
      } else if (!box.parentNode) {
        card.appendChild(box);
      }
      box.focus();
    }, go);
  });
})();
