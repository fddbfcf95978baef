/**
 * The contract's order of text, JavaScript's `<` on strings (UTF-16 code units), as an SQL sort key.
 *
 * `COLLATE "C"` compares the UTF-8 bytes, which is code-point order. The two orders differ in one place
 * only: a character above U+FFFF is a surrogate pair in UTF-16 (code units D800–DBFF), so JavaScript puts
 * it before every character from U+E000 to U+FFFF, where code-point order puts it after them. The key
 * moves those characters after the others: each is preceded by U+10FFFF, the greatest code point, and
 * U+10FFFF itself becomes U+10FFFF U+0001. Every character thus maps to a sequence that no other's is a
 * prefix of, in the order of code units, so whole keys compare (under `COLLATE "C"`) as the strings do in
 * JavaScript. Text of ASCII only, the usual id, is its own key, without a regular expression.
 *
 * @module
 */

/**
 * The sort key of the `text` SQL expression (a column or variable: it is evaluated more than once), in
 * `COLLATE "C"`, for an `ORDER BY` in the contract's code-unit order.
 */
export function codeUnitOrder(text: string): string {
  const astralAfterBmp = `regexp_replace(regexp_replace(${text}, E'\\U0010FFFF', E'\\U0010FFFF\\u0001', 'g'), E'[\\uE000-\\uFFFF]', E'\\U0010FFFF\\\\&', 'g')`;
  return `(CASE WHEN octet_length(${text}) = char_length(${text}) THEN ${text} ELSE ${astralAfterBmp} END) COLLATE "C"`;
}
