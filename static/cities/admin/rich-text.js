// The site's additions to the rich-text editor (cities/rich_text.py), loaded by
// django-prose-editor for the extensions "SiteLink" and "ToolbarLabels":
// - SiteLink: the link dialog offers the site's cities and programs by name (their paths in
//   the language of the text), or takes an https:// or mailto: address;
// - ToolbarLabels: the toolbar's buttons named in the admin's language, announced as a
//   toolbar with pressed/disabled states, one stop for the Tab key with the arrow keys
//   inside, and the writing area named by its field's label.
// The server keeps only what cities.rich_text.sanitize allows, whatever this sends.
import { crel, Extension, Link } from "django-prose-editor/editor"

const ALLOWED_HREF = /^(?:(?:https:\/\/|mailto:)\S|\/(?![/\\]))/i
const pageLists = new Map()
let dialogCount = 0

function sitePages(url, language) {
  const address = `${url}?language=${encodeURIComponent(language || "")}`
  if (!pageLists.has(address)) {
    const none = { cities: [], programs: [] }
    pageLists.set(
      address,
      fetch(address, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then((response) => (response.ok ? response.json() : none))
        .catch(() => none),
    )
  }
  return pageLists.get(address)
}

function pageOptions(label, pages) {
  return crel(
    "optgroup",
    { label },
    pages.map((page) => crel("option", { value: page.url, textContent: page.name })),
  )
}

// Resolves to {href}, {remove: true} or null (cancelled).
function linkDialog(editor, options, href) {
  const labels = options.labels
  const id = `site-link-${++dialogCount}`
  const select = crel("select", { id: `${id}-page`, disabled: true }, [
    crel("option", { value: "", textContent: labels.loading }),
  ])
  const input = crel("input", {
    id: `${id}-address`,
    type: "text",
    value: href || "",
    size: 50,
    autocomplete: "off",
    "aria-describedby": `${id}-help`,
  })
  const save = crel("button", { type: "submit", textContent: labels.save })
  const cancel = crel("button", { type: "button", textContent: labels.cancel })
  const remove = crel("button", { type: "button", textContent: labels.remove })
  const form = crel("form", {}, [
    crel("h3", { id: `${id}-title`, className: "prose-editor-dialog-title", textContent: labels.title }),
    crel("div", { className: "prose-editor-dialog-field" }, [
      crel("label", { htmlFor: select.id, textContent: labels.page }),
      select,
    ]),
    crel("div", { className: "prose-editor-dialog-field" }, [
      crel("label", { htmlFor: input.id, textContent: labels.address }),
      input,
      crel("p", { id: `${id}-help`, className: "site-link-help", textContent: labels.addressHelp }),
    ]),
    crel(
      "div",
      { className: "prose-editor-dialog-buttons" },
      href ? [save, remove, cancel] : [save, cancel],
    ),
  ])
  const dialog = crel("dialog", { className: "prose-editor-dialog", "aria-labelledby": `${id}-title` }, [
    form,
  ])

  sitePages(options.pagesUrl, options.language).then((pages) => {
    select.replaceChildren(
      crel("option", { value: "", textContent: labels.noPage }),
      pageOptions(labels.cities, pages.cities),
      pageOptions(labels.programs, pages.programs),
    )
    select.value = [...select.options].some((option) => option.value === href) ? href : ""
    select.disabled = false
  })
  select.addEventListener("change", () => {
    if (select.value) input.value = select.value
    input.setCustomValidity("")
  })
  input.addEventListener("input", () => {
    input.setCustomValidity("")
    if (input.value.trim() !== select.value) select.value = ""
  })

  return new Promise((resolve) => {
    let result = null
    const finish = (value) => {
      result = value
      dialog.close()
    }
    form.addEventListener("submit", (event) => {
      event.preventDefault()
      const address = input.value.trim()
      if (!address) {
        finish(href ? { remove: true } : null)
      } else if (!ALLOWED_HREF.test(address)) {
        input.setCustomValidity(labels.invalid)
        input.reportValidity()
      } else {
        finish({ href: address })
      }
    })
    remove.addEventListener("click", () => finish({ remove: true }))
    cancel.addEventListener("click", () => finish(null))
    dialog.addEventListener("close", () => {
      dialog.remove()
      resolve(result)
    })
    editor.view.dom.parentElement.append(dialog)
    dialog.showModal()
  })
}

export const SiteLink = Link.extend({
  // Typing right after a link ("… del Municipio.") does not extend the link over it.
  inclusive() {
    return false
  },

  addOptions() {
    return {
      ...this.parent?.(),
      enableTarget: false,
      pagesUrl: "",
      language: null,
      labels: {},
    }
  },

  addCommands() {
    return {
      ...this.parent?.(),
      addLink:
        () =>
        ({ editor }) => {
          if (editor.state.selection.empty && !editor.isActive(this.name)) return false
          const href = editor.getAttributes(this.name).href
          linkDialog(editor, this.options, href).then((result) => {
            const chain = editor.chain().focus().extendMarkRange(this.name)
            if (result?.remove) chain.unsetLink().run()
            else if (result) chain.setLink({ href: result.href }).run()
            else editor.commands.focus()
          })
          return true
        },
    }
  },
})

// Buttons that switch a format on and off: screen readers announce whether it is on.
const TOGGLES = new Set([
  "paragraph",
  "heading 2",
  "heading 3",
  "unordered list",
  "ordered list",
  "blockquote",
  "bold",
  "italic",
  "insert link",
])

// The toolbar is one stop for the Tab key; the arrow keys, Home and End move between its
// buttons (WAI-ARIA's toolbar pattern), and the button last used keeps the stop.
function rovingFocus(menubar) {
  const buttons = () => [...menubar.querySelectorAll("button")].filter((button) => button.offsetParent)
  const keepStop = (current) => {
    for (const button of menubar.querySelectorAll("button")) button.tabIndex = button === current ? 0 : -1
  }
  keepStop(buttons()[0])
  menubar.addEventListener("focusin", (event) => {
    if (event.target.matches("button")) keepStop(event.target)
  })
  menubar.addEventListener("keydown", (event) => {
    const list = buttons()
    const index = list.indexOf(document.activeElement)
    const moves = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: list.length - 1 }
    if (index < 0 || !(event.key in moves)) return
    event.preventDefault()
    list[(moves[event.key] + list.length) % list.length].focus()
  })
}

