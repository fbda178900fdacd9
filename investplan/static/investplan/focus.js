// After htmx swaps a row in, move the focus where the new row asks (data-focus), once.
// Not the autofocus attribute: the browser runs its own autofocus a frame later, which
// could pull the focus back from a field the user has already moved to.
document.addEventListener("htmx:afterSettle", function () {
  var wanted = document.querySelector("[data-focus]");
  if (wanted) {
    wanted.removeAttribute("data-focus");
    wanted.focus();
  }
});
