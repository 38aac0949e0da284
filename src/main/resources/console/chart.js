// Sparklines drawn as SVG polylines: a few lines of code instead of a chart library.
const SVG = 'http://www.w3.org/2000/svg'
const WIDTH = 300
const HEIGHT = 60

/**
 * Draws series ({values, class}: numbers or null, oldest first) into the svg element, one polyline each with the given
 * CSS class, across the whole width, on a shared scale from 0 to the largest value (at least 1), which it returns for
 * the chart's caption.
 */
export function sparkline(svg, series) {
  const values = series.flatMap((line) => line.values).filter((value) => value !== null)
  const top = Math.max(1, ...values)
  const slots = Math.max(2, ...series.map((line) => line.values.length))
  const x = (index) => ((slots - 1 - index) / (slots - 1)) * WIDTH
  const y = (value) => HEIGHT - 2 - (value / top) * (HEIGHT - 4)
  const lines = series.map((line) => {
    const points = []
    // newest at the right edge
    line.values.slice().reverse().forEach((value, index) => {
      if (value !== null) {
        points.push(`${x(index).toFixed(1)},${y(value).toFixed(1)}`)
      }
    })
    const polyline = document.createElementNS(SVG, 'polyline')
    polyline.setAttribute('class', line.class)
    polyline.setAttribute('points', points.join(' '))
    return polyline
  })
  svg.replaceChildren(...lines)
  return top
}