export const ToolbarLabels = Extension.create({
  name: "toolbarLabels",

  addOptions() {
    return { labels: {}, toolbar: "" }
  },

  onBeforeCreate() {
    // Tiptap's base styles would come as an inline <style>, which the CSP refuses; they are
    // in static/cities/admin/rich-text.css instead.
    this.editor.options.injectCSS = false
  },

  onCreate() {
    const { editor } = this
    const wrapper = editor.view.dom.closest(".prose-editor")
    const textarea = wrapper?.querySelector("textarea")
    const label = textarea?.id && document.querySelector(`label[for="${textarea.id}"]`)
    if (label) {
      label.id ||= `${textarea.id}-label`
      editor.view.dom.setAttribute("aria-labelledby", label.id)
    }
    const language = editor.extensionManager.extensions.find((extension) => extension.name === "link")
      ?.options.language
    if (language) editor.view.dom.setAttribute("lang", language)

    const menubar = wrapper?.querySelector(".prose-menubar")
    if (!menubar) return
    menubar.setAttribute("role", "toolbar")
    const field = label?.textContent.replace(/:\s*$/, "")
    menubar.setAttribute("aria-label", field ? `${this.options.toolbar}: ${field}` : this.options.toolbar)
    const states = []
    for (const button of menubar.querySelectorAll("button")) {
      const original = button.title
      const name = this.options.labels[original]
      if (name) {
        button.title = name
        button.setAttribute("aria-label", name)
      }
      if (TOGGLES.has(original)) states.push([button, "active", "aria-pressed"])
      states.push([button, "disabled", "aria-disabled"])
    }
    // The editor marks states with classes; mirrored into ARIA whenever they change.
    const sync = () => {
      for (const [button, className, attribute] of states) {
        button.setAttribute(attribute, String(button.classList.contains(className)))
      }
    }
    sync()
    rovingFocus(menubar)
    new MutationObserver(sync).observe(menubar, { attributes: true, attributeFilter: ["class"], subtree: true })
  },
})
