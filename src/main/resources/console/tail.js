// The live tail: the newest outcome records, read again every few seconds while the panel is shown. Each read browses
// the whole outcome log on the broker, hence the slower pace than the overview's.
import { api, poller } from './api.js'
import { $, badge, el, fill, time } from './dom.js'

const INTERVAL_MILLIS = 3000
const ROWS = 30

let seen = null

const polling = poller(async () => {
  const page = await api('GET', `events?limit=${ROWS}`)
  const key = (record) => `${record.messageId}@${record.finishedAt}`
  const rows = page.items.map((record) => row(record, seen !== null && !seen.has(key(record))))
  seen = new Set(page.items.map(key))
  fill($('#tail-rows'), rows.length ? rows : el('tr', {}, el('td', { colspan: 7, class: 'quiet' }, 'No outcome yet.')))
}, INTERVAL_MILLIS, (error) => fill($('#tail-error'), error ? `(${error.message}; retrying)` : ''))

export const tail = { show: () => polling.start(), hide: () => polling.stop() }

/** A record; one that came since the last read is marked. */
function row(record, fresh) {
  return el('tr', { class: fresh ? 'fresh' : null },
    el('td', {}, time(record.finishedAt)), el('td', {}, badge(record.outcome)), el('td', {}, record.reason ?? ''),
    el('td', {}, record.type ?? ''), el('td', {}, record.userKey ?? ''),
    el('td', {}, el('a', { href: `#search?messageId=${encodeURIComponent(record.messageId ?? '')}` }, record.messageId ?? '')),
    el('td', {}, (record.calls ?? []).length))
}
