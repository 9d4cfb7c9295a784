// Keyboard users: Escape leaves a focused figure so its details close.
document.addEventListener("keydown", function (e) {
  if (e.key === "Escape" && document.activeElement && document.activeElement.classList.contains("fig")) {
    document.activeElement.blur();
  }
});

// A figure's details box opens beside the figure; one near the right edge of a narrow window would
// cross it, so shift the box back inside the viewport (CSS already caps its width at the screen's).
function keepTipOnScreen(e) {
  var mark = e.target.closest && e.target.closest("mark.fig");
  if (!mark) return;
  var tip = mark.querySelector(".tip");
  if (!tip) return;
  tip.style.transform = "";
  var box = tip.getBoundingClientRect();
  if (!box.width) return;
  var margin = 8, width = document.documentElement.clientWidth, shift = 0;
  if (box.right > width - margin) shift = width - margin - box.right;
  if (box.left + shift < margin) shift = margin - box.left;
  if (shift) tip.style.transform = "translateX(" + Math.round(shift) + "px)";
}
document.addEventListener("focusin", keepTipOnScreen);
document.addEventListener("mouseover", keepTipOnScreen);
