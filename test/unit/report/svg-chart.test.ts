import { expectBalancedTags } from '../../helpers/svg-check';
import { integerAxis, lineChartSvg, niceAxis, stackedChartsSvg, type LineChart } from '../../../core/report/svg-chart';

describe('axes', () => {
  it('picks nice ticks covering the extent', () => {
    // extent 50 over about 6 intervals: rough step 8.3, nice step 10
    expect(niceAxis(15, 65)).toEqual({ ticks: [10, 20, 30, 40, 50, 60, 70], domain: [10, 70] });
    // rough step 0.025: nice step 0.05
    expect(niceAxis(0.15, 0.3)).toEqual({ ticks: [0.15, 0.2, 0.25, 0.3], domain: [0.15, 0.3] });
    // a single value is padded by 5%: [4.75, 5.25], step 0.1
    expect(niceAxis(5, 5)).toEqual({ ticks: [4.7, 4.8, 4.9, 5, 5.1, 5.2, 5.3], domain: [4.7, 5.3] });
  });

  it('puts iterations on integer ticks, padded by half a step', () => {
    expect(integerAxis(0, 5)).toEqual({ ticks: [0, 1, 2, 3, 4, 5], domain: [-0.5, 5.5] });
    expect(integerAxis(0, 25).ticks).toEqual([0, 3, 6, 9, 12, 15, 18, 21, 24]);
  });
});

describe('line chart SVG', () => {
  const chart: LineChart = {
    title: 'Accuracy on <arithmetic> & more',
    xLabel: 'iteration',
    yLabel: 'accuracy %',
    series: [
      {
        name: 'Multiagent FT',
        points: [
          { x: 2, y: 60, error: 5 },
          { x: 0, y: 20, error: 5 },
        ],
      },
      { name: 'Base & co', points: [{ x: 0, y: 40, error: null }] },
    ],
  };
  const svg = lineChartSvg(chart);

  it('places points where the axes say', () => {
    // plot area: x from 72 to 760 - 250 = 510 (438 wide), y from 48 to 420 - 60 = 360 (312 high)
    // x domain [-0.5, 2.5]: x = 0 -> 72 + 0.5 / 3 * 438 = 145, x = 2 -> 72 + 2.5 / 3 * 438 = 437
    // y extent [15, 65] -> domain [10, 70]: y = 20 -> 48 + 50 / 60 * 312 = 308, y = 60 -> 100, y = 40 -> 204
    expect(svg).toContain('<circle class="point" cx="145" cy="308"');
    expect(svg).toContain('<circle class="point" cx="437" cy="100"');
    expect(svg).toContain('<circle class="point" cx="145" cy="204"');
    expect(svg).toContain('points="145,308 437,100"');
  });

  it('draws error bars of ± one SE with caps, and none without an SE', () => {
    // x = 0: y 15 -> 334, y 25 -> 282; caps 4 px either side
    expect(svg).toContain('d="M145,334V282M141,334H149M141,282H149"');
    expect(svg.match(/class="error-bar"/g)).toHaveLength(2);
  });

  it('has a line per multi-point series, ticks, labels and a legend', () => {
    expect(svg.match(/<polyline/g)).toHaveLength(1);
    expect([...svg.matchAll(/class="y-tick"[^>]*>([^<]*)</g)].map((m) => m[1])).toEqual(['10', '20', '30', '40', '50', '60', '70']);
    expect([...svg.matchAll(/class="x-tick"[^>]*>([^<]*)</g)].map((m) => m[1])).toEqual(['0', '1', '2']);
    expect([...svg.matchAll(/<g class="legend"(.*?)<\/g>/gs)][0][1]).toMatch(/>Multiagent FT<.*>Base &amp; co</s);
    expect(svg).toContain('>Accuracy on &lt;arithmetic&gt; &amp; more</text>');
    expect(svg).toContain('>accuracy %</text>');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="760" height="420"')).toBe(true);
    expectBalancedTags(svg);
  });

  it('refuses a chart without points', () => {
    expect(() => lineChartSvg({ ...chart, series: [] })).toThrow('chart "Accuracy on <arithmetic> & more" has no points');
  });
});

describe('timeline charts', () => {
  const timeline = (title: string, until: number): LineChart => ({
    title,
    xLabel: 'seconds',
    yLabel: 'fraction',
    xScale: 'continuous',
    xExtent: [0, 230],
    yExtent: [0, 1],
    markers: false,
    series: [{ name: 'engine', points: [0, 1, 2].map((k) => ({ x: (k * until) / 2, y: k / 4, error: null })) }],
  });

  it('puts a continuous x on nice ticks over the given extent, y over [0, 1], without markers', () => {
    const svg = lineChartSvg(timeline('off', 100));
    // x extent [0, 230] over about 10 intervals: step 50 (rough 23 -> 50), ticks 0..250
    expect([...svg.matchAll(/class="x-tick"[^>]*>([^<]*)</g)].map((m) => m[1])).toEqual(['0', '50', '100', '150', '200', '250']);
    expect([...svg.matchAll(/class="y-tick"[^>]*>([^<]*)</g)].map((m) => m[1])).toEqual(['0.0', '0.2', '0.4', '0.6', '0.8', '1.0']);
    // x = 100 of [0, 250] -> 72 + 0.4 * 438 = 247.2; y = 0.5 of [0, 1] -> 48 + 0.5 * 312 = 204
    expect(svg).toContain('points="72,360 159.6,282 247.2,204"');
    expect(svg).not.toContain('<circle');
  });

  it('stacks charts in one document, each shifted down by a chart height', () => {
    const svg = stackedChartsSvg([timeline('off', 230), timeline('on', 150)]);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="760" height="840" viewBox="0 0 760 840"')).toBe(true);
    expect(svg.match(/<g class="chart" transform="translate\(0 (\d+)\)">/g)).toEqual([
      '<g class="chart" transform="translate(0 0)">',
      '<g class="chart" transform="translate(0 420)">',
    ]);
    expect(svg).toContain('>off</text>');
    expect(svg).toContain('>on</text>');
    expectBalancedTags(svg);
  });
});
