// Uploads with a progress bar: a form marked data-upload is sent by XMLHttpRequest, whose upload
// progress moves the form's Bootstrap progress bar; the server's answer (the page after the upload,
// or the page with the refusal) then replaces the page's content and messages. Without JavaScript
// the same form is a plain multipart post.
//
// The bar's width comes from the w-pct-N classes of app.css, in steps of 5%: the CSP allows no
// inline styles, and classes need no exception for styles set from script either.

function setProgress(progress, percent) {
  const bar = progress.querySelector("[data-upload-bar]");
  for (const name of [...bar.classList].filter((name) => name.startsWith("w-pct-"))) {
    bar.classList.remove(name);
  }
  bar.classList.add(`w-pct-${Math.floor(percent / 5) * 5}`);
  bar.textContent = `${percent}%`;
  progress.setAttribute("aria-valuenow", String(percent));
}

function showAnswer(html) {
  // The page the server answered with: its messages and its content, as the live pages swap regions.
  const fresh = new DOMParser().parseFromString(html, "text/html");
  const main = document.querySelector("main");
  for (const alert of main.querySelectorAll(":scope > .alert[role=alert]")) {
    alert.remove();
  }
  main.prepend(...fresh.querySelectorAll("main > .alert[role=alert]"));
  const region = document.querySelector('[data-live-region="content"]');
  const replacement = fresh.querySelector('[data-live-region="content"]');
  if (region !== null && replacement !== null) {
    region.innerHTML = replacement.innerHTML;
  }
  // The page is now the latest: a live notice raised while the upload was running no longer applies.
  const notice = document.querySelector("[data-live-notice]");
  if (notice !== null) {
    notice.hidden = true;
  }
}

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!form.matches("form[data-upload]")) {
    return;
  }
  event.preventDefault();
  const progress = form.querySelector("[data-upload-progress]");
  const failed = form.querySelector("[data-upload-failed]");
  const button = form.querySelector("[type=submit]");
  const request = new XMLHttpRequest();
  request.open("POST", form.action);
  request.upload.addEventListener("progress", (progressEvent) => {
    if (progressEvent.lengthComputable) {
      setProgress(progress, Math.round((100 * progressEvent.loaded) / progressEvent.total));
    }
  });
  request.addEventListener("load", () => {
    setProgress(progress, 100);
    showAnswer(request.responseText);
  });
  request.addEventListener("error", () => {
    progress.hidden = true;
    failed.hidden = false;
    button.disabled = false;
  });
  progress.hidden = false;
  failed.hidden = true;
  button.disabled = true;
  setProgress(progress, 0);
  request.send(new FormData(form));
});
