// "Comment on the selection" under a draft's rich texts (cities/drafts_admin.py): opens the
// comment form in a new tab (this form keeps what is typed) with the field and the words last
// selected in its editor filled in. Without a script the button stays hidden.
;(() => {
  const selected = new Map() // field name → words selected in its editor
  document.addEventListener("selectionchange", () => {
    const selection = document.getSelection()
    const editor = selection.anchorNode?.parentElement?.closest(".prose-editor")
    const field = editor?.querySelector("textarea")?.name
    // A click elsewhere since leaves nothing selected in the editors.
    if (field) selected.set(field, selection.toString())
    else selected.clear()
  })
  for (const button of document.querySelectorAll("button[data-comment-on]")) {
    button.hidden = false
    // Pressed with the mouse, the button leaves the focus and the selection in the editor.
    button.addEventListener("mousedown", (event) => event.preventDefault())
    button.addEventListener("click", () => {
      const address = new URL(button.dataset.url, location.href)
      const quote = (selected.get(button.dataset.commentOn) || "").trim()
      // No #new-comment: a page opened at a fragment ignores autofocus, which brings the
      // comment box into view.
      if (quote) address.searchParams.set("quote", quote)
      window.open(address, "_blank", "noopener")
    })
  }
})()
