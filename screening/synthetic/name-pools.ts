/**
 * Common given names and surnames by naming tradition, for generated lists and evaluation sets.
 * They are frequent names, not records of anyone: a generated entry pairs them at random (or
 * with a made-up surname) and adds made-up dates, so no entry describes a real person.
 */
export interface NamingTradition {
  name: string;
  given: string[];
  surnames: string[];
  /** Syllables for made-up surnames in the tradition's sound. */
  syllables: string[];
  countries: string[];
}

const words = (s: string): string[] => s.trim().split(/\s+/);

export const TRADITIONS: NamingTradition[] = [
  {
    name: 'english',
    given: words('james john robert michael william david richard joseph thomas charles mary patricia jennifer linda elizabeth barbara susan jessica sarah karen daniel matthew anthony mark paul steven andrew emily emma olivia'),
    surnames: words('smith johnson williams brown jones miller davis wilson anderson taylor thomas moore martin jackson thompson white harris clark lewis robinson walker young allen wright scott green baker adams nelson hill'),
    syllables: words('ash brook wood ford ley ton ham well field mor gan rid ster cliff dale wick'),
    countries: words('US GB CA AU NZ IE'),
  },
  {
    name: 'hispanic',
    given: words('jose juan carlos luis miguel jorge pedro manuel francisco antonio maria ana carmen rosa lucia sofia isabel elena laura gabriela diego alejandro fernando ricardo javier'),
    surnames: words('garcia rodriguez martinez hernandez lopez gonzalez perez sanchez ramirez torres flores rivera gomez diaz reyes morales cruz ortiz gutierrez chavez ramos ruiz mendoza castillo vargas'),
    syllables: words('al ba ca dor es gal ven ria zar que mon te ro na li do'),
    countries: words('MX ES CO AR VE PE CL CU'),
  },
  {
    name: 'arabic',
    given: words('mohammed ahmed ali omar hassan hussein khalid abdullah ibrahim youssef mahmoud mustafa tariq faisal saeed hamza karim nasser rashid salem fatima aisha mariam layla noor zainab huda samira'),
    surnames: words('hassan hussein abdullah rahman khalil mansour nasser haddad salem saleh aziz hamdan qasim farouk jaber karimi bakr darwish yousef othman'),
    syllables: words('al ha ra ma sa ka da ba ja ni mi ri di zi hu mu'),
    countries: words('SA AE EG IQ SY JO LB YE LY SD IR'),
  },
  {
    name: 'russian',
    given: words('alexander sergei vladimir dmitri andrei alexei mikhail ivan nikolai yuri oleg viktor igor pavel boris anna olga elena tatiana natalia irina svetlana ekaterina maria yulia'),
    surnames: words('ivanov smirnov kuznetsov popov vasiliev petrov sokolov mikhailov novikov fedorov morozov volkov alekseev lebedev semenov egorov pavlov kozlov stepanov nikolaev orlov'),
    syllables: words('vol kor mir sta zar bel gor dov rak tish len pol sko bor'),
    countries: words('RU BY UA KZ'),
  },
  {
    name: 'chinese',
    given: words('wei fang na min jing li qiang lei jun yang yong yan jie tao ming chao xiu hui ping gang hong'),
    surnames: words('wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he lin luo gao'),
    syllables: words('zhi qin xiao jian guang hai long shan feng yu'),
    countries: words('CN TW HK SG'),
  },
  {
    name: 'west-african',
    given: words('kwame kofi yaw ama akua abena chinedu emeka ngozi chioma oluwaseun adebayo folake ibrahim musa aminata fatou mamadou ousmane adama'),
    surnames: words('mensah owusu boateng asante okafor okeke nwosu adeyemi balogun diallo traore keita coulibaly toure sow ndiaye camara bello'),
    syllables: words('ade ola kun ba nwa chu eze obi tun mo fo la ke'),
    countries: words('NG GH SN ML CI GN'),
  },
  {
    name: 'south-asian',
    given: words('rahul amit raj sanjay vijay arjun anil sunil ravi deepak priya anita sunita pooja neha kavita asha imran farhan bilal ayesha sana'),
    surnames: words('sharma patel singh kumar gupta khan shah mehta joshi reddy rao iyer nair chopra malik qureshi chaudhry siddiqui ahmed bhatt'),
    syllables: words('van ra ja shan pra deep kar man sin har nath dev'),
    countries: words('IN PK BD LK NP AF'),
  },
  {
    name: 'continental',
    given: words('hans peter klaus jurgen wolfgang stefan thomas michael andreas pierre jean michel philippe francois marco giuseppe luca giovanni anna sophie marie claire giulia chiara'),
    surnames: words('muller schmidt schneider fischer weber meyer wagner becker schulz hoffmann martin bernard dubois durand moreau rossi russo ferrari esposito bianchi romano'),
    syllables: words('berg mann stein hof dorf lin ber ter ci ni no elli ard'),
    countries: words('DE AT CH FR BE IT'),
  },
];

