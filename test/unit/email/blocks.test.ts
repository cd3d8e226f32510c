import { describe, expect, it } from 'vitest';
import { blocksToHtml, blocksToText, type Block } from '../../../shared/email/blocks';

function render(blocks: readonly Block[]): { html: string; text: string } {
  return { html: String(blocksToHtml(blocks)), text: blocksToText(blocks) };
}

function styleOf(markup: string, tag: string): string {
  const match = new RegExp(`<${tag}\\b[^>]*style="([^"]*)"`).exec(markup);
  if (!match) throw new Error(`no <${tag}> with a style in ${markup}`);
  return match[1]!;
}

/** The last value of a CSS property in an inline style (later declarations win). */
function cssValue(style: string, property: string): string | undefined {
  const values = [...style.matchAll(new RegExp(`(?:^|;)\\s*${property}\\s*:\\s*([^;]+)`, 'g'))].map((m) =>
    m[1]!.trim(),
  );
  return values.at(-1);
}

describe('facts tables', () => {
  it('give every label cell the same fixed width, whatever the labels and values', () => {
    const { html } = render([
      { type: 'facts', rows: [{ label: 'How much', value: '10 slow turns each way' }] },
      {
        type: 'facts',
        rows: [{ label: 'How often', value: 'Several times a day, especially during long periods of sitting' }],
      },
      { type: 'facts', rows: [{ label: 'Therapist', value: 'Anna' }] },
    ]);
    const widths = [...html.matchAll(/<th scope="row" style="([^"]*)"/g)].map((m) => cssValue(m[1]!, 'width'));
    expect(widths).toHaveLength(3);
    expect(widths[0]).toMatch(/^\d+px$/);
    expect(new Set(widths).size).toBe(1);
  });
});

describe('panels', () => {
  const panel: Block = {
    type: 'panel',
    tone: 'warning',
    blocks: [
      { type: 'heading', level: 2, text: 'When to contact us' },
      {
        type: 'section',
        blocks: [
          { type: 'paragraph', content: 'Call us if:' },
          { type: 'list', items: ['a', 'b'] },
        ],
      },
    ],
  };

  it('pad evenly and drop the outer margins of their first and last blocks', () => {
    const { html } = render([panel]);
    expect(cssValue(styleOf(html, 'div'), 'padding')).toBe('16px');
    expect(cssValue(styleOf(html, 'h2'), 'margin-top')).toBe('0');
    expect(cssValue(styleOf(html, 'ul'), 'margin-bottom')).toBe('0');
    const items = [...html.matchAll(/<li style="([^"]*)"/g)].map((m) => m[1]!);
    expect(cssValue(items[0]!, 'margin-bottom')).toBeUndefined();
    expect(cssValue(items[1]!, 'margin-bottom')).toBe('0');
    // The paragraph in the middle keeps its spacing.
    expect(styleOf(html, 'p')).not.toMatch(/margin-(top|bottom):0/);
  });

  it('leave headings and lists outside panels as they are', () => {
    const { html } = render([
      { type: 'heading', level: 2, text: 'Exercises' },
      { type: 'list', items: ['a'] },
    ]);
    expect(styleOf(html, 'h2')).toMatch(/^margin:28px 0 12px;/);
    expect(styleOf(html, 'h2')).not.toContain('margin-top:0');
    expect(styleOf(html, 'li')).toBe('margin:0 0 6px;');
  });
});

describe('quotes', () => {
  it('attribute the quote as "— Name" in both the HTML and the text part', () => {
    const { html, text } = render([{ type: 'quote', text: 'Take it easy.', attribution: 'Anna Schmidt' }]);
    expect(html).toMatch(/<cite[^>]*>— Anna Schmidt<\/cite>/);
    expect(text).toBe('> Take it easy.\n> — Anna Schmidt');
  });

  it('escape a hostile attribution', () => {
    const { html } = render([{ type: 'quote', text: 'Hi', attribution: '<script>x</script>"' }]);
    expect(html).toContain('<cite');
    expect(html).toContain('— &lt;script&gt;x&lt;/script&gt;&quot;</cite>');
    expect(html).not.toContain('<script>');
  });
});

describe('tables', () => {
  const table: Block = {
    type: 'table',
    columns: ['Session', 'Date', '<b>Before</b>'],
    rows: [
      ['1', 'Wed 3 Mar', '<script>x</script>'],
      ['12', 'Mi., 17. Feb.', '7'],
    ],
  };

  it('head their columns and rows for screen readers, every cell escaped', () => {
    const { html } = render([table]);
    expect(html.match(/<th scope="col"/g)).toHaveLength(3);
    expect(html.match(/<th scope="row"[^>]*>(1|12)<\/th>/g)).toHaveLength(2);
    expect(html).toContain('&lt;b&gt;Before&lt;/b&gt;</th>');
    expect(html).toContain('&lt;script&gt;x&lt;/script&gt;</td>');
    expect(html).not.toMatch(/<script|<b>/);
  });

  it('line their columns up in the text part', () => {
    expect(render([table]).text).toBe(
      [
        'Session  Date           <b>Before</b>',
        '1        Wed 3 Mar      <script>x</script>',
        '12       Mi., 17. Feb.  7',
      ].join('\n'),
    );
  });
});

describe('button rows', () => {
  const row: Block = {
    type: 'buttons',
    buttons: [
      { href: 'https://x.example/a?choice=yes&lang=en', text: 'Yes' },
      { href: 'javascript:alert(1)', text: 'Never linked' },
      { href: 'https://x.example/a?choice=no', text: '<No> & "maybe"' },
    ],
  };

  it('fill the first button, outline the others, and drop a link with an unsafe scheme', () => {
    const { html } = render([row]);
    const anchors = [...html.matchAll(/<a href="([^"]*)" style="([^"]*)">([^<]*)<\/a>/g)];
    expect(anchors.map((match) => [match[1], match[3]])).toEqual([
      ['https://x.example/a?choice=yes&amp;lang=en', 'Yes'],
      ['https://x.example/a?choice=no', '&lt;No&gt; &amp; &quot;maybe&quot;'],
    ]);
    expect(cssValue(anchors[0]![2]!, 'background')).toBe('#0b5d57');
    expect(cssValue(anchors[1]![2]!, 'background')).toBe('#ffffff');
    expect(cssValue(anchors[1]![2]!, 'border')).toBe('2px solid #0b5d57');
    expect(html).not.toContain('javascript:');
  });

  it('list each button on its own line in the text part', () => {
    expect(render([row]).text).toBe(
      'Yes: https://x.example/a?choice=yes&lang=en\n<No> & "maybe": https://x.example/a?choice=no',
    );
  });

  it('leave nothing behind when no link is safe', () => {
    expect(render([{ type: 'buttons', buttons: [{ href: 'data:text/html,x', text: 'x' }] }])).toEqual({
      html: '',
      text: '',
    });
  });
});
