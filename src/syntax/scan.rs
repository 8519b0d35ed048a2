//! A first look at a file, before the grammar: the mistakes a drafter makes when text is pasted
//! from a document or typed with a Chinese input method, each named precisely, where pest alone
//! would report something vaguer somewhere later.
//!
//! - a text whose closing quote is missing (texts stay on one line: write `\n` for a break);
//! - an invisible character outside a text (U+200B ZERO WIDTH SPACE and its kin), named;
//! - full-width punctuation or digits (`：`, `（`, `５`) and Chinese quotation marks (`“…”`)
//!   outside a text, with the ASCII character to write instead;
//! - nesting deeper than [`MAX_EXPR_DEPTH`](super::MAX_EXPR_DEPTH) (open brackets, open `if`s
//!   and a run of `not`s), found before the recursive grammar would descend that far.
//!
//! Accepted: `obligation contract_filing: contract_filed_on within 5个工作日 after contract_signed_on`.
//! Rejected: `obligation contract_filing：…` (E0013, U+FF1A FULLWIDTH COLON: write `:`).

use super::SyntaxError;
use super::lexer::{TokenKind, tokens};
use crate::source::{FileId, Span};

/// The name of an invisible or format character that has no business outside a text.
pub fn invisible_name(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{00A0}' => "NO-BREAK SPACE",
        '\u{00AD}' => "SOFT HYPHEN",
        '\u{034F}' => "COMBINING GRAPHEME JOINER",
        '\u{061C}' => "ARABIC LETTER MARK",
        '\u{115F}' => "HANGUL CHOSEONG FILLER",
        '\u{1160}' => "HANGUL JUNGSEONG FILLER",
        '\u{180E}' => "MONGOLIAN VOWEL SEPARATOR",
        '\u{200B}' => "ZERO WIDTH SPACE",
        '\u{200C}' => "ZERO WIDTH NON-JOINER",
        '\u{200D}' => "ZERO WIDTH JOINER",
        '\u{200E}' => "LEFT-TO-RIGHT MARK",
        '\u{200F}' => "RIGHT-TO-LEFT MARK",
        '\u{2028}' => "LINE SEPARATOR",
        '\u{2029}' => "PARAGRAPH SEPARATOR",
        '\u{202A}' => "LEFT-TO-RIGHT EMBEDDING",
        '\u{202B}' => "RIGHT-TO-LEFT EMBEDDING",
        '\u{202C}' => "POP DIRECTIONAL FORMATTING",
        '\u{202D}' => "LEFT-TO-RIGHT OVERRIDE",
        '\u{202E}' => "RIGHT-TO-LEFT OVERRIDE",
        '\u{2060}' => "WORD JOINER",
        '\u{2061}'..='\u{2064}' => "INVISIBLE OPERATOR",
        '\u{2066}'..='\u{2069}' => "DIRECTIONAL ISOLATE",
        '\u{3164}' => "HANGUL FILLER",
        '\u{FFA0}' => "HALFWIDTH HANGUL FILLER",
        '\u{FFFC}' => "OBJECT REPLACEMENT CHARACTER",
        '\u{FFFD}' => "REPLACEMENT CHARACTER",
        _ => return None,
    })
}

/// The ASCII character a full-width or Chinese punctuation mark stands for, with its name.
pub fn full_width(c: char) -> Option<(char, String)> {
    const ASCII_NAMES: [(char, &str); 32] = [
        ('!', "EXCLAMATION MARK"),
        ('"', "QUOTATION MARK"),
        ('#', "NUMBER SIGN"),
        ('$', "DOLLAR SIGN"),
        ('%', "PERCENT SIGN"),
        ('&', "AMPERSAND"),
        ('\'', "APOSTROPHE"),
        ('(', "LEFT PARENTHESIS"),
        (')', "RIGHT PARENTHESIS"),
        ('*', "ASTERISK"),
        ('+', "PLUS SIGN"),
        (',', "COMMA"),
        ('-', "HYPHEN-MINUS"),
        ('.', "FULL STOP"),
        ('/', "SOLIDUS"),
        (':', "COLON"),
        (';', "SEMICOLON"),
        ('<', "LESS-THAN SIGN"),
        ('=', "EQUALS SIGN"),
        ('>', "GREATER-THAN SIGN"),
        ('?', "QUESTION MARK"),
        ('@', "COMMERCIAL AT"),
        ('[', "LEFT SQUARE BRACKET"),
        ('\\', "REVERSE SOLIDUS"),
        (']', "RIGHT SQUARE BRACKET"),
        ('^', "CIRCUMFLEX ACCENT"),
        ('_', "LOW LINE"),
        ('`', "GRAVE ACCENT"),
        ('{', "LEFT CURLY BRACKET"),
        ('|', "VERTICAL LINE"),
        ('}', "RIGHT CURLY BRACKET"),
        ('~', "TILDE"),
    ];
    match c {
        '\u{FF01}'..='\u{FF5E}' => {
            let ascii = char::from_u32(c as u32 - 0xFEE0)?;
            let name = if ascii.is_ascii_digit() {
                format!("FULLWIDTH DIGIT {}", digit_name(ascii))
            } else if ascii.is_ascii_alphabetic() {
                format!(
                    "FULLWIDTH LATIN {} LETTER {}",
                    if ascii.is_ascii_uppercase() {
                        "CAPITAL"
                    } else {
                        "SMALL"
                    },
                    ascii.to_ascii_uppercase()
                )
            } else {
                let n = ASCII_NAMES
                    .iter()
                    .find(|(a, _)| *a == ascii)
                    .map_or("SIGN", |(_, n)| n);
                format!("FULLWIDTH {n}")
            };
            Some((ascii, name))
        }
        '\u{3000}' => None,
        '\u{3001}' => Some((',', "IDEOGRAPHIC COMMA".into())),
        '\u{3002}' => Some(('.', "IDEOGRAPHIC FULL STOP".into())),
        '\u{201C}' => Some(('"', "LEFT DOUBLE QUOTATION MARK".into())),
        '\u{201D}' => Some(('"', "RIGHT DOUBLE QUOTATION MARK".into())),
        '\u{2018}' => Some(('\'', "LEFT SINGLE QUOTATION MARK".into())),
        '\u{2019}' => Some(('\'', "RIGHT SINGLE QUOTATION MARK".into())),
        '\u{300C}' => Some(('"', "LEFT CORNER BRACKET".into())),
        '\u{300D}' => Some(('"', "RIGHT CORNER BRACKET".into())),
        '\u{300E}' => Some(('"', "LEFT WHITE CORNER BRACKET".into())),
        '\u{300F}' => Some(('"', "RIGHT WHITE CORNER BRACKET".into())),
        '\u{3010}' => Some(('[', "LEFT BLACK LENTICULAR BRACKET".into())),
        '\u{3011}' => Some((']', "RIGHT BLACK LENTICULAR BRACKET".into())),
        '\u{2014}' => Some(('-', "EM DASH".into())),
        _ => None,
    }
}

