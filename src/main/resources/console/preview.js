// The preview form: the exact Wootric requests the events in the text area would cause, none of them sent.
import { api, query, Unauthorized } from './api.js'
import { $, badge, callsTable, el, fill } from './dom.js'

const form = $('#preview-form')
form.addEventListener('submit', async (event) => {
  event.preventDefault()
  fill($('#preview-error'))
  try {
    const answer = await api('POST', `preview${query({ lookups: form.elements.lookups.value })}`, form.elements.body.value)
    fill($('#preview-results'), answer.events.map(result))
  } catch (error) {
    if (!(error instanceof Unauthorized)) {
      fill($('#preview-error'), error.message)
      fill($('#preview-results'))
    }
  }
})

export const preview = { show: () => form.elements.body.focus(), hide() {} }

function result(item) {
  return el('article', { class: 'card record' },
    el('header', {}, `#${item.index} `, badge(item.outcome), ' ', el('strong', {}, item.type ?? ''), ' ',
      item.reason ? el('span', { class: 'reason' }, item.reason) : null),
    item.userKey || item.messageId ? el('dl', { class: 'inline' },
      el('dt', {}, 'user'), el('dd', {}, item.userKey ?? ''), el('dt', {}, 'messageId'), el('dd', {}, item.messageId ?? '')) : null,
    item.error ? el('p', { class: 'error' }, item.error) : null,
    callsTable(item.requests))
}
