/* thrustlib: the video facade. The page shows a thumbnail and a link to the video;
   only a click (or Enter on the focused link) loads YouTube's player, in place. */
(function () {
  "use strict";
  var VIDEO_ID = /^[A-Za-z0-9_-]{11}$/;
  var EMBED = /^https:\/\/www\.youtube(-nocookie)?\.com\/embed\/$/;

  function play(player) {
    var id = player.getAttribute("data-video-id") || "";
    var base = player.getAttribute("data-embed-base") || "";
    // The attributes come from the page; check them so nothing else can be framed.
    if (!VIDEO_ID.test(id) || !EMBED.test(base)) {
      return false;
    }
    var frame = document.createElement("iframe");
    frame.className = "player-frame";
    frame.src = base + id + "?autoplay=1";
    frame.title = player.getAttribute("data-title") || "Video";
    frame.allow = "autoplay; encrypted-media; picture-in-picture";
    frame.setAttribute("allowfullscreen", "");
    while (player.firstChild) {
      player.removeChild(player.firstChild);
    }
    player.appendChild(frame);
    player.classList.add("is-playing");
    // The link that had focus is gone; keep keyboard users where the video is.
    frame.focus();
    return true;
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    var link = target && target.closest ? target.closest(".player-link") : null;
    // Modified clicks keep their meaning (a new tab on YouTube).
    if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return;
    }
    var player = link.closest(".player");
    if (player && play(player)) {
      event.preventDefault();
    }
  });
})();
