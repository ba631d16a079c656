// The exercise library's pages.
//
// <details data-fold-on-phones>: open on wide screens, folded on phones (≤ 600 px) so that the
// results come first; crossing that width (turning a tablet) folds or opens it again.
// <a data-video-link>: a link to a video on a host that serves thumbnails at an address made
// from the video's id (YouTube) shows that thumbnail. Nothing is fetched to find it, and other
// hosts (Vimeo has no such address) keep the plain link.
(function () {
  "use strict";

  const phone = window.matchMedia("(max-width: 600px)");

  function fold() {
    document.querySelectorAll("details[data-fold-on-phones]").forEach(function (details) {
      details.open = !phone.matches;
    });
  }

  fold();
  phone.addEventListener("change", fold);

  const YOUTUBE_HOSTS = ["youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com",
    "youtube-nocookie.com", "www.youtube-nocookie.com"];
  const VIDEO_ID = /^[A-Za-z0-9_-]{11}$/;

  // The id of a YouTube video in any of the forms its links take, else null.
  function youtubeId(href) {
    let url;
    try {
      url = new URL(href);
    } catch (error) {
      return null;
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") return null;
    const host = url.hostname.toLowerCase();
    const path = url.pathname.split("/").filter(Boolean);
    let id = null;
    if (host === "youtu.be") {
      id = path[0] || null;
    } else if (YOUTUBE_HOSTS.indexOf(host) !== -1) {
      if (path[0] === "watch") id = url.searchParams.get("v");
      else if (["embed", "shorts", "live", "v"].indexOf(path[0]) !== -1) id = path[1] || null;
    }
    return id && VIDEO_ID.test(id) ? id : null;
  }

  document.querySelectorAll("a[data-video-link]").forEach(function (link) {
    const id = youtubeId(link.href);
    if (!id) return;
    const thumbnail = document.createElement("img");
    thumbnail.className = "video-thumbnail";
    thumbnail.src = "https://i.ytimg.com/vi/" + id + "/hqdefault.jpg";
    // The link's own words name it; the picture adds nothing a screen reader needs.
    thumbnail.alt = "";
    thumbnail.width = 480;
    thumbnail.height = 360;
    thumbnail.loading = "lazy";
    thumbnail.decoding = "async";
    thumbnail.referrerPolicy = "no-referrer";
    link.classList.add("has-thumbnail");
    link.insertBefore(thumbnail, link.firstChild);
  });
})();
