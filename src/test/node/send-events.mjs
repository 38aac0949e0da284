// Sends identify, track and page for one user to the hub with Segment's official Node library.
// HUB_URL, WRITE_KEY and USER_ID come from the environment (NodeClientIT sets them).
import { Analytics } from '@segment/analytics-node'

const userId = process.env.USER_ID
const analytics = new Analytics({ writeKey: process.env.WRITE_KEY, host: process.env.HUB_URL, flushAt: 3, maxRetries: 2 })
const failures = []
analytics.on('error', (err) => failures.push(err))

analytics.identify({ userId, traits: { email: `${userId}@example.com`, plan: 'node', createdAt: '2015-01-01T00:00:00Z' } })
analytics.track({ userId, event: 'Survey Responded', properties: { score: 9, text: 'from node' } })
analytics.page({ userId, name: 'Pricing', properties: { path: '/pricing', url: 'https://example.com/pricing' } })

await analytics.closeAndFlush({ timeout: 20000 })
if (failures.length > 0) {
  console.error('delivery to the hub failed:', failures.map((e) => e.reason?.message ?? String(e.code ?? e)))
  process.exit(1)
}
console.log('sent identify, track and page for', userId)
