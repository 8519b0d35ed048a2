//! Diagnostics shared by all phases.
//!
//! Each phase owns its error type (`syntax::SyntaxError`, `resolve::ResolveError`,
//! `check::CheckError`, …) and turns it into a [`Diagnostic`]: a stable code, a message in the
//! drafter's terms, labelled spans and a hint. Rendering happens here, to a `String`, so the
//! core stays free of printing; the CLI decides where the text goes.
//!
//! Rendering uses ariadne with *character* offsets, computed here from our byte spans: ariadne
//! measures display width, so underlines stay under the right characters in lines full of
//! Chinese text. Rejected: ariadne's `IndexType::Byte`, which draws labels right but prints the
//! `file:line:col` header of a label group in another file from a character offset read as a
//! byte offset (a wrong line), and panics on a span inside a multi-byte character. Labels are
//! given to ariadne in source order, so that two labels in one file make one group; which label
//! is primary is said by the message, not by the order.

use crate::source::{SourceMap, Span, floor_char_boundary};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// A message for the drafter, pointing into their file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable code such as `E0201`; documented in docs/language.md.
    pub code: &'static str,
    pub message: String,
    /// The first label is the primary location.
    pub labels: Vec<Label>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            labels: Vec::new(),
            help: None,
        }
    }
    pub fn warning(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            code,
            message: message.into(),
            labels: Vec::new(),
            help: None,
        }
    }
    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// The character range of a span, widened to one whole character when it is empty (ariadne
/// draws nothing for an empty span).
fn char_range(sources: &SourceMap, span: Span) -> std::ops::Range<usize> {
    let text = &sources.get(span.file).text;
    let start = floor_char_boundary(text, span.start as usize);
    let end = floor_char_boundary(text, (span.end as usize).max(start));
    let cs = text[..start].chars().count();
    let ce = cs + text[start..end].chars().count();
    if ce == cs && start < text.len() {
        cs..cs + 1
    } else {
        cs..ce
    }
}

/// Render diagnostics as the drafter sees them in a terminal (no colour, so that snapshots and
/// logs are plain text).
pub fn render(sources: &SourceMap, diagnostics: &[Diagnostic]) -> String {
    use ariadne::{Config, IndexType, Label as ALabel, Report, ReportKind};
    let mut out = Vec::new();
    let mut cache = ariadne::sources(
        sources
            .files()
            .map(|(_, f)| (f.name.clone(), f.text.clone())),
    );
    for d in diagnostics {
        let kind = match d.severity {
            Severity::Error => ReportKind::Error,
            Severity::Warning => ReportKind::Warning,
        };
        let Some(primary) = d.labels.first() else {
            out.extend_from_slice(
                format!("{}[{}]: {}\n", kind_word(d.severity), d.code, d.message).as_bytes(),
            );
            if let Some(help) = &d.help {
                out.extend_from_slice(format!("  help: {help}\n").as_bytes());
            }
            continue;
        };
        let name = |s: Span| sources.get(s.file).name.clone();
        // groups in source order, the primary label's file first; the header of each group is
        // the place of its first label
        let mut labels: Vec<&Label> = d.labels.iter().collect();
        labels.sort_by_key(|l| {
            (
                l.span.file != primary.span.file,
                l.span.file,
                l.span.start,
                l.span.end,
            )
        });
        let head = labels.first().map_or(primary.span, |l| l.span);
        let mut report = Report::build(kind, (name(head), char_range(sources, head)))
            .with_config(
                Config::default()
                    .with_color(false)
                    .with_index_type(IndexType::Char),
            )
            .with_code(d.code)
            .with_message(&d.message);
        for (i, l) in labels.into_iter().enumerate() {
            report = report.with_label(
                ALabel::new((name(l.span), char_range(sources, l.span)))
                    .with_message(&l.message)
                    .with_order(i as i32),
            );
        }
        if let Some(help) = &d.help {
            report = report.with_help(help);
        }
        let mut buf = Vec::new();
        if report.finish().write(&mut cache, &mut buf).is_err() {
            buf = format!("{}[{}]: {}\n", kind_word(d.severity), d.code, d.message).into_bytes();
        }
        out.extend_from_slice(&buf);
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn kind_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "Error",
        Severity::Warning => "Warning",
    }
}

#[derive(Serialize)]
struct JsonLabel {
    file: String,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    byte_start: u32,
    byte_end: u32,
    message: String,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    severity: Severity,
    code: &'a str,
    message: &'a str,
    labels: Vec<JsonLabel>,
    help: Option<&'a str>,
}

/// Diagnostics as JSON (`--error-format json`): one array, lines and columns 1-based, columns
/// counted in characters.
pub fn to_json(sources: &SourceMap, diagnostics: &[Diagnostic]) -> serde_json::Value {
    let items: Vec<JsonDiagnostic> = diagnostics
        .iter()
        .map(|d| JsonDiagnostic {
            severity: d.severity,
            code: d.code,
            message: &d.message,
            help: d.help.as_deref(),
            labels: d
                .labels
                .iter()
                .map(|l| {
                    let (line, column) = sources.line_col(l.span.file, l.span.start as usize);
                    let (end_line, end_column) = sources.line_col(l.span.file, l.span.end as usize);
                    JsonLabel {
                        file: sources.get(l.span.file).name.clone(),
                        line,
                        column,
                        end_line,
                        end_column,
                        byte_start: l.span.start,
                        byte_end: l.span.end,
                        message: l.message.clone(),
                    }
                })
                .collect(),
        })
        .collect();
    serde_json::to_value(items).unwrap_or(serde_json::Value::Null)
}

/// "did you mean" suggestion: the candidate closest to `name` by edit distance, if close enough.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = edit_distance(name, c);
        let limit = (name.chars().count().max(c.chars().count()) / 3).max(1);
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        prev = cur;
    }
    prev[b.len()]
}
