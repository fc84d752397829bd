import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkDigit, checkDigitMatches } from '../../../vision/ocr/check-digit.js';
import { correctMrz } from '../../../vision/ocr/mrz-correct.js';
import { fixCountryCode } from '../../../vision/ocr/country-codes.js';
import { mrzDate } from '../../../vision/ocr/mrz-dates.js';
import { parseMrz } from '../../../vision/ocr/mrz-parse.js';
import { findMrzBlock } from '../../../vision/ocr/mrz-text.js';
import { confirmed } from '../../../vision/ocr/mrz-confirm.js';

const TD3 = ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'];
const TD1 = ['I<UTOD231458907<<<<<<<<<<<<<<<', '7408122F1204159UTO<<<<<<<<<<<6', 'ERIKSSON<<ANNA<MARIA<<<<<<<<<<'];
const TD2 = ['I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<', 'D231458907UTO7408122F1204159<<<<<<<6'];

describe('check digits', () => {
  it('computes ICAO 7-3-1 check digits', () => {
    assert.equal(checkDigit('L898902C3'), 6);
    assert.equal(checkDigit('740812'), 2);
    assert.equal(checkDigit('120415'), 9);
    assert.equal(checkDigit('ZE184226B<<<<<'), 1);
  });
  it("accepts '<' only for an empty personal number", () => {
    assert.equal(checkDigitMatches('<<<<', '<', true), true);
    assert.equal(checkDigitMatches('<<<<', '<'), false);
    assert.equal(checkDigitMatches('AB1<', '<', true), false);
  });
});

describe('MRZ parsing', () => {
  it('parses a valid TD3', () => {
    const p = parseMrz('TD3', TD3);
    assert.equal(p.valid, true);
    assert.deepEqual(p.fields, {
      name: 'ERIKSSON ANNA MARIA', surname: 'ERIKSSON', givenNames: 'ANNA MARIA', idNumber: 'L898902C3',
      birthDate: '1974-08-12', expiryDate: '2012-04-15', issuer: 'UTO', nationality: 'UTO', sex: 'F',
      documentCode: 'P', personalNumber: 'ZE184226B',
    });
  });
  it('parses a valid TD1 and TD2', () => {
    const td1 = parseMrz('TD1', TD1);
    assert.equal(td1.valid, true);
    assert.equal(td1.fields.idNumber, 'D23145890');
    assert.equal(td1.fields.name, 'ERIKSSON ANNA MARIA');
    const td2 = parseMrz('TD2', TD2);
    assert.equal(td2.valid, true);
    assert.equal(td2.fields.expiryDate, '2012-04-15');
  });
  it('reads TD1 long document numbers continued in the optional field', () => {
    const num = 'D23145890AB1122';
    const l1 = `I<UTO${num.slice(0, 9)}<${num.slice(9)}${checkDigit(num)}`.padEnd(30, '<');
    const p = parseMrz('TD1', [l1, '7408122F1204159UTO<<<<<<<<<<<6', 'ERIKSSON<<ANNA<MARIA<<<<<<<<<<']);
    assert.equal(p.fields.idNumber, num);
    assert.equal(p.checks.documentNumber, true);
  });
  it('chooses date centuries: birth not in the future, expiry within 50 years', () => {
    const now = new Date('2025-06-01T00:00:00Z');
    assert.equal(mrzDate('300101', 'birth', now), '1930-01-01');
    assert.equal(mrzDate('200101', 'birth', now), '2020-01-01');
    assert.equal(mrzDate('961210', 'expiry', now), '1996-12-10');
    assert.equal(mrzDate('301210', 'expiry', now), '2030-12-10');
    assert.equal(mrzDate('991399', 'expiry', now), null);
  });
  it('flags a wrong printed check digit and names the field', () => {
    const bad = [TD3[0]!, TD3[1]!.slice(0, 19) + '3' + TD3[1]!.slice(20)];
    const p = parseMrz('TD3', bad);
    assert.equal(p.valid, false);
    assert.equal(p.checks.birthDate, false);
  });
});

