import { splitFacts } from './chunk-facts';

describe('a chunk of facts', () => {
  const fact = (id: string, status: string) => ({ id, status });

  it('writes the new ones, then the first final one of each (as one by one: a later final one changes nothing)', () => {
    const chunk = [
      fact('a', 'PENDING'),
      fact('a', 'SUCCEEDED'),
      fact('b', 'FAILED'),
      fact('a', 'FAILED'),
      fact('b', 'SUCCEEDED'),
      fact('c', 'PENDING'),
    ];
    expect(splitFacts(chunk, (f) => f.id, 'PENDING')).toEqual({
      opened: [fact('a', 'PENDING'), fact('c', 'PENDING')],
      finished: [fact('a', 'SUCCEEDED'), fact('b', 'FAILED')],
    });
  });
});
