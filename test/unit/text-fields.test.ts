import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { documentName, plainText } from '../../domain/text-fields.js';

describe('text fields people type and reviewers read', () => {
  const name = documentName(120);
  const accepts = (value: string) => name.safeParse(value).success;

  it('accepts names as documents print them, in one script', () => {
    for (const ok of ["Zoë O'Brien-Nguyễn", 'ALEX TAN', 'Jean-Luc Picard', 'Ольга Петрова', 'Γιώργος Παπαδόπουλος', 'สมชาย ใจดี', '王小明', 'やまだ タロウ', 'محمد علي', 'דוד כהן', 'देवानंद', '김민준', 'SGP']) {
      assert.ok(accepts(ok), ok);
    }
    assert.equal(name.parse('  Alex   Tan '), 'Alex Tan', 'trimmed, spaces collapsed');
    assert.equal(name.parse('Zoe\u0308'), 'Zoë', 'NFC');
  });

  it('refuses control, bidi, invisible characters, emoji, markup, digits and mixed scripts', () => {
    for (const bad of ['Alex\u0000Tan', 'Alex\u0007', 'Alex \u202Enat', 'Al\u200Bex', 'Alex 😀', '<b>Alex</b>', 'Alex2', 'Аlex', 'Alex--Tan', "'Alex", 'Alex\nTan', '', '   ', 'x'.repeat(121)]) {
      assert.ok(!accepts(bad), JSON.stringify(bad));
    }
  });

  it('free text allows punctuation and digits but nothing hidden or markup', () => {
    const text = plainText(200);
    assert.ok(text.safeParse('Flat 3B, 12 Orchard Rd. #04-01').success);
    for (const bad of ['12 Main St\u202E', 'a\u0000b', '<script>', 'line\nbreak']) assert.ok(!text.safeParse(bad).success, JSON.stringify(bad));
  });
});
