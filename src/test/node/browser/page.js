// The page of the browser client test: Segment's analytics-next (analytics.js 2.0), as a site on another origin would
// load it, sends identify, track and page to the hub. Everything the CDN would give it is given here instead: the
// settings point the Segment.io destination at the hub (apiHost, protocol) and turn off metrics, so nothing leaves
// this machine. window.hubTest.done resolves when the three calls have been dispatched.
import { AnalyticsBrowser } from '@segment/analytics-next'

const query = new URLSearchParams(window.location.search)
const writeKey = query.get('writeKey')
const userId = query.get('userId')

const analytics = AnalyticsBrowser.load({
  writeKey,
  cdnSettings: {
    integrations: { 'Segment.io': { apiKey: writeKey, apiHost: `${query.get('hub')}/v1`, protocol: 'http' } },
    metrics: { sampleRate: 0 },
  },
})

window.hubTest = {
  done: (async () => {
    await analytics.identify(userId, { email: `${userId}@example.com`, plan: 'browser', createdAt: '2015-01-01T00:00:00Z' })
    await analytics.track('Survey Responded', { score: 9, text: 'from the browser' })
    await analytics.page('Docs', 'Pricing')
    return 'sent'
  })(),
}
