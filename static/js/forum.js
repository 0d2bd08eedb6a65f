// Small enhancements of the discussion pages; each works without this file too.
// - Chosen attachments are previewed before sending (images as thumbnails, other files by
//   name and size), and the upload shows its progress (htmx's htmx:xhr:progress event).
// - Image attachments open full size in a Bootstrap modal (plain links to the image otherwise).
// - Reply puts the cursor into the comment box.
// - A request htmx does not swap (403, 404, 500, network down) says so instead of doing nothing.
// - Times, written as dates (the same for everyone, so that a page can be cached), read
//   "3 minutes ago", with the date kept in their title.
(function () {
  "use strict";

  var relativeFormat = window.Intl && Intl.RelativeTimeFormat
    ? new Intl.RelativeTimeFormat(document.documentElement.lang || "en", { numeric: "auto" })
    : null;
  var TIME_UNITS = [["year", 31536000], ["month", 2592000], ["week", 604800], ["day", 86400], ["hour", 3600], ["minute", 60]];

  function relativeText(seconds) {
    if (seconds < 45) return "just now";
    for (var i = 0; i < TIME_UNITS.length; i++) {
      if (seconds >= TIME_UNITS[i][1] * 0.75 || TIME_UNITS[i][0] === "minute") {
        return relativeFormat.format(-Math.max(1, Math.round(seconds / TIME_UNITS[i][1])), TIME_UNITS[i][0]);
      }
    }
  }

  function showRelativeTimes(root) {
    if (!relativeFormat || !root || !root.querySelectorAll) return;
    var times = Array.prototype.slice.call(root.querySelectorAll("time[data-relative]"));
    if (root.matches && root.matches("time[data-relative]")) times.push(root);
    var now = Date.now();
    times.forEach(function (time) {
      var when = Date.parse(time.getAttribute("datetime"));
      if (isNaN(when)) return;
      if (!time.title) time.title = time.textContent;
      time.textContent = relativeText(Math.max(0, (now - when) / 1000));
    });
  }

  showRelativeTimes(document);
  document.addEventListener("htmx:load", function (event) { showRelativeTimes(event.detail.elt); });
  setInterval(function () { showRelativeTimes(document); }, 60000);

  var previewUrls = new WeakMap();

  function readableSize(bytes) {
    if (bytes >= 1024 * 1024) return (bytes / (1024 * 1024)).toFixed(1) + " MB";
    if (bytes >= 1024) return Math.round(bytes / 1024) + " KB";
    return bytes + " bytes";
  }

  function previewBoxFor(input) {
    return document.querySelector('[data-attachment-previews-for="' + input.id + '"]');
  }

  function forgetPreviews(box) {
    (previewUrls.get(box) || []).forEach(function (url) { URL.revokeObjectURL(url); });
    previewUrls.set(box, []);
    box.replaceChildren();
  }

  function showPreviews(input) {
    var box = previewBoxFor(input);
    if (!box) return;
    forgetPreviews(box);
    Array.prototype.forEach.call(input.files, function (file) {
      var figure = document.createElement("figure");
      figure.className = "attachment-preview";
      if (file.type.indexOf("image/") === 0) {
        var url = URL.createObjectURL(file);
        previewUrls.get(box).push(url);
        var image = document.createElement("img");
        image.src = url;
        image.alt = "";
        image.className = "attachment-thumb img-thumbnail";
        figure.appendChild(image);
      }
      var caption = document.createElement("figcaption");
      caption.className = "small text-body-secondary text-truncate";
      caption.textContent = file.name + " (" + readableSize(file.size) + ")";
      figure.appendChild(caption);
      box.appendChild(figure);
    });
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input.matches && input.matches('input[type="file"]') && previewBoxFor(input)) showPreviews(input);
  });

  // Upload progress: only a form that sends files shows it.
  function formOf(element) {
    return element.closest ? element.closest("form") : null;
  }

  function progressOf(element) {
    var form = formOf(element);
    return form && form.querySelector("progress.upload-progress");
  }

  function hasFiles(form) {
    return Array.prototype.some.call(form.querySelectorAll('input[type="file"]'), function (input) {
      return input.files && input.files.length > 0;
    });
  }

  document.addEventListener("htmx:xhr:progress", function (event) {
    var progress = progressOf(event.target);
    if (!progress || !event.detail.lengthComputable || !hasFiles(formOf(event.target))) return;
    progress.hidden = false;
    progress.value = Math.round((event.detail.loaded / event.detail.total) * 100);
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var progress = progressOf(event.target);
    if (progress) { progress.hidden = true; progress.value = 0; }
  });

  // Full-size images in a modal.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-image-viewer]");
    var viewer = document.getElementById("image-viewer");
    if (!link || !viewer || !window.bootstrap || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    var image = viewer.querySelector(".image-viewer-full");
    image.src = link.href;
    image.alt = link.dataset.caption || "";
    viewer.querySelector(".modal-title").textContent = link.dataset.caption || "Image";
    viewer.querySelector(".image-viewer-open").href = link.href;
    window.bootstrap.Modal.getOrCreateInstance(viewer).show();
  });

  // After Reply (or Cancel reply), the cursor goes where the reply is written.
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.target.id === "reply-field") {
      var text = document.getElementById("id_comment_text");
      if (text) text.focus({ preventScroll: true });
    }
  });

  // htmx swaps nothing for an error answer: say what happened.
  function showProblem(message) {
    var main = document.getElementById("main");
    if (!main) return;
    var old = document.getElementById("htmx-problem");
    if (old) old.remove();
    var alert = document.createElement("div");
    alert.id = "htmx-problem";
    alert.className = "alert alert-danger alert-dismissible";
    alert.setAttribute("role", "alert");
    alert.textContent = message;
    var close = document.createElement("button");
    close.type = "button";
    close.className = "btn-close";
    close.setAttribute("data-bs-dismiss", "alert");
    close.setAttribute("aria-label", "Close");
    alert.appendChild(close);
    main.prepend(alert);
  }

  function isPoller(element) {
    return element && (element.id === "comment-poller" || element.id === "activity-notice");
  }

  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr.status;
    if (isPoller(event.detail.elt)) return; // polling tries again by itself
    var messages = {
      403: "You are not allowed to do that (any more). Reload the page to see why.",
      404: "That is gone, or was never there. Reload the page.",
      413: "That is too large to send.",
      429: "Too many requests: wait a minute and try again."
    };
    showProblem(messages[status] || "Something went wrong (" + status + "). Try again, or reload the page.");
  });

  document.addEventListener("htmx:sendError", function (event) {
    if (isPoller(event.detail.elt)) return;
    showProblem("The forum could not be reached. Check your connection and try again.");
  });
})();
