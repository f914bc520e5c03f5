// "Similar ideas" while the title is typed (progressive enhancement: the form works without it).
(function () {
  "use strict";
  var box = document.getElementById("ideas-similar");
  var input = document.getElementById("id_title");
  if (!box || !input || !window.fetch) return;
  var list = box.querySelector("ul");
  var timer = null;
  var last = "";

  function show(results) {
    list.textContent = "";
    results.forEach(function (idea) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = idea.url;
      link.textContent = idea.title;
      var meta = document.createElement("span");
      meta.className = "ideas-similar__meta";
      meta.textContent = " · " + idea.status_label + " · " + idea.votes + " ▲";
      item.appendChild(link);
      item.appendChild(meta);
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
    fetch(box.dataset.endpoint + "?q=" + encodeURIComponent(query), {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.ok ? response.json() : { results: [] };
      })
      .then(function (data) {
        if (input.value.trim() === query) show(data.results || []);
      })
      .catch(function () {});
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(lookUp, 250);
  });
})();
