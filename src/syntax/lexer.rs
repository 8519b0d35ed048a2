//! A lossless token stream for editors and tools, built with logos.
//!
//! pest (grammar/tiao.pest) is the single source of syntax; this lexer exists for what a parser
//! is bad at: it never fails (unknown characters become `Error` tokens), it keeps whitespace and
//! comments, and it is fast enough to run on every keystroke. `tiao tokens FILE` prints it for
//! syntax highlighting. A test checks that every literal, name and keyword pest recognises is
//! exactly one token here, so the two cannot drift apart.
//!
//! Accepted as one token each: `20万元`, `5个工作日`, `半年`, `2022-06-21`, `12-31`, `技术审查`.
//! Rejected: nothing — `“中文引号”` lexes as `Error` tokens around a name, and the parser
//! reports the syntax error.

use logos::Logos;
use serde::Serialize;
use std::ops::Range;

#[derive(Logos, Debug, Clone, Copy, PartialEq, Eq)]
enum Raw {
    #[regex(r"[ \t\r\n\u{3000}\u{FEFF}]+")]
    Whitespace,
    #[regex(r"//[^\n]*", allow_greedy = true)]
    Comment,
    #[regex(r#""([^"\\\r\n]|\\[^\r\n])*""#)]
    String,
    #[regex(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}")]
    Date,
    #[regex(r"[0-9]{1,2}-[0-9]{1,2}")]
    MonthDay,
    #[regex(r"[0-9]+(\.[0-9]+)?(亿元|億元|万元|萬元|元)")]
    Money,
    #[regex(r"[0-9]+(\.[0-9]+)?%")]
    Percent,
    #[regex(r"[0-9]+(个工作日|個工作日|工作日|个月|個月|年|日|天)")]
    #[token("半年")]
    Duration,
    #[regex(r"[0-9]+(\.[0-9]+)?")]
    Number,
    #[token("policy")]
    #[token("chapter")]
    #[token("article")]
    #[token("para")]
    #[token("item")]
    #[token("define")]
    #[token("exception")]
    #[token("reason")]
    #[token("obligation")]
    #[token("for")]
    #[token("when")]
    #[token("within")]
    #[token("between")]
    #[token("after")]
    #[token("by")]
    #[token("and")]
    #[token("or")]
    #[token("not")]
    #[token("if")]
    #[token("then")]
    #[token("else")]
    #[token("true")]
    #[token("false")]
    #[token("in")]
    #[token("descriptive")]
    #[token("note")]
    #[token("repair")]
    #[token("because")]
    #[token("concept")]
    #[token("fact")]
    #[token("enum")]
    #[token("record")]
    #[token("set")]
    #[token("of")]
    #[token("unknown")]
    #[token("default")]
    #[token("every")]
    #[token("year")]
    #[token("from")]
    #[token("until")]
    #[token("is")]
    #[token("each")]
    #[token("regardless")]
    #[token("scope")]
    #[token("extends")]
    #[token("amends")]
    #[token("repeal")]
    #[token("replace")]
    #[token("override")]
    Keyword,
    #[regex(r"[\p{XID_Start}_][\p{XID_Continue}]*")]
    Ident,
    #[token("=>")]
    #[token("==")]
    #[token("!=")]
    #[token("<=")]
    #[token(">=")]
    #[token("<")]
    #[token(">")]
    #[token("=")]
    #[token("+")]
    #[token("-")]
    #[token("*")]
    #[token("/")]
    #[token("{")]
    #[token("}")]
    #[token("(")]
    #[token(")")]
    #[token(",")]
    #[token(":")]
    #[token(".")]
    Punct,
}

/// The language's keywords: words that cannot be used as names.
pub const KEYWORDS: &[&str] = &["policy", "chapter", "article", "para", "item", "define", "exception", "reason", "obligation", "for", "when", "within", "between", "after", "by", "and", "or", "not", "if", "then", "else", "true", "false", "in", "descriptive", "note", "repair", "because", "concept", "fact", "enum", "record", "set", "of", "unknown", "default", "every", "year", "from", "until", "is", "each", "regardless", "scope", "extends", "amends", "repeal", "replace", "override"];

/// Whether `word` is one of the language's keywords (it cannot be used as a name).
pub fn is_keyword(word: &str) -> bool {
    KEYWORDS.contains(&word)
}

/// What a token is, for highlighting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    Whitespace,
    Comment,
    String,
    Date,
    MonthDay,
    Money,
    Percent,
    Duration,
    Number,
    Keyword,
    Ident,
    Punct,
    /// Text no token matches (a stray character, an unterminated string).
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Token {
    pub kind: TokenKind,
    /// Byte range in the source.
    pub span: Range<usize>,
}

/// Every token of `text`, in order; their spans cover the text without gaps.
pub fn tokens(text: &str) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::new();
    let mut lexer = Raw::lexer(text);
    while let Some(raw) = lexer.next() {
        let kind = match raw {
            Ok(Raw::Whitespace) => TokenKind::Whitespace,
            Ok(Raw::Comment) => TokenKind::Comment,
            Ok(Raw::String) => TokenKind::String,
            Ok(Raw::Date) => TokenKind::Date,
            Ok(Raw::MonthDay) => TokenKind::MonthDay,
            Ok(Raw::Money) => TokenKind::Money,
            Ok(Raw::Percent) => TokenKind::Percent,
            Ok(Raw::Duration) => TokenKind::Duration,
            Ok(Raw::Number) => TokenKind::Number,
            Ok(Raw::Keyword) => TokenKind::Keyword,
            Ok(Raw::Ident) => TokenKind::Ident,
            Ok(Raw::Punct) => TokenKind::Punct,
            Err(()) => TokenKind::Error,
        };
        let span = lexer.span();
        // merge adjacent error characters into one token
        match out.last_mut() {
            Some(last)
                if kind == TokenKind::Error
                    && last.kind == TokenKind::Error
                    && last.span.end == span.start =>
            {
                last.span.end = span.end;
            }
            _ => out.push(Token { kind, span }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_keyword_list_is_what_the_lexer_treats_as_keywords() {
        for k in KEYWORDS {
            let mut lexer = Raw::lexer(k);
            assert_eq!(lexer.next(), Some(Ok(Raw::Keyword)), "{k}");
            assert_eq!(lexer.next(), None, "{k}");
        }
        // every token of the `Keyword` variant is in the list
        let source = include_str!("lexer.rs");
        let start = source.find("#[token(\"policy\")]").unwrap_or(0);
        let end = source[start..].find("Keyword,").map_or(start, |e| start + e);
        assert_eq!(source[start..end].matches("#[token(").count(), KEYWORDS.len());
    }
}
