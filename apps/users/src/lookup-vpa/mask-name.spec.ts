import { maskName } from './mask-name';

describe('a masked name', () => {
  it.each([
    ['Alice Kumar', 'A**** K****'],
    ['Bob', 'B**'],
    ['A', 'A'],
    ['Jo Ann Li', 'J* A** L*'],
    ['  Alice   Kumar ', 'A**** K****'],
    ['Alice\tKumar\nRao', 'A**** K**** R**'],
    ["Ravi O'Neil-Das", 'R*** O*********'],
  ])('%j → %j', (name, masked) => {
    expect(maskName(name)).toBe(masked);
  });

  it('counts characters, not UTF-16 units, in any script', () => {
    expect(maskName('अनिल कुमार')).toBe(`अ${'*'.repeat([...'अनिल'].length - 1)} क${'*'.repeat([...'कुमार'].length - 1)}`);
    expect(maskName('𝒜lice')).toBe('𝒜****');
  });

  it('keeps only the first letter of each word', () => {
    const masked = maskName('Secret Person');
    expect(masked.replace(/\*/g, '')).toBe('S P');
    expect(masked).toHaveLength('Secret Person'.length);
  });
});
