// The ticket form, enhanced (it works without this file):
// - "Ask once": while the subject is typed, one list of answers from the help content and the
//   customer's own open requests; opening one is recorded before the browser follows the link.
// - the request type's questions switch in place instead of posting the form back.
(function () {
  "use strict";
  var form = document.getElementById("ticket-form");
  if (!form) return;

  // --- request type -------------------------------------------------------------------------
  var select = form.querySelector("[data-type-select]");
  if (select) {
    select.addEventListener("change", function () {
      form.querySelectorAll("fieldset[data-type]").forEach(function (fieldset) {
        var on = fieldset.dataset.type === select.value;
        fieldset.hidden = !on;
        fieldset.disabled = !on;
      });
    });
  }

  // --- "Ask once" -----------------------------------------------------------------------------
  var box = document.getElementById("tickets-suggest");
  var input = document.getElementById("id_subject");
  var keyInput = form.querySelector("input[name=suggestion_key]");
  if (!box || !input || !window.fetch) return;
  // the search's key survives a visit to a suggested answer and the way back
  var STORE = "tickets-suggestion-key";
  try {
    if (keyInput && !keyInput.value) keyInput.value = sessionStorage.getItem(STORE) || "";
    form.addEventListener("submit", function () {
      sessionStorage.removeItem(STORE);
    });
  } catch (error) {
    /* storage switched off: the key lives in the form only */
  }
  function remember(key) {
    if (keyInput) keyInput.value = key;
    try {
      sessionStorage.setItem(STORE, key);
    } catch (error) {
      /* see above */
    }
  }
  var list = box.querySelector("ul");
  var timer = null;
  var last = "";

  function opened(url) {
    var key = keyInput ? keyInput.value : "";
    if (!key) return false;
    var data = new FormData();
    data.append("key", key);
    data.append("url", url);
    if (navigator.sendBeacon) return navigator.sendBeacon(box.dataset.opened, data);
    return false;
  }

  function show(results) {
    list.textContent = "";
    results.forEach(function (result) {
      var item = document.createElement("li");
      var kind = document.createElement("span");
      kind.className = "tickets-suggest__kind";
      kind.textContent = result.kind;
      var link = document.createElement("a");
      link.href = result.url;
      link.textContent = result.title;
      link.addEventListener("click", function (event) {
        if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) {
          opened(result.url);
          return;
        }
        if (opened(result.url)) return; // the beacon is sent; the browser follows the link
        // no beacon: record with a keepalive request, then go
        event.preventDefault();
        fetch(box.dataset.opened, {
          method: "POST",
          body: new URLSearchParams({ key: keyInput ? keyInput.value : "", url: result.url }),
          credentials: "same-origin",
          keepalive: true,
        }).finally(function () {
          window.location.href = result.url;
        });
      });
      item.appendChild(kind);
      item.appendChild(link);
      list.appendChild(item);
    });
    box.hidden = results.length === 0;
  }

  function lookUp() {
    var query = input.value.trim();
    if (query === last) return;
    last = query;
    if (query.length < 3) {
      show([]);
      return;
    }
    var url = box.dataset.endpoint + "?q=" + encodeURIComponent(query);
    if (keyInput && keyInput.value) url += "&key=" + encodeURIComponent(keyInput.value);
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.json() : { results: [] };
      })
      .then(function (data) {
        if (data.key) remember(data.key);
        if (input.value.trim() === query) show(data.results || []);
      })
      .catch(function () {});
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(lookUp, 300);
  });
  if (input.value.trim().length >= 3) lookUp();
})();
