//! Phase 1, syntax: text → [`ast::Module`].
//!
//! The grammar lives in `grammar/tiao.pest`. The parser accepts what is well-formed and leaves
//! meaning to later phases, so that, for example, a rule written outside an article still
//! parses and the resolver can say *why* it is wrong rather than "unexpected token".
//!
//! Accepted:
//! ```text
//! article 18 {
//!   para "项目实施单位应在签订正式合同5个工作日内,将合同文本报县政务信息管理局备案。" {
//!     obligation contract_filing: contract_filed_on within 5个工作日 after contract_signed_on
//!   }
//! }
//! ```
//! Rejected (a syntax error pointing at `工作`: a duration needs its unit written together):
//! ```text
//! obligation contract_filing: contract_filed_on within 5 工作日 after contract_signed_on
//! ```

pub mod ast;
pub mod lexer;
mod parser;
pub mod scan;

pub use parser::{MAX_EXPR_DEPTH, parse, token_spans};

use crate::diagnostic::Diagnostic;
use crate::source::Span;

/// What can go wrong while reading the text of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyntaxError {
    Unexpected {
        span: Span,
        found: Option<String>,
        expected: Vec<String>,
        /// The bracket a missing closing bracket would close.
        opener: Option<Span>,
    },
    BadDate {
        span: Span,
        text: String,
    },
    BadEscape {
        span: Span,
        escape: String,
    },
    BadDuration {
        span: Span,
        text: String,
    },
    BadArticleNumber {
        span: Span,
        text: String,
    },
    NumberTooLarge {
        span: Span,
        text: String,
    },
    NestedItem {
        span: Span,
    },
    Repeated {
        span: Span,
        what: &'static str,
    },
    /// `x + 1 is overdue`: only a duty's name can be tested.
    DutyTestOnExpression {
        span: Span,
    },
    /// A quote that opens a text not closed on its line.
    UnclosedText {
        span: Span,
    },
    /// An invisible character outside a text.
    Invisible {
        span: Span,
        code: u32,
        name: &'static str,
    },
    /// Full-width punctuation or a digit, or a Chinese quotation mark, outside a text.
    FullWidth {
        span: Span,
        found: char,
        ascii: char,
        name: String,
    },
    /// A text quoted with Chinese quotation marks (`“…”`, `「…」`).
    ChineseQuotes {
        span: Span,
    },
    /// A `)` or `}` with no bracket of its kind open before it.
    StrayCloser {
        span: Span,
        close: char,
    },
    /// An expression nested deeper than the limit.
    TooDeep {
        span: Span,
        limit: usize,
    },
    /// A chain of one operator (`a or b or …`) longer than the depth limit allows.
    TooLong {
        span: Span,
        terms: usize,
        op: &'static str,
        limit: usize,
    },
    /// The parse tree lacks a part the grammar guarantees: a defect of tiao, not of the file.
    Internal {
        span: Span,
        what: &'static str,
    },
}

