"""The preview's page: its HTML, stylesheet and script, served from memory.

The script asks for ``/state`` (the last good build's pages and chapters, the
last build's errors) and listens to ``/events``: ``state`` after a build
(with the first changed page, which it scrolls to), ``page`` when a page image
is stored, ``status`` while a build runs.  A page keeps its element, and its
old image, until its new image has loaded, so a rebuild redraws only the pages
that changed.  Each image is followed by the page's text, hidden from sight,
for screen readers and for finding a page by its words.

They are strings here, not package files, so that the preview needs no data
files installed beside the code; the page runs no inline script, which lets
the server's Content-Security-Policy forbid it.
"""

from __future__ import annotations

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>publish preview</title>
<link rel="stylesheet" href="/_/preview.css">
<script src="/_/preview.js" defer></script>
</head>
<body>
<header id="top">
  <div class="bar">
    <h1>publish preview</h1>
    <p id="status" role="status" aria-live="polite">Building…</p>
    <nav id="downloads" aria-label="Outputs"></nav>
  </div>
  <section id="errors" role="alert" hidden>
    <h2>The last build failed</h2>
    <pre id="error-lines"></pre>
    <p>The pages shown are from the last good build.</p>
  </section>
  <details id="warnings" hidden><summary></summary><pre id="warning-lines"></pre></details>
</header>
<main>
  <section id="pdf" aria-labelledby="pdf-title">
    <h2 id="pdf-title">PDF</h2>
    <div id="pages"></div>
  </section>
  <section id="epub" aria-labelledby="epub-title">
    <h2 id="epub-title">EPUB</h2>
    <ol id="chapters"></ol>
    <iframe id="chapter" name="chapter" title="EPUB chapter" sandbox="allow-same-origin"></iframe>
  </section>
</main>
</body>
</html>
"""

STYLE = """
:root { color-scheme: light dark; font-family: system-ui, sans-serif; --shade: #8882; }
body { margin: 0; }
/* the header stays in view, and the error with it, whatever the page's scroll */
header { position: sticky; top: 0; z-index: 1; padding: .4em 1em; background: Canvas;
         border-bottom: 1px solid var(--shade); max-height: 50vh; overflow: auto; }
header .bar { display: flex; gap: 1.5em; align-items: baseline; }
header h1 { font-size: 1em; margin: 0; }
#status { margin: 0; flex: 1; }
#downloads a { margin-left: 1em; }
#errors { margin: .5em 0; padding: .2em 1em; border: 2px solid #c00; border-radius: 4px; }
#errors h2 { font-size: 1em; color: #c00; margin: .3em 0; }
#warnings { margin: .3em 0; font-size: .9em; }
pre { white-space: pre-wrap; margin: .3em 0; }
main { display: flex; gap: 1em; padding: 0 1em; }
main h2 { font-size: 1em; }
#pdf { flex: 3; min-width: 0; }
#epub { flex: 2; min-width: 0; position: sticky; top: calc(var(--header, 3em) + .5em); align-self: flex-start; }
#pages figure { margin: 0 auto 1.5em; max-width: 100%; width: fit-content; }
#pages img { display: block; max-width: 100%; height: auto; background: white;
             box-shadow: 0 1px 6px #0004; }
#pages figure.pending img { opacity: .35; }
#pages figcaption { text-align: center; font-size: .85em; padding-top: .3em; }
#chapter { width: 100%; height: 75vh; border: 1px solid var(--shade); background: white; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden;
                   clip-path: inset(50%); white-space: nowrap; }
"""

SCRIPT = """
"use strict";
const pagesBox = document.getElementById("pages");
const chapterFrame = document.getElementById("chapter");
let shownVersion = -1;

function figureFor(index) {
  let figure = pagesBox.children[index];
  if (figure) return figure;
  figure = document.createElement("figure");
  const img = document.createElement("img");
  img.addEventListener("load", () => {
    if (img.dataset.key === figure.dataset.key) {
      figure.dataset.shown = img.dataset.key;
      figure.classList.remove("pending");
    }
  });
  const text = document.createElement("div");
  text.className = "text visually-hidden";
  const caption = document.createElement("figcaption");
  figure.append(img, text, caption);
  pagesBox.append(figure);
  return figure;
}

