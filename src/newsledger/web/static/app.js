// Keyboard users: Escape leaves a focused figure so its details close.
document.addEventListener("keydown", function (e) {
  if (e.key === "Escape" && document.activeElement && document.activeElement.classList.contains("fig")) {
    document.activeElement.blur();
  }
});
