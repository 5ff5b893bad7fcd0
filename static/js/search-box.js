// The header's search box: `/` (outside a text field) or Ctrl+K (Cmd+K) anywhere puts the cursor in it.
const box = document.getElementById("header-search");

function typingInAField(target) {
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

if (box) {
  document.addEventListener("keydown", (event) => {
    const shortcut = (event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "k";
    const slash = event.key === "/" && !event.ctrlKey && !event.metaKey && !event.altKey && !typingInAField(event.target);
    if (!shortcut && !slash) return;
    event.preventDefault();
    // At a narrow width the box sits in the collapsed menu: open it first.
    const menu = box.closest(".collapse");
    if (menu && !menu.classList.contains("show") && window.bootstrap) {
      window.bootstrap.Collapse.getOrCreateInstance(menu).show();
    }
    box.focus();
    box.select();
  });
}
