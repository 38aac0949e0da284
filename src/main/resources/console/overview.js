// The overview: GET /admin/overview every 2 s; its counters (totals since the hub started) become rates here, and the
// last few minutes of them are drawn as sparklines.
import { api, poller } from './api.js'
import { sparkline } from './chart.js'
import { $, age, fill, number, time } from './dom.js'

const INTERVAL_MILLIS = 2000
/** Three minutes of samples. */
const SLOTS = 90

const samples = []

const polling = poller(async () => {
  const overview = await api('GET', 'overview')
  samples.push(overview)
  if (samples.length > SLOTS + 1) {
    samples.shift()
  }
  render(overview)
}, INTERVAL_MILLIS, (error) => fill($('#overview-error'), error ? `(${error.message}; retrying)` : ''))

export const overview = { show: () => polling.start(), hide: () => polling.stop() }

function render(overview) {
  fill($('#overview-at'), time(overview.at))
  for (const node of document.querySelectorAll('#overview [data-figure]')) {
    const [group, name] = node.dataset.figure.split('.')
    fill(node, figure(overview[group]?.[name], node.dataset.unit))
  }
  const accepted = rates('accepted')
  const delivered = rates('delivered')
  fill($('[data-rate="accepted"]'), number(accepted.at(-1)))
  fill($('[data-rate="delivered"]'), number(delivered.at(-1)))
  caption('throughput', sparkline($('#chart-throughput'),
    [{ values: accepted, class: 'accepted' }, { values: delivered, class: 'delivered' }]))
  caption('backlog', sparkline($('#chart-backlog'),
    [{ values: series('backlog', 'queued'), class: 'queued' }, { values: series('backlog', 'parked'), class: 'parked' }]))
  caption('budget', sparkline($('#chart-budget'), [{ values: series('budget', 'used'), class: 'used' }]))
  const until = overview.budget.pausedUntil
  fill($('#pause-state'), until ? `paused until ${time(until)}` : 'not paused')
  $('#pause-state').classList.toggle('error', Boolean(until))
}

function figure(value, unit) {
  if (unit === 'age') {
    return age(value)
  }
  // -1: the hub sets no limit of its own (Wootric's headers and 429s still pause it)
  return unit === 'budget' && value === -1 ? 'no limit set' : number(value)
}

function caption(chart, top) {
  fill($(`#peak-${chart}`), `max ${number(top)}`)
}

function series(group, name) {
  return samples.slice(-SLOTS).map((sample) => sample[group]?.[name] ?? null)
}

/** Per second between each sample and the one before; none across a restart of the hub (its counters start again). */
function rates(name) {
  const rates = []
  for (let i = Math.max(1, samples.length - SLOTS); i < samples.length; i++) {
    const seconds = (Date.parse(samples[i].at) - Date.parse(samples[i - 1].at)) / 1000
    const delta = samples[i].throughput[name] - samples[i - 1].throughput[name]
    rates.push(seconds > 0 && delta >= 0 ? delta / seconds : null)
  }
  return rates
}
