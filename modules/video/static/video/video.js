/* Video pages: chapter and transcript links seek the player instead of reloading the page.
   Without JavaScript the links go to ?t=SECONDS, which the page honours on its own. */
(function () {
  "use strict";

  function player() {
    return document.getElementById("video-player");
  }

  function seek(target, seconds) {
    if (target.tagName === "VIDEO") {
      target.currentTime = seconds;
      var playing = target.play();
      if (playing && playing.catch) {
        playing.catch(function () {});
      }
      return;
    }
    // An embed (YouTube or Vimeo): reload the player at the chosen time.
    var base = target.getAttribute("data-player-base");
    if (!base) {
      return;
    }
    if (target.getAttribute("data-provider") === "youtube") {
      target.src = base + "?start=" + seconds + "&autoplay=1";
    } else {
      target.src = base + "?autoplay=1#t=" + seconds + "s";
    }
  }

  function markCurrent(seconds) {
    document.querySelectorAll("[data-seek]").forEach(function (link) {
      link.removeAttribute("aria-current");
    });
    document.querySelectorAll(".video-chapters__list, .video-transcript__body").forEach(function (list) {
      var current = null;
      list.querySelectorAll("[data-seek]").forEach(function (link) {
        if (parseInt(link.getAttribute("data-seek"), 10) <= seconds) {
          current = link;
        }
      });
      if (current) {
        current.setAttribute("aria-current", "time");
      }
    });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-seek]");
    var target = player();
    if (!link || !target || event.ctrlKey || event.metaKey || event.shiftKey) {
      return;
    }
    event.preventDefault();
    var seconds = parseInt(link.getAttribute("data-seek"), 10) || 0;
    seek(target, seconds);
    markCurrent(seconds);
    var url = new URL(window.location.href);
    url.searchParams.set("t", String(seconds));
    window.history.replaceState(null, "", url);
    target.scrollIntoView({ block: "nearest" });
  });

  document.addEventListener("DOMContentLoaded", function () {
    var target = player();
    if (!target || target.tagName !== "VIDEO") {
      return;
    }
    var start = parseInt(target.getAttribute("data-start"), 10) || 0;
    if (start) {
      // for browsers that ignore the #t= media fragment
      target.addEventListener("loadedmetadata", function () {
        if (target.currentTime < start) {
          target.currentTime = start;
        }
      }, { once: true });
    }
    target.addEventListener("timeupdate", function () {
      markCurrent(Math.floor(target.currentTime));
    });
  });
})();
