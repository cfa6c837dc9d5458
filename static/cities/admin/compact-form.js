"use strict";
// A row added to an inline opens its closed sections: a new program or photo needs them
// all filled in (the file, the credit), unlike the rows already saved.
document.addEventListener("formset:added", (event) => {
  for (const details of event.target.querySelectorAll("details")) {
    details.open = true;
  }
});
