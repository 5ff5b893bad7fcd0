// A table wider than the screen scrolls sideways inside its `.table-responsive` wrapper, never the page.
// While it does, the wrapper is a named region in the keyboard's tab order, so that a keyboard user can
// scroll it with the arrow keys (WCAG 2.1.1) and a screen reader says what it holds; once it fits again
// it leaves the tab order. The name is the table's caption, else the heading of its section or page.

function nameOf(region) {
  const caption = region.querySelector("caption");
  const section = region.closest("section, article, [aria-labelledby]");
  const heading = (section && section.querySelector("h1, h2, h3, h4")) || document.querySelector("main h1");
  return ((caption || heading) && (caption || heading).textContent.trim()) || document.title;
}

function mark(region) {
  if (region.scrollWidth > region.clientWidth + 1) {
    region.tabIndex = 0;
    region.setAttribute("role", "region");
    region.setAttribute("aria-label", nameOf(region));
  } else if (region.hasAttribute("tabindex")) {
    region.removeAttribute("tabindex");
    region.removeAttribute("role");
    region.removeAttribute("aria-label");
  }
}

function markAll() {
  document.querySelectorAll(".table-responsive").forEach(mark);
}

markAll();
window.addEventListener("resize", markAll);
// Live pages swap regions of content (live.js, upload.js): mark the tables they bring.
new MutationObserver(markAll).observe(document.querySelector("main") || document.body, { childList: true, subtree: true });
