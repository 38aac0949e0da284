// Serves the test page (browser/index.html and the bundle that npm run bundle wrote, BUNDLE) from its own origin and
// has headless Chromium (Debian's, CHROMIUM, driven by playwright-core, which gives it a fresh profile) load it: analytics-next on the page sends
// identify, track and page to the hub at HUB (host:port, another origin), so the browser asks the hub for CORS.
// Exits non-zero when a call to the hub fails, or the page asks anything of a host other than this machine.
// HUB, WRITE_KEY, USER_ID, BUNDLE and CHROMIUM come from the environment (BrowserClientIT sets them).
import { readFile } from 'node:fs/promises'
import http from 'node:http'
import path from 'node:path'
import { chromium } from 'playwright-core'

const here = path.dirname(new URL(import.meta.url).pathname)
const files = {
  '/index.html': { type: 'text/html', file: path.join(here, 'browser', 'index.html') },
  '/page.js': { type: 'text/javascript', file: process.env.BUNDLE },
}
const server = http.createServer(async (req, res) => {
  const served = files[new URL(req.url, 'http://page').pathname]
  if (!served) {
    res.writeHead(404).end()
    return
  }
  res.writeHead(200, { 'Content-Type': served.type }).end(await readFile(served.file))
})
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
// the page on localhost, the hub on 127.0.0.1 and another port: two origins
const pageUrl = `http://localhost:${server.address().port}/index.html?` +
  new URLSearchParams({ hub: process.env.HUB, writeKey: process.env.WRITE_KEY, userId: process.env.USER_ID })

const failures = []
const hubCalls = []
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
  timeout: 30000,
})
try {
  const page = await browser.newPage()
  page.on('console', (message) => console.log(`page ${message.type()}: ${message.text()}`))
  page.on('pageerror', (error) => failures.push(`page error: ${error.message}`))
  await page.route('**/*', (route) => {
    const url = new URL(route.request().url())
    if (url.hostname === 'localhost' || url.hostname === '127.0.0.1') {
      return route.continue()
    }
    failures.push(`the page asked ${url.href}: nothing may leave this machine`)
    return route.abort()
  })
  page.on('requestfailed', (request) => failures.push(`${request.method()} ${request.url()} failed: ${request.failure()?.errorText}`))
  page.on('response', (response) => {
    if (response.url().includes(`//${process.env.HUB}/`)) {
      hubCalls.push(`${response.request().method()} ${new URL(response.url()).pathname} ${response.status()}`)
      if (response.status() >= 300) {
        failures.push(`${response.request().method()} ${response.url()} answered ${response.status()}`)
      }
    }
  })
  await page.goto(pageUrl)
  const sent = await page.evaluate(() => window.hubTest.done)
  // the calls resolve once dispatched; wait until the hub has answered the three of them
  const deadline = Date.now() + 20000
  while (hubCalls.filter((c) => c.startsWith('POST')).length < 3 && failures.length === 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  console.log(sent, hubCalls)
  if (hubCalls.filter((c) => c.startsWith('POST') && c.endsWith(' 200')).length < 3) {
    failures.push(`the hub did not answer three POSTs with 200: ${JSON.stringify(hubCalls)}`)
  }
} finally {
  await browser.close()
  server.close()
}
if (failures.length > 0) {
  console.error('the browser could not send to the hub:', failures)
  process.exit(1)
}
console.log('sent identify, track and page from the browser for', process.env.USER_ID)