describe('MRZ correction', () => {
  it('finds the block in noisy OCR text', () => {
    const b = findMrzBlock(['PASSPORT', 'ERIKSSON', TD3[0]!, TD3[1]!]);
    assert.deepEqual(b?.lines, TD3);
    assert.deepEqual(b?.formats, ['TD3', 'MRVA']);
  });
  it('repairs class confusions and filler misreads', () => {
    const misread = ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<LKLLL<<<<<<', 'L898902C36UT07408I22F12O4159ZE184226B<<<<<10'];
    assert.deepEqual(correctMrz([misread], 'TD3'), TD3);
  });
  it('fits lines whose filler runs were read too long or too short', () => {
    const misread = ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<10'];
    assert.deepEqual(correctMrz([misread], 'TD3'), TD3);
  });
  it('takes another read’s character only where it makes the check digit pass', () => {
    const a = ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898962C36UTO7408122F1204159ZE184226B<<<<<10'];
    const b = ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'];
    assert.deepEqual(correctMrz([a, a, b], 'TD3'), TD3);
  });
  it('never makes a wrong printed check digit pass', () => {
    // Document number check digit printed 7 instead of 6: no reading may validate it.
    const wrong = ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C37UTO7408122F1204159ZE184226B<<<<<10'];
    const lines = correctMrz([wrong], 'TD3')!;
    const p = parseMrz('TD3', lines);
    assert.equal(p.valid, false);
    assert.equal(p.checks.documentNumber, false);
    assert.equal(lines[1]![9], '7');
  });
  it('does not validate a misread digit', () => {
    const misread = [TD3[0]!, 'L898902C36UTO7408122F1204759ZE184226B<<<<<10']; // expiry 120475
    const p = parseMrz('TD3', correctMrz([misread], 'TD3')!);
    assert.equal(p.valid, false);
    assert.equal(p.checks.expiryDate, false);
  });
  it('reads an unlisted country code one lookalike from a listed one as that code', () => {
    const misread = ['P<UT0ERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', TD3[1]!.replace('UTO', 'UTD')];
    assert.deepEqual(correctMrz([misread], 'TD3'), TD3);
    assert.equal(fixCountryCode('NLO'), 'NLD');
    assert.equal(fixCountryCode('GER'), 'GBR');
    assert.equal(fixCountryCode('CMW'), 'CMW', 'no listed code is one lookalike away: left as read');
    assert.equal(fixCountryCode('D<<'), 'D<<');
  });
  it('reads a lookalike of P starting a TD3 as P, but never turns one document code into another', () => {
    assert.deepEqual(correctMrz([['F' + TD3[0]!.slice(1), TD3[1]!]], 'TD3'), TD3);
    assert.equal(correctMrz([TD3], 'MRVA')![0]![0], 'P', 'a passport read as a visa keeps its P, and fails as a visa');
  });
  it('keeps a TD1 with an invalid printed date check digit invalid', () => {
    const lines = ['IDESPBAB1834284<44282767Q0<<<<', '8001010F1301017ESP<<<<<<<<<<<3', 'MUESTRA<MUESTRA<<CARMEN<<<<<<<'];
    const p = parseMrz('TD1', correctMrz([lines], 'TD1')!);
    assert.equal(p.valid, false);
    assert.equal(p.checks.birthDate, false);
    assert.equal(p.checks.composite, true);
  });
});

