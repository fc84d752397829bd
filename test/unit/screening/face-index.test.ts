import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FaceIndex } from '../../../screening/face-index.js';
import { seededRandom } from '../../../screening/synthetic/random.js';

const randomVector = (random: () => number, dims: number) => Array.from({ length: dims }, () => random() * 2 - 1);

describe('face index (exact search)', () => {
  it('finds the same face (a slightly moved descriptor) within the band and nobody else', () => {
    const random = seededRandom(5);
    const index = new FaceIndex('test-model', 64, 'cosine', 4);
    const people = Array.from({ length: 500 }, () => randomVector(random, 64));
    people.forEach((v, i) => index.add(`p${i}`, v));
    assert.equal(index.size, 500, 'grows past its first capacity');
    const probe = people[123]!.map((x) => x + (random() - 0.5) * 0.1); // the same person, another photo
    const found = index.search(probe, 0.2);
    assert.deepEqual(found.map((f) => f.key), ['p123']);
    assert.ok(found[0]!.distance < 0.05);
    assert.deepEqual(index.search(randomVector(random, 64), 0.2), [], 'a stranger is outside the band');
  });

  it('scale does not matter (cosine), the model\'s size does', () => {
    const index = new FaceIndex('m', 3);
    index.add('a', [1, 2, 3]);
    assert.equal(index.search([2, 4, 6], 0.01)[0]!.key, 'a');
    assert.throws(() => index.add('b', [1, 2]), /model m has 3/);
  });

  it('Euclidean (dlib\'s metric): raw values, scale matters; the band is a plain distance', () => {
    const index = new FaceIndex('dlib', 3, 'euclidean');
    index.add('a', [0.1, 0.2, 0.3]);
    index.add('b', [0.1, 0.2, 0.9]);
    const found = index.search([0.1, 0.2, 0.35], 0.59);
    assert.deepEqual(found.map((f) => f.key), ['a', 'b']);
    assert.ok(Math.abs(found[0]!.distance - 0.05) < 1e-6 && Math.abs(found[1]!.distance - 0.55) < 1e-6);
    assert.deepEqual(index.search([0.2, 0.4, 0.6], 0.1), [], 'a scaled copy is another face under Euclidean distance');
    assert.throws(() => index.search([1, 2], 0.5), /model dlib has 3/);
  });
});
