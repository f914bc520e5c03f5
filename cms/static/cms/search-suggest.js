// As-you-type suggestions for every portal search box, as a native <datalist> (accessible,
// works on phones). Without JavaScript the search boxes work exactly the same, minus this.
(function () {
  "use strict";
  var boxes = document.querySelectorAll('input[type="search"][name="q"]');
  Array.prototype.forEach.call(boxes, function (input, index) {
    var list = document.createElement("datalist");
    list.id = "search-suggestions-" + index;
    input.after(list);
    input.setAttribute("list", list.id);
    input.setAttribute("autocomplete", "off");
    var timer = null;
    var last = "";
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var query = input.value.trim();
      if (query.length < 2 || query === last) { return; }
      timer = setTimeout(function () {
        last = query;
        fetch("/search/suggest/?q=" + encodeURIComponent(query), {
          headers: { Accept: "application/json" },
          credentials: "same-origin"
        })
          .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
          .then(function (data) {
            list.textContent = "";
            data.suggestions.forEach(function (item) {
              var option = document.createElement("option");
              option.value = item.title;
              option.label = item.kind;
              list.appendChild(option);
            });
          })
          .catch(function () { /* suggestions are a nicety; search still works */ });
      }, 150);
    });
  });
})();
