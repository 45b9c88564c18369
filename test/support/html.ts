/**
 * A page's HTML with the hex references Handlebars writes (`&#x27;` for ', `&#x3D;` for =, `&#x2F;` for /)
 * turned back into characters, so a test can look for a text as a person reads it: `{{t}}` texts are
 * escaped like any other value, so an apostrophe in a message reaches the HTML as `&#x27;`.
 */
export const decoded = (html: string): string => html.replace(/&#x([0-9A-F]+);/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