impl SyntaxError {
    pub fn diagnostic(&self) -> Diagnostic {
        match self {
            SyntaxError::Unexpected {
                span,
                found,
                expected,
                opener,
            } => {
                let what = match found {
                    Some(f) => format!("unexpected `{f}`"),
                    None => "unexpected end of file".to_string(),
                };
                let message = if expected.is_empty() {
                    format!("syntax error: {what}")
                } else {
                    format!("syntax error: expected {}, found {}", join_or(expected), match found {
                        Some(f) => format!("`{f}`"),
                        None => "the end of the file".to_string(),
                    })
                };
                let mut d = Diagnostic::error("E0001", message);
                let label = if expected.is_empty() {
                    "not expected here".to_string()
                } else {
                    format!("expected {} here", join_or(expected))
                };
                d = d.with_label(*span, label);
                if let Some(o) = opener {
                    d = d.with_label(*o, "the bracket opened here is not closed");
                }
                let names_expected = expected.iter().any(|e| e == "a name");
                let keyword = found
                    .as_deref()
                    .is_some_and(lexer::is_keyword);
                if names_expected && keyword {
                    d = d.with_help(format!(
                        "`{}` is a word of the language and cannot name a fact or concept; choose another name, e.g. `{}_`",
                        found.as_deref().unwrap_or_default(),
                        found.as_deref().unwrap_or_default()
                    ));
                } else if let Some(k) = found
                    .as_deref()
                    .filter(|f| f.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
                    .and_then(|f| crate::diagnostic::did_you_mean(f, lexer::KEYWORDS.iter().copied()))
                    .filter(|k| Some(*k) != found.as_deref())
                {
                    d = d.with_help(format!(
                        "`{}` is not a word of the language; did you mean `{k}`?",
                        found.as_deref().unwrap_or_default()
                    ));
                } else if !names_expected
                    && found.as_deref().is_some_and(|f| {
                        f.chars()
                            .next()
                            .is_some_and(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
                    })
                {
                    d = d.with_help("Chinese text belongs inside quotes (`para \"…\"`); a unit is written against its number (`5个工作日`, `20万元`)");
                } else if found.as_deref() == Some("=") {
                    d = d.with_help("`define NAME = VALUE` takes one `=`; inside the value, `==` compares two values");
                } else if found.as_deref() == Some(",") {
                    d = d.with_help("a rule ends with its value; `,` separates only the members of a set `{a, b}` and the arguments of a call `max(a, b)`");
                } else if expected.iter().any(|e| e == "`=`") {
                    d = d.with_help("a definition reads `define NAME = VALUE [when CONDITION]`");
                } else if expected.iter().any(|e| e == "`:`") {
                    d = d.with_help("a duty reads `obligation NAME: ACT within 5个工作日 after TRIGGER`");
                }
                d
            }
            SyntaxError::BadDate { span, text } => {
                Diagnostic::error("E0002", format!("`{text}` is not a calendar date"))
                    .with_label(*span, "no such day")
                    .with_help("dates are written YYYY-MM-DD and must exist, e.g. 2022-06-21")
            }
            SyntaxError::BadEscape { span, escape } => {
                Diagnostic::error("E0003", format!("unknown escape `{escape}` in a text"))
                    .with_label(*span, "in this text")
                    .with_help("the escapes are \\\" \\\\ \\n \\t and \\u{…}")
            }
            SyntaxError::BadDuration { span, text } => {
                Diagnostic::error("E0004", format!("`{text}` is too large for a duration"))
                    .with_label(*span, "this duration")
                    .with_help("durations count whole days, working days, months or years")
            }
            SyntaxError::BadArticleNumber { span, text } => Diagnostic::error(
                "E0005",
                format!("`{text}` is not an article number"),
            )
            .with_label(*span, "expected a whole number such as 7")
            .with_help(
                "write the article number in Arabic digits: `article 7` is rendered as 第七条",
            ),
            SyntaxError::NumberTooLarge { span, text } => {
                Diagnostic::error("E0006", format!("the number `{text}` is too large"))
                    .with_label(*span, "out of range")
                    .with_help("amounts are exact decimals of at most 28 digits")
            }
            SyntaxError::NestedItem { span } => {
                Diagnostic::error("E0007", "items nest only one level deep")
                    .with_label(*span, "an item inside a sub-item")
                    .with_help(
                        "a paragraph (款) holds items (项) and an item holds sub-items (目); write deeper levels one after another",
                    )
            }
            SyntaxError::UnclosedText { span } => {
                Diagnostic::error("E0011", "this text has no closing quote")
                    .with_label(*span, "the text opened here is not closed on this line")
                    .with_help("end it with \" on the same line; a text never runs over several lines (write \\n for a line break inside it)")
            }
            SyntaxError::Invisible { span, code, name } => Diagnostic::error(
                "E0012",
                format!("an invisible character, U+{code:04X} {name}, stands outside a text"),
            )
            .with_label(*span, format!("U+{code:04X} {name} here"))
            .with_help("delete it: it was probably pasted in with the text (inside a quoted text it may stay)"),
            SyntaxError::FullWidth {
                span,
                found,
                ascii,
                name,
            } => {
                let what = if found.is_numeric() { "digit" } else { "punctuation" };
                Diagnostic::error(
                    "E0013",
                    format!(
                        "full-width {what} `{found}` (U+{:04X} {name}) outside a text",
                        *found as u32
                    ),
                )
                .with_label(*span, format!("write `{ascii}` here"))
                .with_help(if *ascii == '"' {
                    "texts are quoted with ASCII double quotes \"…\"; Chinese quotation marks belong inside the text".to_string()
                } else {
                    format!("the language's punctuation and numbers are ASCII: `{ascii}`; switch the input method to half-width (半角) outside quoted texts")
                })
            }
            SyntaxError::ChineseQuotes { span } => {
                Diagnostic::error("E0013", "a text is quoted with Chinese quotation marks")
                    .with_label(*span, "this text")
                    .with_help("quote texts with ASCII double quotes: \"…\" (Chinese quotation marks may stand inside the text)")
            }
            SyntaxError::TooDeep { span, limit } => Diagnostic::error(
                "E0010",
                format!("this expression nests more than {limit} levels deep"),
            )
            .with_label(*span, "too deep from here")
            .with_help("split it: name a part as a concept of its own (`concept part: bool`) and use the name"),
            SyntaxError::StrayCloser { span, close } => {
                let open = if *close == ')' { '(' } else { '{' };
                Diagnostic::error("E0001", format!("syntax error: this `{close}` closes no `{open}`"))
                    .with_label(*span, format!("no `{open}` is open here"))
                    .with_help(format!("delete it, or add the `{open}` it should close"))
            }
            SyntaxError::TooLong { span, terms, op, limit } => Diagnostic::error(
                "E0010",
                format!("this chain of `{op}` has {terms} terms, more than the {limit} an expression may have"),
            )
            .with_label(*span, "this chain")
            .with_help("split it: define parts as concepts of their own (`concept part_a: bool`, `define part_a = …`) and join the names"),
            SyntaxError::DutyTestOnExpression { span } => {
                Diagnostic::error("E0009", "`is …` tests a duty, written by its name")
                    .with_label(*span, "not the name of an obligation")
                    .with_help("write the obligation's name: `contract_filing is overdue`")
            }
            SyntaxError::Internal { span, what } => Diagnostic::error(
                "E0000",
                format!("internal error: the parser met {what}"),
            )
            .with_label(*span, "here")
            .with_help("this is a defect of tiao, not of your file; please report it with the file"),
            SyntaxError::Repeated { span, what } => {
                Diagnostic::error("E0008", format!("`{what}` is given twice in one article"))
                    .with_label(*span, "second one")
                    .with_help("keep one reason")
            }
        }
    }
}

fn join_or(items: &[String]) -> String {
    match items.len() {
        0 => String::new(),
        1 => items[0].clone(),
        n => format!("{} or {}", items[..n - 1].join(", "), items[n - 1]),
    }
}
