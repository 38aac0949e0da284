// Sends identify, track and page for one user to the hub with RudderStack's Node SDK and its defaults (gzip: true,
// which posts a gzip JSON body labelled application/x-www-form-urlencoded). No Redis: the in-memory queue.
// HUB_URL, WRITE_KEY and USER_ID come from the environment (NodeClientIT sets them).
import Analytics from '@rudderstack/rudder-sdk-node'

const userId = process.env.USER_ID
const failures = []
const analytics = new Analytics(process.env.WRITE_KEY, {
  dataPlaneUrl: process.env.HUB_URL, flushAt: 3, retryCount: 1, logLevel: 'error', errorHandler: (err) => failures.push(err),
})

analytics.identify({ userId, traits: { email: `${userId}@example.com`, plan: 'rudder', createdAt: '2015-01-01T00:00:00Z' } })
analytics.track({ userId, event: 'Survey Responded', properties: { score: 9, text: 'from rudder' } })
analytics.page({ userId, name: 'Pricing', properties: { path: '/pricing', url: 'https://example.com/pricing' } })

await analytics.flush()
if (failures.length > 0) {
  console.error('delivery to the hub failed:', failures.map((e) => (e.response ? `${e.response.status} ${JSON.stringify(e.response.data)}` : String(e))))
  process.exit(1)
}
console.log('sent identify, track and page for', userId)
