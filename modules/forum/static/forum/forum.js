/* Progressive enhancement of the forum's forms (everything works without it):
   - "similar topics" under the title field of a new topic, fetched while the title is typed;
   - "Quote" fills the reply box in place instead of reloading the page. */
(function () {
  "use strict";
  function ready(fn) { if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn); }
  ready(function () {
    var title = document.querySelector("[data-forum-similar=title]");
    var box = document.getElementById("forum-similar");
    if (title && box) {
      var list = box.querySelector("ul"), timer = null, last = "";
      title.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(function () {
          var q = title.value.trim();
          if (q === last) return;
          last = q;
          if (q.length < 3) { box.hidden = true; return; }
          fetch("/forum/similar/?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" }, credentials: "same-origin" })
            .then(function (r) { return r.ok ? r.json() : { results: [] }; })
            .then(function (data) {
              if (q !== last) return;
              list.textContent = "";
              (data.results || []).forEach(function (item) {
                var li = document.createElement("li"), a = document.createElement("a");
                a.href = item.url; a.textContent = item.title; a.target = "_blank"; a.rel = "noopener";
                li.appendChild(a);
                if (item.solved) { var s = document.createElement("span"); s.className = "badge badge--solved"; s.textContent = "✓"; li.appendChild(document.createTextNode(" ")); li.appendChild(s); }
                list.appendChild(li);
              });
              box.hidden = !list.children.length;
            })
            .catch(function () { box.hidden = true; });
        }, 250);
      });
    }
    var reply = document.querySelector("#reply-form textarea");
    if (reply) {
      document.querySelectorAll("[data-forum-quote]").forEach(function (link) {
        link.addEventListener("click", function (event) {
          var post = link.closest(".forum-post");
          var body = post && post.querySelector(".forum-post__body");
          var author = post && post.querySelector(".forum-author");
          if (!body) return;
          event.preventDefault();
          var text = body.innerText.trim().split("\n").slice(0, 40).map(function (l) { return "> " + l; }).join("\n");
          var who = author ? "> **" + author.textContent.trim() + ":**\n" : "";
          reply.value = (reply.value ? reply.value + "\n\n" : "") + who + text + "\n\n";
          reply.focus();
          reply.scrollIntoView({ block: "center" });
        });
      });
    }
  });
})();
