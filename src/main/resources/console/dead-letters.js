// Dead letters: browse (by reason, paged), show one with its original event, replay or purge one or all those listed.
// A purge, and anything acting on more than one, asks for a confirmation first.
import { api, query, Unauthorized } from './api.js'
import { $, badge, confirmed, dateTime, el, fill, pager } from './dom.js'

const LIMIT = 50

const form = $('#dlq-form')
let offset = 0

form.addEventListener('submit', (event) => {
  event.preventDefault()
  list(0)
})
$('#dlq-replay-all').addEventListener('click', () => acting(async () => {
  const reason = reasonFilter()
  if (await confirmed(`Replay ${reason ? `every dead letter with reason ${reason}` : 'every dead letter'}?`)) {
    const done = await api('POST', `dlq/replay${query({ reason })}`)
    return `Replayed ${done.replayed}.`
  }
}))
$('#dlq-purge-all').addEventListener('click', () => acting(async () => {
  const reason = reasonFilter()
  if (await confirmed(`Purge ${reason ? `every dead letter with reason ${reason}` : 'every dead letter'}? They cannot be replayed afterwards.`)) {
    const done = await api('DELETE', `dlq${query({ reason })}`)
    return `Purged ${done.purged}.`
  }
}))

export const deadLetters = { show: () => list(offset), hide() {} }

function reasonFilter() {
  return form.elements.reason.value.trim()
}

/** Runs an action, then shows its message and lists again (what it acted on is gone). */
async function acting(action) {
  fill($('#dlq-error'))
  try {
    const message = await action()
    if (message) {
      fill($('#dlq-message'), message)
      $('#dlq-detail').hidden = true
      await list(offset)
    }
  } catch (error) {
    if (!(error instanceof Unauthorized)) {
      fill($('#dlq-error'), error.message)
    }
  }
}

async function list(from) {
  fill($('#dlq-error'))
  try {
    const page = await api('GET', `dlq${query({ reason: reasonFilter(), offset: from, limit: LIMIT })}`)
    if (page.items.length === 0 && from > 0) {
      // the last page emptied (replayed or purged): the one before it
      return list(Math.max(0, from - LIMIT))
    }
    offset = from
    fill($('#dlq-rows'), page.items.length ? page.items.map(row)
      : el('tr', {}, el('td', { colspan: 8, class: 'quiet' }, 'No dead letter.')))
    pager($('#dlq-pager'), page, list)
  } catch (error) {
    if (!(error instanceof Unauthorized)) {
      fill($('#dlq-error'), error.message)
    }
  }
}

function row(item) {
  return el('tr', { 'data-message-id': item.messageId ?? '' },
    el('td', {}, dateTime(item.deadLetteredAt)), el('td', {}, item.reason), el('td', {}, item.status ?? ''),
    el('td', {}, item.type ?? ''), el('td', {}, item.userKey ?? ''), el('td', {}, item.messageId ?? ''),
    el('td', {}, item.attempts ?? ''),
    el('td', {}, el('button', { type: 'button', onclick: () => acting(() => show(item.id)) }, 'Show')))
}

async function show(id) {
  const letter = await api('GET', `dlq/${encodeURIComponent(id)}`)
  const original = letter.event ? JSON.stringify(letter.event, null, 2) : letter.body ?? ''
  const detail = fill($('#dlq-detail'),
    el('header', {}, badge('dead_lettered'), ' ', el('strong', {}, letter.reason), ' ', letter.messageId ?? ''),
    el('dl', { class: 'inline' }, [
      ['type', letter.type], ['user', letter.userKey], ['HTTP status', letter.status], ['operation', letter.operation],
      ['attempts', letter.attempts], ['first failure', dateTime(letter.firstFailureAt)], ['last failure', dateTime(letter.lastFailureAt)],
      ['dead-lettered', dateTime(letter.deadLetteredAt)], ['id', letter.id],
    ].filter(([, value]) => value !== undefined && value !== null).map(([name, value]) => [el('dt', {}, name), el('dd', {}, value)])),
    letter.error ? [el('h3', {}, 'Error'), el('pre', { class: 'error-text' }, letter.error)] : null,
    letter.responseBody ? [el('h3', {}, 'Wootric answered'), el('pre', {}, letter.responseBody)] : null,
    el('h3', {}, 'Original event'), el('pre', { class: 'event' }, original),
    el('div', { class: 'toolbar' },
      el('button', { type: 'button', onclick: () => acting(() => replay(letter)) }, 'Replay'),
      el('button', { type: 'button', class: 'danger', onclick: () => acting(() => purge(letter)) }, 'Purge')))
  detail.hidden = false
  detail.scrollIntoView({ block: 'nearest' })
}

async function replay(letter) {
  await api('POST', `dlq/${encodeURIComponent(letter.id)}/replay`)
  return `Replayed ${letter.messageId ?? letter.id}: back on the events queue.`
}

async function purge(letter) {
  if (await confirmed(`Purge the dead letter ${letter.messageId ?? letter.id}? It cannot be replayed afterwards.`)) {
    await api('DELETE', `dlq/${encodeURIComponent(letter.id)}`)
    return `Purged ${letter.messageId ?? letter.id}.`
  }
}
