// How the wallet takes in a new person, without a page: the label a new
// entry gets and the message for input that holds no code. Pure, also run by
// the mini-program.

/**
 * The label a new entry gets when none is typed: "Me" for the first, else the
 * credential's own (masked) name unless someone has it already, else "Person n".
 * `decode` reads a credential's fields (the core's decodeCredential).
 */
export function defaultLabel(t, entries, text, decode) {
  if (entries.length === 0) return t('me');
  try {
    const name = decode(text).displayName;
    if (name && !entries.some((e) => e.label === name)) return name;
  } catch {
    // fall through
  }
  return t('person', { n: entries.length + 1 });
}

/** The message key for input in which no credential was found. */
export const noCredentialKey = (input) => (String(input || '').trim() ? 'err_not_credential' : 'err_empty');