/** Latin → Cyrillic, enough to write a generated Russian-tradition name in its own script. */
const CYRILLIC: Array<[string, string]> = [
  ['shch', 'щ'], ['sch', 'щ'], ['zh', 'ж'], ['kh', 'х'], ['ts', 'ц'], ['ch', 'ч'], ['sh', 'ш'], ['yu', 'ю'], ['ya', 'я'], ['ye', 'е'], ['yo', 'ё'],
  ['a', 'а'], ['b', 'б'], ['v', 'в'], ['g', 'г'], ['d', 'д'], ['e', 'е'], ['z', 'з'], ['i', 'и'], ['y', 'й'], ['k', 'к'], ['l', 'л'], ['m', 'м'],
  ['n', 'н'], ['o', 'о'], ['p', 'п'], ['r', 'р'], ['s', 'с'], ['t', 'т'], ['u', 'у'], ['f', 'ф'], ['h', 'х'], ['c', 'к'], ['w', 'в'], ['x', 'кс'], ['j', 'дж'], ['q', 'к'],
];

export function toCyrillic(latin: string): string {
  let out = '';
  let rest = latin.toLowerCase();
  while (rest.length) {
    const hit = CYRILLIC.find(([l]) => rest.startsWith(l));
    if (hit) { out += hit[1]; rest = rest.slice(hit[0].length); } else { out += rest[0]; rest = rest.slice(1); }
  }
  return out.replace(/(^|\s)(\S)/g, (_m, s: string, c: string) => s + c.toUpperCase());
}

/**
 * Other romanisations of the same sounds, by tradition: how one name reaches a list and a passport
 * in two spellings (Russian -ov/-off and -ei/-ey, Arabic vowels, Wade-Giles for pinyin, German
 * umlauts written out or dropped, Spanish accents).
 */
export const ROMANISATIONS: Record<string, Array<[RegExp, string]>> = {
  russian: [[/ov\b/g, 'off'], [/ei\b/g, 'ey'], [/ii\b/g, 'iy'], [/kh/g, 'h'], [/ev\b/g, 'yev'], [/ya/g, 'ia'], [/yu/g, 'iu'], [/x/g, 'ks'], [/ie/g, 'iye']],
  arabic: [[/mohammed/g, 'muhammad'], [/ou/g, 'u'], [/ss/g, 's'], [/ei/g, 'ay'], [/ee/g, 'i'], [/aa/g, 'a'], [/y/g, 'i'], [/q/g, 'k'], [/u/g, 'ou'], [/mm/g, 'm']],
  chinese: [[/zh/g, 'ch'], [/x/g, 'hs'], [/q/g, 'ch'], [/ang\b/g, 'ong'], [/ei/g, 'ay'], [/\bj/g, 'ch'], [/\by/g, 'i']],
  continental: [[/ue/g, 'ü'], [/ae/g, 'ä'], [/oe/g, 'ö'], [/u(?=ll)/g, 'ü'], [/ph/g, 'f'], [/c(?=[aou])/g, 'k'], [/ie/g, 'ié']],
  hispanic: [[/jose/g, 'josé'], [/maria/g, 'maría'], [/ez\b/g, 'éz'], [/on\b/g, 'ón'], [/ia\b/g, 'ía'], [/ll/g, 'y'], [/v/g, 'b']],
  english: [[/ph/g, 'f'], [/ck/g, 'k'], [/tt/g, 't'], [/ll/g, 'l'], [/y\b/g, 'ie'], [/ey\b/g, 'y']],
  'west-african': [[/ou/g, 'u'], [/kw/g, 'qu'], [/ch/g, 'tch'], [/y/g, 'i'], [/aa/g, 'a']],
  'south-asian': [[/sh/g, 's'], [/ee/g, 'i'], [/oo/g, 'u'], [/v/g, 'w'], [/aa/g, 'a'], [/q/g, 'k'], [/i\b/g, 'y']],
};
