/* The ticket page: "Insert" puts the chosen canned response into the reply box at the cursor
   (without JavaScript the button reloads the page with the text in the box). */
(function () {
  var form = document.getElementById("tk-canned-form");
  var data = document.getElementById("tk-canned-texts");
  var box = document.getElementById("tk-body");
  if (!form || !data || !box) return;
  var texts = JSON.parse(data.textContent);
  form.addEventListener("submit", function (event) {
    var text = texts[form.elements.canned.value];
    if (text === undefined) return;
    event.preventDefault();
    var start = box.selectionStart || 0, end = box.selectionEnd || 0;
    box.value = box.value.slice(0, start) + text + box.value.slice(end);
    box.focus();
    box.selectionStart = box.selectionEnd = start + text.length;
  });
})();
