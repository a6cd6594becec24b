// The state machine's definition file and its substitutions. The functions it calls are listed in manifest.ts;
// a test checks the ASL uses exactly their substitutions.

export const definitionPath = new URL('./approval.asl.json', import.meta.url);

/** Replaces every `${Name}` in the ASL text with its value, failing on any the list does not provide. */
export function substitute(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/\$\{(\w+)\}/g, (_m, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`the state machine uses \${${name}}, which no function provides`);
    return value;
  });
}
