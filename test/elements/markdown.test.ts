import { expect } from '@open-wc/testing';
import { parseMarkdown, parseInline, safeUrl } from '@hearth/elements';

describe('markdown subset: parsing', () => {
  it('parses emphasis, strong, strike, code and spoilers', () => {
    expect(parseInline('*a* **b** ~~c~~ `d*e*` ||f||')).to.deep.equal([
      { t: 'em', c: ['a'] }, ' ', { t: 'strong', c: ['b'] }, ' ', { t: 'strike', c: ['c'] }, ' ', { t: 'code', v: 'd*e*' }, ' ', { t: 'spoiler', c: ['f'] },
    ]);
  });

  it('leaves snake_case, lone stars and unclosed marks as text', () => {
    expect(parseInline('snake_case_name')).to.deep.equal(['snake_case_name']);
    expect(parseInline('2 * 3 * 4')).to.deep.equal(['2 * 3 * 4']);
    expect(parseInline('**open')).to.deep.equal(['**open']);
  });

  it('parses quotes, lists, code blocks and paragraphs', () => {
    const blocks = parseMarkdown('> quoted\n\n- one\n- two\n\n1. first\n2. second\n\n```\n<b>x</b>\n```\nend');
    expect(blocks.map((b) => b.t)).to.deep.equal(['quote', 'ul', 'ol', 'pre', 'p']);
    expect(blocks[3]).to.deep.equal({ t: 'pre', v: '<b>x</b>' });
  });

  it('makes links of http(s) and mailto only', () => {
    expect(parseInline('see https://example.org/a.')).to.deep.equal(['see ', { t: 'link', href: 'https://example.org/a', c: ['https://example.org/a'] }, '.']);
    expect(parseInline('[home](https://example.org)')).to.deep.equal([{ t: 'link', href: 'https://example.org/', c: ['home'] }]);
    expect(parseInline('[x](javascript:alert(1))')[0]).to.be.a('string');
    expect(parseInline('[x](data:text/html,hi)')).to.deep.equal(['[x](data:text/html,hi)']);
    expect(safeUrl('JAVASCRIPT:alert(1)')).to.equal(null);
    expect(safeUrl('mailto:a@example.org')).to.equal('mailto:a@example.org');
    expect(safeUrl('//evil.example')).to.equal(null);
  });

  it('stops nesting at a fixed depth', () => {
    const deepQuote = '>>>>>>>>>> deep';
    expect(() => parseMarkdown(deepQuote)).not.to.throw();
    expect(() => parseInline('*'.repeat(2000))).not.to.throw();
  });
});