describe('what check digits cannot vouch for', () => {
  // U (30) and 0 weigh the same mod 10: the misread passes every check digit.
  const misread = [TD2[0]!, TD2[1]!.slice(0, 8) + 'U' + TD2[1]!.slice(9)];
  const read = (lines: string[], pass: number) => ({ block: { lines, formats: ['TD2' as const], lineIdx: [] }, confidence: 0.9, pass, letterConfidence: [100, 100] });

  it('a U for a 0 passes the checks but is not confirmed by one run', () => {
    const p = parseMrz('TD2', misread);
    assert.equal(p.valid, true);
    assert.equal(confirmed(p, [read(misread, 0)]).valid, false);
  });
  it('is confirmed when two runs read it alike and none offers a rival', () => {
    assert.equal(confirmed(parseMrz('TD2', TD2), [read(TD2, 0), read(TD2, 1)]).valid, true);
    assert.equal(confirmed(parseMrz('TD2', TD2), [read(TD2, 0), read(TD2, 1), read(misread, 2)]).valid, true);
    assert.equal(confirmed(parseMrz('TD2', misread), [read(misread, 0), read(TD2, 1)]).valid, false);
  });
  it('two disputed characters under one check may cancel out: not confirmed', () => {
    // TD1 optional data guarded by the composite only; O (24) for 0 shifts the sum by 4 × weight,
    // so two such swaps whose weights add up to a multiple of 5 leave every check passing.
    const composite = (l0: string, l1: string) => String(checkDigit(l0.slice(5, 30) + l1.slice(0, 7) + l1.slice(8, 15) + l1.slice(18, 29)));
    const l0 = 'I<UTOD231458907100020003000<<<';
    const l1 = (l: string) => '7408122F1204159UTO<<<<<<<<<<<' + composite(l, '7408122F1204159UTO<<<<<<<<<<<');
    const printed = [l0, l1(l0), TD1[2]!];
    const swapped = printed.map((l, i) => (i === 0 ? l.slice(0, 20) + 'OO' + l.slice(22) : l));
    assert.equal(parseMrz('TD1', swapped).valid, true, 'the swaps must cancel for this test');
    const r = (lines: string[], pass: number) => ({ block: { lines, formats: ['TD1' as const], lineIdx: [] }, confidence: 0.9, pass, letterConfidence: [100, 100, 100] });
    assert.equal(confirmed(parseMrz('TD1', swapped), [r(swapped, 0), r(printed, 1)]).valid, false);
  });
  it('two tesseract runs agreeing against a fitting, sure template match on a G/6: not confirmed', () => {
    // G (16) and 6 weigh the same mod 10: the composite check cannot say which is printed.
    const ocrRead = TD3; // personal number ZE184226B: position 35 is the 6
    const printed = [TD3[0]!, TD3[1]!.slice(0, 35) + 'G' + TD3[1]!.slice(36)];
    const tess = (pass: number) => ({ block: { lines: ocrRead, formats: ['TD3' as const], lineIdx: [] }, confidence: 0.9, pass, letterConfidence: [100, 100] });
    const template = (weight: number) => ({
      block: { lines: printed, formats: ['TD3' as const], lineIdx: [] }, confidence: 0.9, pass: 2, letterConfidence: [100, 100],
      weight: printed.map((l) => [...l].map(() => weight)), ranked: [],
    });
    assert.equal(parseMrz('TD3', printed).valid, true, 'both readings must pass the checks for this test');
    assert.equal(confirmed(parseMrz('TD3', ocrRead), [tess(0), tess(1), template(1.9)]).valid, false);
    assert.equal(confirmed(parseMrz('TD3', ocrRead), [tess(0), tess(1), template(1.5)]).valid, true, 'a template that fits the print poorly does not block');
  });
  it('a character no run read, however well it passes the checks, is not confirmed', () => {
    const misread = [TD3[0]!, TD3[1]!.replace('L898902C3', 'L898902G3')];
    const r = (pass: number) => ({ block: { lines: misread, formats: ['TD3' as const], lineIdx: [] }, confidence: 0.9, pass, letterConfidence: [90, 90] });
    assert.equal(confirmed(parseMrz('TD3', TD3), [r(0), r(1)]).valid, false);
  });
  it('a filler a fitting template is sure of stands where the tesseract runs each misread it their own way', () => {
    const withName = (name: string) => [name, TD3[1]!];
    const tess = (name: string, pass: number) => ({ block: { lines: withName(name), formats: ['TD3' as const], lineIdx: [] }, confidence: 0.9, pass, letterConfidence: [90, 90] });
    const template = { block: { lines: TD3, formats: ['TD3' as const], lineIdx: [] }, confidence: 0.9, pass: 2, letterConfidence: [20, 20], weight: TD3.map((l) => [...l].map(() => 2.5)), ranked: [] };
    const p = parseMrz('TD3', TD3);
    const at = (c: string) => TD3[0]!.slice(0, 13) + c + TD3[0]!.slice(14); // the '<' after ERIKSSON
    assert.equal(confirmed(p, [tess(at('C'), 0), tess(at('S'), 1), template]).valid, true);
    assert.equal(confirmed(p, [tess(at('C'), 0), tess(at('C'), 1), template]).valid, false, 'two runs agreeing on a letter there: not proof either way');
  });
});
