// Checks while writing (docs/checks-while-writing.md): fields marked data-writing-check are
// measured in their language on opening and after typing; never blocks a save.
;(() => {
  const summaries = document.querySelectorAll(".writing-checks-summary")
  const form = summaries.length && summaries[0].closest("form")
  if (!form || !form.elements.csrfmiddlewaretoken) return
  const DELAY_MS = 800
  const timers = new WeakMap()
  const asked = new WeakMap()
  const results = new Map()

  // modeltranslation names each language's widget "mt-field-<field>-<language>".
  const languageOf = (field) => (field.className.match(/\bmt-field-\S+-([a-z]{2})\b/) || [])[1]

  function labelOf(field) {
    const label = field.id && form.querySelector(`label[for="${field.id}"]`)
    return label ? label.textContent.replace(/:\s*$/, "").trim() : field.name
  }

  function boxFor(field) {
    const id = `${field.id || field.name}-writing-checks`
    let box = document.getElementById(id)
    if (!box) {
      box = document.createElement("div")
      box.id = id
      box.className = "help writing-checks"
      box.setAttribute("aria-live", "polite")
      ;(field.closest(".flex-container") || field.closest(".prose-editor") || field).after(box)
      const described = field.getAttribute("aria-describedby")
      field.setAttribute("aria-describedby", described ? `${described} ${id}` : id)
    }
    return box
  }

  function fileNameOf() {
    const upload = form.querySelector('input[type="file"]')
    if (upload && upload.files && upload.files.length) return upload.files[0].name
    const current = form.querySelector(".file-upload a")
    return current ? current.textContent.trim() : ""
  }

  function showUnder(field) {
    const result = results.get(field)
    const box = boxFor(field)
    box.replaceChildren()
    if (result.summary) {
      const measures = document.createElement("p")
      measures.textContent = result.summary
      box.append(measures)
    }
    if (result.findings.length) {
      const list = document.createElement("ul")
      for (const finding of result.findings) {
        const item = document.createElement("li")
        item.dataset.code = finding.code
        item.textContent = finding.message
        if (finding.excerpt.length > 40) {
          const excerpt = document.createElement("q")
          excerpt.textContent = `${finding.excerpt.slice(0, 120)}…`
          item.append(" ", excerpt)
        }
        list.append(item)
      }
      box.append(list)
    }
  }

  function goTo(field) {
    const closed = field.closest("details:not([open])")
    if (closed) closed.open = true
    showUnder(field)
    const editor = field.closest(".prose-editor")
    const target = (editor && editor.querySelector("[contenteditable]")) || field
    target.focus()
    target.scrollIntoView({ block: "center" })
  }

  function showSummaries() {
    const fields = [...results].filter(([, result]) => result.findings.length)
    const count = fields.reduce((total, [, result]) => total + result.findings.length, 0)
    for (const summary of summaries) {
      summary.hidden = count === 0
      const template = count === 1 ? summary.dataset.one : summary.dataset.many
      summary.querySelector("summary").textContent = template.replace("{count}", count)
      const list = summary.querySelector("ul")
      list.replaceChildren()
      for (const [field, result] of fields) {
        for (const finding of result.findings) {
          const item = document.createElement("li")
          const link = document.createElement("a")
          link.href = `#${field.id}`
          link.textContent = `${labelOf(field)}: ${finding.message}`
          link.addEventListener("click", (event) => {
            event.preventDefault()
            summary.open = false
            goTo(field)
          })
          item.append(link)
          list.append(item)
        }
      }
    }
  }

  async function check(field, shown) {
    const language = languageOf(field)
    if (!language) return
    const sent = (asked.get(field) || 0) + 1
    asked.set(field, sent)
    try {
      const response = await fetch(summaries[0].dataset.url, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          "X-CSRFToken": form.elements.csrfmiddlewaretoken.value,
        },
        body: JSON.stringify({
          kind: field.dataset.writingCheck,
          language,
          text: field.value,
          file_name: field.dataset.writingCheck === "alt" ? fileNameOf() : "",
          first_heading_level: Number(field.dataset.firstHeadingLevel || 2),
        }),
      })
      const result = response.ok && (await response.json())
      // An older text's answer, come after a newer one's, is not shown.
      if (!result || asked.get(field) !== sent) return
      results.set(field, result)
    } catch {
      return // offline: checked again with the next change
    }
    if (shown) showUnder(field)
    showSummaries()
  }

  form.addEventListener("input", (event) => {
    const field = event.target
    if (!field.dataset || !field.dataset.writingCheck) return
    clearTimeout(timers.get(field))
    timers.set(field, setTimeout(() => check(field, true), DELAY_MS))
  })
  for (const field of form.querySelectorAll("[data-writing-check]")) {
    if (field.value.trim()) check(field, false)
  }
})()
