import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkDigit, checkDigitMatches } from '../../../vision/ocr/check-digit.js';
import { mrzDate } from '../../../vision/ocr/mrz-dates.js';
import { allChecksPass, parseMrz } from '../../../vision/ocr/mrz-parse.js';
import { findMrzBlock } from '../../../vision/ocr/mrz-text.js';
import { repairByCheckDigits, settleCountryCodes } from '../../../vision/ocr/mrz-repair.js';
import { constrainedDecode, greedyDecode, type DecodedLine } from '../../../vision/ocr/ctc-decode.js';
import type { LineProbs } from '../../../vision/ocr/mrz-recognizer.js';

const TD3 = ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'];
const TD1 = ['I<UTOD231458907<<<<<<<<<<<<<<<', '7408122F1204159UTO<<<<<<<<<<<6', 'ERIKSSON<<ANNA<MARIA<<<<<<<<<<'];
const TD2 = ['I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<', 'D231458907UTO7408122F1204159<<<<<<<6'];

describe('check digits', () => {
  it('computes ICAO 7-3-1 check digits', () => {
    assert.equal(checkDigit('L898902C3'), 6);
    assert.equal(checkDigit('740812'), 2);
    assert.equal(checkDigit('ZE184226B<<<<<'), 1);
  });
  it("accepts '<' only for an empty personal number", () => {
    assert.equal(checkDigitMatches('<<<<', '<', true), true);
    assert.equal(checkDigitMatches('AB1<', '<', true), false);
  });
});

describe('MRZ parsing with the mrz package', () => {
  it('parses ICAO specimens (UTO is on the ICAO list, not in the package’s state table)', () => {
    const p = parseMrz(TD3)!;
    assert.equal(p.format, 'TD3');
    assert.equal(p.valid, true, JSON.stringify(p.problems));
    assert.deepEqual(p.fields, {
      name: 'ERIKSSON ANNA MARIA', surname: 'ERIKSSON', givenNames: 'ANNA MARIA', idNumber: 'L898902C3',
      birthDate: '1974-08-12', expiryDate: '2012-04-15', issuer: 'UTO', nationality: 'UTO', sex: 'F',
      documentCode: 'P', personalNumber: 'ZE184226B',
    });
    assert.equal(parseMrz(TD1)!.valid, true);
    assert.equal(parseMrz(TD2)!.fields.expiryDate, '2012-04-15');
  });

  it('checks a TD1 long document number over positions 6–14, the filler and the continuation (Belgian eID)', () => {
    // ICAO 9303-5 note j: the check digit follows the continuation and covers the filler at 15.
    const number = '000590240601';
    const digit = checkDigit(`${number.slice(0, 9)}<${number.slice(9)}`);
    assert.notEqual(digit, checkDigit(number), 'the case only matters where the filler changes the digit');
    const l1 = `IDBEL${number.slice(0, 9)}<${number.slice(9)}${digit}`.padEnd(30, '<');
    const l2head = `850101${checkDigit('850101')}F310101${checkDigit('310101')}BEL<<<<<<<<<<<`;
    const composite = checkDigit(l1.slice(5, 30) + l2head.slice(0, 7) + l2head.slice(8, 15) + l2head.slice(18, 29));
    const p = parseMrz([l1, l2head + composite, 'SPECIMEN<<ANNA<<<<<<<<<<<<<<<<'])!;
    assert.equal(p.checks.documentNumber, true);
    assert.equal(p.valid, true, JSON.stringify(p.problems));
    assert.equal(p.fields.idNumber, number);
  });

  it('knows the French national ID card (2 × 36), which is not a TD2', () => {
    const p = parseMrz(['IDFRATEST<NAME<<<<<<<<<<<<<<<<0CHE02', '1710GVA123451ROBERTA<<<<<<<9112311F2'])!;
    assert.equal(p.format, 'FRENCH_ID');
    assert.equal(p.valid, true, JSON.stringify(p.problems));
    assert.equal(p.fields.surname, 'TEST NAME');
    assert.equal(p.fields.givenNames, 'ROBERTA');
    assert.equal(p.fields.birthDate, '1991-12-31');
  });

  it('parses a visa (MRV-A), which has no composite check', () => {
    const visa = ['V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L8988901C4XXX4009078F96121096ZE184226B<<<<<<'];
    const p = parseMrz(visa)!;
    assert.equal(p.format, 'MRVA');
    assert.equal(p.valid, true, JSON.stringify(p.problems));
    assert.deepEqual(Object.keys(p.checks).sort(), ['birthDate', 'documentNumber', 'expiryDate']);
  });

  it('flags a wrong printed check digit, names the field, and knows which positions it covers', () => {
    const bad = [TD3[0]!, TD3[1]!.slice(0, 19) + '3' + TD3[1]!.slice(20)];
    const p = parseMrz(bad)!;
    assert.equal(p.valid, false);
    assert.equal(p.checks.birthDate, false);
    assert.equal(allChecksPass(p), false);
    assert.equal(allChecksPass(parseMrz(TD3)!), true);
    assert.deepEqual(p.checkSpans.birthDate, [{ line: 1, start: 19, end: 20 }, { line: 1, start: 13, end: 19 }]);
    assert.equal(parseMrz(['P<UTO', 'L898']), null, 'lines of no known layout');
  });

  it('chooses date centuries: birth not in the future, expiry within 50 years', () => {
    const now = new Date('2025-06-01T00:00:00Z');
    assert.equal(mrzDate('300101', 'birth', now), '1930-01-01');
    assert.equal(mrzDate('961210', 'expiry', now), '1996-12-10');
    assert.equal(mrzDate('991399', 'expiry', now), null);
  });

  it('finds the block in noisy OCR text (the locating pass)', () => {
    assert.deepEqual(findMrzBlock(['PASSPORT', 'ERIKSSON', TD3[0]!, TD3[1]!])?.lines, TD3);
  });
});

