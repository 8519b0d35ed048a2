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

pub use parser::{parse, token_spans};

use crate::diagnostic::Diagnostic;
use crate::source::Span;

/// What can go wrong while reading the text of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyntaxError {
    Unexpected {
        span: Span,
        found: Option<String>,
        expected: Vec<String>,
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
            } => {
                let what = match found {
                    Some(f) => format!("unexpected `{f}`"),
                    None => "unexpected end of file".to_string(),
                };
                let mut d = Diagnostic::error("E0001", format!("syntax error: {what}"));
                let label = if expected.is_empty() {
                    "not expected here".to_string()
                } else {
                    format!("expected {}", join_or(expected))
                };
                d = d.with_label(*span, label);
                if found
                    .as_deref()
                    .is_some_and(|f| f.starts_with('“') || f.starts_with('”'))
                {
                    d = d.with_help("texts are quoted with ASCII double quotes \"…\", not Chinese quotation marks");
                } else if found.as_deref().is_some_and(|f| {
                    f.chars()
                        .next()
                        .is_some_and(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
                }) {
                    d = d.with_help("Chinese text belongs inside quotes (`para \"…\"`); a unit is written against its number (`5个工作日`, `20万元`)");
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