async function showImage(figure, key) {
  const img = figure.querySelector("img");
  const text = figure.querySelector(".text");
  figure.dataset.ready = key;
  const response = await fetch("/pages/" + key + ".txt");
  if (figure.dataset.key !== key) return;
  text.textContent = response.ok ? await response.text() : "";
  img.dataset.key = key;
  img.src = "/pages/" + key + ".png";
}

function showPages(state) {
  state.pages.forEach((page, index) => {
    const figure = figureFor(index);
    figure.id = "page-" + index;
    const img = figure.querySelector("img");
    img.alt = "Page " + page.label;
    img.width = page.width;
    img.height = page.height;
    figure.querySelector("figcaption").textContent = page.label;
    if (figure.dataset.key !== page.key) {
      figure.dataset.key = page.key;
      figure.dataset.ready = "";
      figure.classList.add("pending");
    }
    if (page.ready && figure.dataset.ready !== page.key) showImage(figure, page.key);
  });
  while (pagesBox.children.length > state.pages.length) pagesBox.lastElementChild.remove();
}

function showChapters(state) {
  const list = document.getElementById("chapters");
  list.replaceChildren(...state.chapters.map((chapter) => {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = "/epub/" + chapter.href.split("/").map(encodeURIComponent).join("/");
    link.target = "chapter";
    link.textContent = chapter.title;
    item.append(link);
    return item;
  }));
  if (!chapterFrame.getAttribute("src") && state.chapters.length) {
    chapterFrame.src = list.querySelector("a").href;
  } else if (state.version !== shownVersion) {
    try { chapterFrame.contentWindow.location.reload(); } catch (error) { /* not loaded yet */ }
  }
}

function showStatus(state) {
  const status = document.getElementById("status");
  if (state.building) status.textContent = "Building… " + (state.step || "");
  else if (state.errors.length) status.textContent = "The last build failed; showing the last good one.";
  else if (state.version) {
    status.textContent = "Built (" + state.builds + " build" + (state.builds === 1 ? "" : "s") + ")";
  }
  const errors = document.getElementById("errors");
  errors.hidden = !state.errors.length;
  document.getElementById("error-lines").textContent = state.errors.join("\\n");
  const warnings = document.getElementById("warnings");
  warnings.hidden = !state.warnings.length;
  warnings.querySelector("summary").textContent = state.warnings.length + " warning(s)";
  document.getElementById("warning-lines").textContent = state.warnings.join("\\n");
  // the EPUB pane stays in view just under the header, whatever its height now
  const header = document.getElementById("top").offsetHeight;
  document.documentElement.style.setProperty("--header", header + "px");
  document.getElementById("downloads").replaceChildren(...state.downloads.map((name) => {
    const link = document.createElement("a");
    link.href = "/download/" + encodeURIComponent(name);
    link.textContent = name;
    return link;
  }));
}

let loading = Promise.resolve();
function load(scroll) {
  // one load at a time, in order: a later event always ends with the latest state shown
  loading = loading.then(async () => {
    const response = await fetch("/state", {cache: "no-store"});
    const state = await response.json();
    showStatus(state);
    showPages(state);
    showChapters(state);
    if (scroll && state.version !== shownVersion && shownVersion >= 0 && state.first_changed !== null) {
      const first = pagesBox.children[state.first_changed];
      const header = document.getElementById("top").offsetHeight;
      if (first) window.scrollTo({top: first.getBoundingClientRect().top + window.scrollY - header - 8});
    }
    shownVersion = state.version;
    document.body.dataset.version = state.version;
  }).catch(() => {});
}

const events = new EventSource("/events");
events.addEventListener("hello", () => load(false));
events.addEventListener("state", () => load(true));
events.addEventListener("status", (event) => {
  const status = JSON.parse(event.data);
  if (status.building) document.getElementById("status").textContent = "Building… " + status.step;
});
events.addEventListener("page", (event) => {
  const {key} = JSON.parse(event.data);
  // after any load under way: the state it fetched may predate this image
  loading = loading.then(() => {
    for (const figure of pagesBox.querySelectorAll("figure")) {
      if (figure.dataset.key === key && figure.dataset.ready !== key) showImage(figure, key);
    }
  });
});
"""