/** A decoded line as the recognizer would give it: per position the character, its probability, rivals. */
function decoded(text: string, doubts: Record<number, Array<[string, number]>> = {}, own: Record<number, number> = {}): DecodedLine {
  return {
    text,
    confidence: [...text].map((_, i) => own[i] ?? 0.99),
    alternatives: [...text].map((_, i) => doubts[i] ?? []),
    logProb: 0,
  };
}

describe('check digits decide between the characters the recognizer offered', () => {
  it('takes the offered runner-up that makes a failing check pass', () => {
    const misread = TD3[1]!.replace('L898902C3', 'L898962C3'); // 0 read as 6 at position 5
    const lines = [decoded(TD3[0]!), decoded(misread, { 5: [['0', 0.3]] }, { 5: 0.65 })];
    const p = repairByCheckDigits(lines, 'TD3')!;
    assert.equal(p.valid, true);
    assert.deepEqual(p.lines, TD3);
    assert.ok(lines[1]!.confidence[5]! < 0.5, 'a repaired character keeps a runner-up confidence');
  });

  it('never changes a check digit, and never invents a character nobody offered', () => {
    const wrongDigit = TD3[1]!.slice(0, 9) + '7' + TD3[1]!.slice(10); // printed 7 instead of 6
    const p = repairByCheckDigits([decoded(TD3[0]!), decoded(wrongDigit, { 9: [['6', 0.4]] })], 'TD3')!;
    assert.equal(p.checks.documentNumber, false);
    assert.equal(p.lines[1]![9], '7');
    const unoffered = TD3[1]!.replace('7408122', '7408722');
    assert.equal(repairByCheckDigits([decoded(TD3[0]!), decoded(unoffered)], 'TD3')!.checks.birthDate, false);
  });

  it('leaves an ambiguous repair undone: two offered fixes pass equally (a visa: no composite to tell them apart)', () => {
    const visa = ['V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L8988901C4XXX4009078F96121096ZE184226B<<<<<<'];
    const birth = visa[1]!.slice(13, 19);
    const a = String((Number(birth[0]) + 1) % 10);
    const misread = visa[1]!.slice(0, 13) + a + birth.slice(1) + visa[1]!.slice(19);
    const fixB = [...'0123456789'].find((d) => checkDigit(a + d + birth.slice(2)) === Number(visa[1]![19]));
    assert.ok(fixB, 'some second digit must fix it for this test');
    const line = decoded(misread, { 13: [[birth[0]!, 0.3]], 14: [[fixB!, 0.3]] }, { 13: 0.6, 14: 0.6 });
    assert.equal(repairByCheckDigits([decoded(visa[0]!), line], 'MRVA')!.checks.birthDate, false);
    const clear = decoded(misread, { 13: [[birth[0]!, 0.3]], 14: [[fixB!, 0.01]] }, { 13: 0.6, 14: 0.6 });
    assert.equal(repairByCheckDigits([decoded(visa[0]!), clear], 'MRVA')!.lines[1], visa[1], 'one clearly likelier fix is taken');
  });

  it('settles an unlisted issuing state on the listed code the probabilities favour', () => {
    const l1 = decoded('P<UT0ERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', { 4: [['O', 0.2]] }, { 4: 0.75 });
    const l2 = decoded(TD3[1]!);
    settleCountryCodes('TD3', [l1, l2]);
    assert.equal(l1.text, TD3[0]);
    const sure = decoded('P<CMWERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<');
    settleCountryCodes('TD3', [sure, decoded(TD3[1]!)]);
    assert.equal(sure.text.slice(2, 5), 'CMW', 'no listed code offered: left as read');
  });
});

describe('CTC decoding', () => {
  const alphabet = '<0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  /** Frames each putting most mass on one class ('-' = blank). */
  function probs(frames: Array<string | Record<string, number>>): LineProbs {
    const classes = alphabet.length + 1, blank = alphabet.length;
    const out = new Float32Array(frames.length * classes).fill(0.001);
    frames.forEach((f, t) => {
      const dist = typeof f === 'string' ? { [f]: 0.96 } : f;
      for (const [c, p] of Object.entries(dist)) out[t * classes + (c === '-' ? blank : alphabet.indexOf(c))] = p;
    });
    return { probs: out, frames: frames.length, classes, alphabet, blank };
  }

  it('greedy decoding collapses repeats and drops blanks', () => {
    assert.equal(greedyDecode(probs(['A', 'A', '-', 'A', 'B', '-', '-', '1'])).text, 'AAB1');
  });

  it('constrained decoding keeps each position to its class: an O where digits belong is the 0 the network also saw', () => {
    const lp = probs(['1', '-', { O: 0.6, 0: 0.35 }, '-', '2']);
    assert.equal(greedyDecode(lp).text, '1O2');
    const d = constrainedDecode(lp, ['0123456789', '0123456789', '0123456789'])!;
    assert.equal(d.text, '102');
    assert.ok(d.confidence[1]! < 0.5 && d.confidence[0]! > 0.9);
  });

  it('constrained decoding reads exactly the layout length: a faint filler the free reading dropped is kept', () => {
    const lp = probs(['<', '-', { '<': 0.4, '-': 0.55 }, '-', '<']);
    assert.equal(greedyDecode(lp).text, '<<');
    assert.equal(constrainedDecode(lp, Array(3).fill('<ABC'))!.text, '<<<');
    assert.equal(constrainedDecode(probs(['A', 'B']), Array(3).fill('AB')), null, 'fewer frames than characters');
  });
});
