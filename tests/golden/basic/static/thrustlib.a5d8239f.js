/* thrustlib: the video facade. The page shows a thumbnail and a link to the video;
   only a click (or Enter on the focused link) loads YouTube's player, in place. A
   step's "Play from 0:42" link starts that player at its second, the same way. */
(function () {
  "use strict";
  var VIDEO_ID = /^[A-Za-z0-9_-]{11}$/;
  var EMBED = /^https:\/\/www\.youtube(-nocookie)?\.com\/embed\/$/;
  var SECONDS = /^[0-9]{1,6}$/;

  function seconds(element) {
    var value = element ? element.getAttribute("data-start") || "" : "";
    return SECONDS.test(value) ? parseInt(value, 10) : 0;
  }

  function play(player, start) {
    var id = player.getAttribute("data-video-id") || "";
    var base = player.getAttribute("data-embed-base") || "";
    // The attributes come from the page; check them so nothing else can be framed.
    if (!VIDEO_ID.test(id) || !EMBED.test(base)) {
      return false;
    }
    var src = base + id + "?autoplay=1" + (start > 0 ? "&start=" + start : "");
    var frame = player.querySelector("iframe.player-frame");
    if (frame) {
      // Playing already: a new address is the one way to seek a frame of another site.
      frame.src = src;
    } else {
      frame = document.createElement("iframe");
      frame.className = "player-frame";
      frame.src = src;
      frame.title = player.getAttribute("data-title") || "Video";
      frame.allow = "autoplay; encrypted-media; picture-in-picture";
      frame.setAttribute("allowfullscreen", "");
      while (player.firstChild) {
        player.removeChild(player.firstChild);
      }
      player.appendChild(frame);
      player.classList.add("is-playing");
    }
    // The link that had focus is gone (or is further down the page); keep keyboard
    // users where the video is.
    frame.focus();
    return true;
  }

  function plain(event) {
    // Modified clicks keep their meaning (a new tab on YouTube).
    return event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey;
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!target || !target.closest || !plain(event)) {
      return;
    }
    var link = target.closest(".player-link");
    var player = link ? link.closest(".player") : null;
    var start = seconds(player);
    var moment = link ? null : target.closest(".play-from");
    if (moment) {
      player = document.querySelector(".player[data-video-id]");
      start = seconds(moment);
    }
    if (player && play(player, start)) {
      event.preventDefault();
      if (moment) {
        player.scrollIntoView({ block: "nearest" });
      }
    }
  });
})();
