import { valuesList } from './sql';

describe('valuesList', () => {
  it('numbers the placeholders row by row', () => {
    expect(
      valuesList([
        [1, 'a'],
        [2, 'b'],
      ]),
    ).toEqual({ sql: '($1, $2), ($3, $4)', params: [1, 'a', 2, 'b'] });
  });
});
