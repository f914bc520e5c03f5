// "Was this helpful?" without a page reload. The form works without this script (it posts and
// the page comes back with a thank-you); here the vote goes through fetch, the thank-you is
// announced by the aria-live status, and after "No" the comment box appears and takes focus.
(function () {
  "use strict";
  function enhance(root) {
    var form = root.querySelector("[data-helpful-form]");
    var status = root.querySelector("[data-helpful-status]");
    var choices = root.querySelector("[data-helpful-choices]");
    var more = root.querySelector("[data-helpful-more]");
    if (!form || !status || !choices || !more || !window.fetch) return;
    root.setAttribute("data-enhanced", "");
    more.hidden = true;
    var texts = {
      yes: root.getAttribute("data-text-yes"),
      no: root.getAttribute("data-text-no"),
      commented: root.getAttribute("data-text-commented"),
      error: root.getAttribute("data-text-error"),
    };
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var submitter = event.submitter;
      var data = new FormData(form);
      if (submitter && submitter.name) data.set(submitter.name, submitter.value);
      var helpful = data.get("helpful");
      var comment = (data.get("comment") || "").trim();
      var inComment = submitter && submitter.classList.contains("helpful__send");
      if (!inComment) data.set("comment", "");
      fetch(form.action, {
        method: "POST",
        body: data,
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then(function () {
          if (inComment && comment) {
            status.textContent = texts.commented;
            choices.hidden = true;
            more.hidden = true;
            status.focus();
          } else if (helpful === "no") {
            status.textContent = texts.no;
            choices.hidden = true;
            more.hidden = false;
            more.querySelector("textarea").focus();
          } else {
            status.textContent = texts.yes;
            choices.hidden = true;
            more.hidden = true;
            status.focus();
          }
        })
        .catch(function () {
          status.textContent = texts.error;
          status.focus();
        });
    });
  }
  function init() {
    document.querySelectorAll("[data-helpful]:not([data-enhanced])").forEach(enhance);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
