// Building the page. Everything the hub answers (event data above all) is untrusted: it goes into the page as text
// nodes and attribute values only, never as markup (no innerHTML anywhere in the console).

/** An element with attributes (on* ones are listeners) and children (nodes, or strings as text). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) {
    if (typeof value === 'function') {
      node.addEventListener(name.replace(/^on/, ''), value)
    } else if (value !== undefined && value !== null && value !== false) {
      node.setAttribute(name, value === true ? '' : String(value))
    }
  }
  node.append(...flat(children))
  return node
}

/** Replaces the element's children (strings become text). */
export function fill(node, ...children) {
  node.replaceChildren(...flat(children))
  return node
}

function flat(children) {
  return children.flat(Infinity).filter((child) => child !== undefined && child !== null && child !== false)
    .map((child) => (child instanceof Node ? child : String(child)))
}

export const $ = (selector, root = document) => root.querySelector(selector)

export function number(value) {
  return value === null || value === undefined ? '–' : Number(value).toLocaleString('en-US', { maximumFractionDigits: 1 })
}

export function time(iso) {
  if (!iso) {
    return '–'
  }
  const at = new Date(iso)
  return Number.isNaN(at.getTime()) ? String(iso) : at.toLocaleTimeString('en-GB')
}

/** A date and time, for what may be days old (dead letters). */
export function dateTime(iso) {
  if (!iso) {
    return '–'
  }
  const at = new Date(iso)
  return Number.isNaN(at.getTime()) ? String(iso) : `${at.toLocaleDateString('en-CA')} ${at.toLocaleTimeString('en-GB')}`
}

export function age(seconds) {
  if (seconds === null || seconds === undefined) {
    return '–'
  }
  if (seconds < 120) {
    return `${Math.round(seconds)} s`
  }
  return seconds < 7200 ? `${Math.round(seconds / 60)} min` : `${(seconds / 3600).toFixed(1)} h`
}

/** An outcome (delivered, dead_lettered...) as a coloured badge. */
export function badge(outcome) {
  return el('span', { class: `badge ${/^[a-z_]+$/.test(outcome ?? '') ? outcome : 'other'}` }, outcome ?? '–')
}

/** The Wootric requests of an outcome record or a preview: method, URL, status, sent or not, and the form sent. */
export function callsTable(calls) {
  if (!calls || calls.length === 0) {
    return el('p', { class: 'quiet' }, 'No Wootric request.')
  }
  return el('table', { class: 'calls' },
    el('thead', {}, el('tr', {}, el('th', {}, 'Method'), el('th', {}, 'URL'), el('th', {}, 'Status'), el('th', {}, 'Sent'),
      el('th', {}, 'ms'), el('th', {}, 'Form'))),
    el('tbody', {}, calls.map((call) => el('tr', {},
      el('td', {}, call.method), el('td', { class: 'url' }, call.url), el('td', {}, call.status === 0 ? 'no answer' : call.status),
      el('td', {}, call.sent ? 'sent' : 'not sent'), el('td', {}, call.ms ?? ''),
      el('td', {}, formFields(call.form))))))
}

function formFields(form) {
  const entries = Object.entries(form ?? {})
  if (entries.length === 0) {
    return ''
  }
  return el('details', {}, el('summary', {}, `${entries.length} field${entries.length === 1 ? '' : 's'}`),
    el('dl', { class: 'form' }, entries.map(([name, value]) => [el('dt', {}, name), el('dd', {}, value)])))
}

/** Older / newer buttons for a page of {total, offset, limit}; go(offset) loads another page. */
export function pager(node, page, go) {
  const { total, offset, limit } = page
  const last = Math.min(offset + limit, total)
  fill(node,
    el('button', { type: 'button', disabled: offset === 0, onclick: () => go(Math.max(0, offset - limit)) }, '‹ Previous'),
    el('span', {}, total === 0 ? 'none' : `${offset + 1}–${last} of ${total}`),
    el('button', { type: 'button', disabled: last >= total, onclick: () => go(offset + limit) }, 'Next ›'))
}

/** Asks in the page's dialog; resolves true when the operator confirms. */
export function confirmed(text) {
  const dialog = $('#confirm')
  fill($('#confirm-text'), text)
  dialog.returnValue = ''
  dialog.showModal()
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'confirm'), { once: true })
  })
}