fn digit_name(d: char) -> &'static str {
    [
        "ZERO", "ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX", "SEVEN", "EIGHT", "NINE",
    ]
    .get(d.to_digit(10).map_or(0, |x| x as usize))
    .copied()
    .unwrap_or("ZERO")
}

/// The mistakes of `text` this scan recognises, at most `limit` of them, in file order.
pub fn scan(file: FileId, text: &str, limit: usize) -> Vec<SyntaxError> {
    let mut out = Vec::new();
    // the end of a text quoted with Chinese quotation marks, reported once as a whole
    let mut skip_until = 0;
    let mut nesting = Nesting::default();
    for t in tokens(text) {
        if out.len() >= limit {
            break;
        }
        if t.span.start < skip_until {
            continue;
        }
        let slice = &text[t.span.clone()];
        if nesting.step(t.kind, slice) > super::MAX_EXPR_DEPTH && !nesting.reported {
            nesting.reported = true;
            out.push(SyntaxError::TooDeep {
                span: Span::new(file, t.span.start, t.span.end),
                limit: super::MAX_EXPR_DEPTH,
            });
        }
        match t.kind {
            TokenKind::Error => {
                let mut offset = t.span.start;
                for c in slice.chars() {
                    let span = Span::new(file, offset, offset + c.len_utf8());
                    offset += c.len_utf8();
                    if let Some(close) = match c {
                        '“' => Some('”'),
                        '「' => Some('」'),
                        '『' => Some('』'),
                        _ => None,
                    } {
                        let from = span.start as usize;
                        let line_end = text[from..].find('\n').map_or(text.len(), |i| from + i);
                        if let Some(end) = text[from..line_end].find(close) {
                            let end = from + end + close.len_utf8();
                            out.push(SyntaxError::ChineseQuotes {
                                span: Span::new(file, from, end),
                            });
                            skip_until = end;
                            break;
                        }
                    }
                    if c == '"' {
                        // a quote that starts no complete text on its line
                        let line_end = text[span.start as usize..]
                            .find('\n')
                            .map_or(text.len(), |i| span.start as usize + i);
                        out.push(SyntaxError::UnclosedText {
                            span: Span::new(file, span.start as usize, line_end),
                        });
                        break;
                    }
                    if let Some(name) = invisible_name(c) {
                        out.push(SyntaxError::Invisible {
                            span,
                            code: c as u32,
                            name,
                        });
                        break;
                    }
                    if let Some((ascii, name)) = full_width(c) {
                        out.push(SyntaxError::FullWidth {
                            span,
                            found: c,
                            ascii,
                            name,
                        });
                        break;
                    }
                }
            }
            // ZERO WIDTH (NON-)JOINER is allowed inside identifiers by Unicode, never here
            TokenKind::Ident => {
                if let Some((i, c)) = slice.char_indices().find(|(_, c)| invisible_name(*c).is_some())
                {
                    let at = t.span.start + i;
                    out.push(SyntaxError::Invisible {
                        span: Span::new(file, at, at + c.len_utf8()),
                        code: c as u32,
                        name: invisible_name(c).unwrap_or("INVISIBLE CHARACTER"),
                    });
                }
            }
            _ => {}
        }
    }
    out
}

/// How deep the grammar will have to descend at a token: open brackets and blocks, `if`s not yet
/// closed by their `else`, and the current run of `not`s. An over-estimate is harmless (laws nest
/// a handful of levels); what matters is that it is computed without recursion.
#[derive(Default)]
struct Nesting {
    brackets: usize,
    open_ifs: usize,
    nots: usize,
    reported: bool,
}

impl Nesting {
    fn step(&mut self, kind: TokenKind, slice: &str) -> usize {
        match (kind, slice) {
            (TokenKind::Whitespace | TokenKind::Comment, _) => {}
            (TokenKind::Punct, "(" | "{") => {
                self.brackets += 1;
                self.nots = 0;
            }
            (TokenKind::Punct, ")" | "}") => {
                self.brackets = self.brackets.saturating_sub(1);
                self.nots = 0;
            }
            (TokenKind::Keyword, "if") => {
                self.open_ifs += 1;
                self.nots = 0;
            }
            (TokenKind::Keyword, "else") => {
                self.open_ifs = self.open_ifs.saturating_sub(1);
                self.nots = 0;
            }
            (TokenKind::Keyword, "not") => self.nots += 1,
            _ => self.nots = 0,
        }
        self.brackets + self.open_ifs + self.nots
    }
}
