// Clicking the subject in the photo form's picture sets the focal point fields (percent),
// and typing in those fields moves the mark: both ways, so what is saved is what is shown.
// A file chosen in the form, before its first save too, is shown there at once.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const picker = document.querySelector("[data-focal-picker]");
  const across = document.getElementById("id_focal_x");
  const down = document.getElementById("id_focal_y");
  if (!picker || !across || !down) {
    return;
  }
  const image = picker.querySelector("img");
  const mark = picker.querySelector(".focal-picker__mark");
  const clamp = (value) => Math.min(100, Math.max(0, Math.round(value)));
  const showMark = () => {
    mark.style.left = `${clamp(Number(across.value || 50))}%`;
    mark.style.top = `${clamp(Number(down.value || 50))}%`;
  };
  image.addEventListener("click", (event) => {
    const box = image.getBoundingClientRect();
    across.value = clamp(((event.clientX - box.left) / box.width) * 100);
    down.value = clamp(((event.clientY - box.top) / box.height) * 100);
    showMark();
  });
  across.addEventListener("input", showMark);
  down.addEventListener("input", showMark);
  showMark();

  // Read as a data: address, which the Content-Security-Policy allows for images.
  const file = document.getElementById("id_image");
  file?.addEventListener("change", () => {
    const chosen = file.files[0];
    if (!chosen || !chosen.type.startsWith("image/")) {
      return;
    }
    const reader = new FileReader();
    reader.addEventListener("load", () => {
      image.src = reader.result;
      image.removeAttribute("width");
      image.removeAttribute("height");
      picker.hidden = false;
      document.querySelector("[data-focal-picker-hint]")?.remove();
    });
    reader.readAsDataURL(chosen);
  });
});
