// The header's menu on phones is a native <details> disclosure: it opens and closes without this
// script. The script only adds what a menu button is expected to do besides: Escape closes the open
// menu and puts the focus back on its button.
const menu = document.querySelector(".site-header .nav-menu");
const toggle = menu?.querySelector("summary");

if (menu && toggle) {
  menu.addEventListener("keydown", (event) => {
    // From 48rem on the summary is hidden and the navigation always shown: nothing to close there.
    if (event.key !== "Escape" || !menu.open || toggle.getClientRects().length === 0) {
      return;
    }
    menu.open = false;
    toggle.focus();
  });
}
