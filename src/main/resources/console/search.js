// Search the outcome log by messageId and/or user: each record with its outcome and the Wootric requests it made.
import { api, query, Unauthorized } from './api.js'
import { $, badge, callsTable, el, fill, pager, time } from './dom.js'

const LIMIT = 20

const form = $('#search-form')
form.addEventListener('submit', (event) => {
  event.preventDefault()
  run(0)
})

export const search = {
  /** From a link (#search?messageId=...): fills the form and searches. */
  show(params) {
    if (params.has('messageId') || params.has('userId')) {
      form.elements.messageId.value = params.get('messageId') ?? ''
      form.elements.userId.value = params.get('userId') ?? ''
      run(0)
    }
    form.elements.messageId.focus()
  },
  hide() {},
}

async function run(offset) {
  const criteria = { messageId: form.elements.messageId.value, userId: form.elements.userId.value }
  fill($('#search-error'))
  try {
    const page = await api('GET', `events${query({ ...criteria, offset, limit: LIMIT })}`)
    const what = [criteria.messageId.trim() && `messageId ${criteria.messageId.trim()}`,
      criteria.userId.trim() && `user ${criteria.userId.trim()}`].filter(Boolean).join(' and ')
    fill($('#search-summary'), `${page.total} outcome${page.total === 1 ? '' : 's'} ${what ? `for ${what}` : 'in all'}, newest first`)
    fill($('#search-results'), page.items.map(record))
    pager($('#search-pager'), page, run)
  } catch (error) {
    if (!(error instanceof Unauthorized)) {
      fill($('#search-error'), error.message)
    }
  }
}

function record(item) {
  return el('article', { class: 'card record' },
    el('header', {}, badge(item.outcome), ' ', el('strong', {}, item.type ?? ''), ' ', item.reason ? el('span', { class: 'reason' }, item.reason) : null),
    el('dl', { class: 'inline' },
      el('dt', {}, 'messageId'), el('dd', { class: 'message-id' }, item.messageId ?? ''),
      el('dt', {}, 'user'), el('dd', { class: 'user' }, item.userKey ?? ''),
      el('dt', {}, 'received'), el('dd', {}, time(item.receivedAt)),
      el('dt', {}, 'finished'), el('dd', {}, time(item.finishedAt)),
      el('dt', {}, 'attempts'), el('dd', {}, item.attempts ?? '')),
    callsTable(item.calls))
}
