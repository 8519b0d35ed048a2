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

/// At most this many diagnostics are rendered as text; a last line says how many more there are
/// (`--error-format json` lists them all). The first errors are the ones to fix: later ones are
/// often their consequences.
pub const MAX_SHOWN: usize = 50;

/// A line longer than this many characters is shown as an excerpt around its labels.
pub const MAX_LINE_CHARS: usize = 400;

/// How many characters of a long line an excerpt shows.
const EXCERPT_CHARS: usize = 120;

/// Characters of context kept before the first label of an excerpt.
const EXCERPT_LEAD: usize = 30;

/// The character range of a span, widened to one whole character when it is empty (ariadne
/// draws nothing for an empty span).
fn char_range(sources: &SourceMap, span: Span) -> std::ops::Range<usize> {
    let f = sources.get(span.file);
    let text = &f.text;
    let start = floor_char_boundary(text, span.start as usize);
    let end = floor_char_boundary(text, (span.end as usize).max(start));
    let cs = f.index().chars_before(text, start);
    let ce = f.index().chars_before(text, end);
    if ce == cs && start < text.len() {
        cs..cs + 1
    } else {
        cs..ce
    }
}

/// Render diagnostics as the drafter sees them in a terminal (no colour, so that snapshots and
/// logs are plain text). At most [`MAX_SHOWN`] are rendered.
pub fn render(sources: &SourceMap, diagnostics: &[Diagnostic]) -> String {
    let mut cache = ariadne::sources(
        sources
            .files()
            .map(|(_, f)| (f.name.clone(), f.text.clone())),
    );
    let mut out = String::new();
    for d in diagnostics.iter().take(MAX_SHOWN) {
        out.push_str(&render_one(sources, &mut cache, d));
    }
    if diagnostics.len() > MAX_SHOWN {
        let hidden = &diagnostics[MAX_SHOWN..];
        let errors = hidden.iter().filter(|d| d.is_error()).count();
        out.push_str(&format!(
            "… and {} more ({errors} error(s), {} warning(s)) not shown: fix the first ones and check again, or see them all with --error-format json\n",
            hidden.len(),
            hidden.len() - errors
        ));
    }
    out
}

fn render_one(
    sources: &SourceMap,
    cache: &mut impl ariadne::Cache<String>,
    d: &Diagnostic,
) -> String {
    let Some(primary) = d.labels.first() else {
        let mut out = format!("{}[{}]: {}\n", kind_word(d.severity), d.code, d.message);
        if let Some(help) = &d.help {
            out.push_str(&format!("  help: {help}\n"));
        }
        return out;
    };
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
    let long_line = labels.iter().any(|l| {
        let f = sources.get(l.span.file);
        let line = f.index().line_of(l.span.start as usize);
        let r = f.index().line_range(&f.text, line);
        r.len() > MAX_LINE_CHARS && f.text[r].chars().count() > MAX_LINE_CHARS
    });
    if long_line {
        return render_excerpt(sources, d, &labels);
    }
    let placed: Vec<(String, std::ops::Range<usize>, &str)> = labels
        .iter()
        .map(|l| {
            (
                sources.get(l.span.file).name.clone(),
                char_range(sources, l.span),
                l.message.as_str(),
            )
        })
        .collect();
    write_report(d, &placed, cache)
        .unwrap_or_else(|| format!("{}[{}]: {}\n", kind_word(d.severity), d.code, d.message))
}

/// One report through ariadne; labels are `(file name, character range, message)`, the first
/// one giving the header.
fn write_report(
    d: &Diagnostic,
    labels: &[(String, std::ops::Range<usize>, &str)],
    cache: &mut impl ariadne::Cache<String>,
) -> Option<String> {
    use ariadne::{Config, IndexType, Label as ALabel, Report, ReportKind};
    let kind = match d.severity {
        Severity::Error => ReportKind::Error,
        Severity::Warning => ReportKind::Warning,
    };
    let (head_file, head_range, _) = labels.first()?;
    let mut report = Report::build(kind, (head_file.clone(), head_range.clone()))
        .with_config(
            Config::default()
                .with_color(false)
                .with_index_type(IndexType::Char),
        )
        .with_code(d.code)
        .with_message(&d.message);
    for (i, (file, range, message)) in labels.iter().enumerate() {
        report = report.with_label(
            ALabel::new((file.clone(), range.clone()))
                .with_message(message)
                .with_order(i as i32),
        );
    }
    if let Some(help) = &d.help {
        report = report.with_help(help);
    }
    let mut buf = Vec::new();
    report.finish().write(cache, &mut buf).ok()?;
    Some(String::from_utf8_lossy(&buf).into_owned())
}

/// A diagnostic whose labels stand on very long lines (a generated file, a policy pasted as one
/// line): each labelled line is cut to an excerpt of about 120 characters around
/// its labels, marked with `…`, and ariadne renders the excerpts under their real line numbers.
/// The `file:line:col` headers are then set back to the columns of the whole line.
fn render_excerpt(sources: &SourceMap, d: &Diagnostic, labels: &[&Label]) -> String {
    use std::collections::BTreeMap;
    // per file: the excerpt of each labelled line (0-based line → (first char kept, text))
    let mut excerpts: BTreeMap<crate::source::FileId, BTreeMap<usize, (usize, String)>> =
        BTreeMap::new();
    for l in labels {
        let f = sources.get(l.span.file);
        let idx = f.index();
        let line = idx.line_of(l.span.start as usize);
        let range = idx.line_range(&f.text, line);
        let line_start_char = idx.chars_before(&f.text, range.start);
        let line_chars = idx.chars_before(&f.text, range.end) - line_start_char;
        let col = idx.chars_before(&f.text, l.span.start as usize) - line_start_char;
        let lines = excerpts.entry(l.span.file).or_default();
        // the first label of a line decides its window
        lines.entry(line).or_insert_with(|| {
            let from = col.saturating_sub(EXCERPT_LEAD);
            let to = (from + EXCERPT_CHARS).min(line_chars);
            let body: String = f.text[range.clone()].chars().skip(from).take(to - from).collect();
            let text = format!(
                "{}{body}{}",
                if from > 0 { "…" } else { "" },
                if to < line_chars { "…" } else { "" }
            );
            (from, text)
        });
    }
    // a source per file: the labelled lines' excerpts, every other line up to the last one left
    // empty (so that ariadne numbers the lines as the file does)
    let mut files = Vec::new();
    let mut placed = Vec::new();
    let mut headers = Vec::new();
    for (file, lines) in &excerpts {
        let name = sources.get(*file).name.clone();
        let first = lines.keys().next().copied().unwrap_or(0);
        let last = lines.keys().next_back().copied().unwrap_or(0);
        let mut text = "\n".repeat(first);
        let mut line_char_starts = BTreeMap::new();
        let mut chars = first;
        for n in first..=last {
            line_char_starts.insert(n, chars);
            if let Some((_, t)) = lines.get(&n) {
                text.push_str(t);
                chars += t.chars().count();
            }
            text.push('\n');
            chars += 1;
        }
        for l in labels.iter().filter(|l| l.span.file == *file) {
            let f = sources.get(*file);
            let idx = f.index();
            let line = idx.line_of(l.span.start as usize);
            let range = idx.line_range(&f.text, line);
            let line_start_char = idx.chars_before(&f.text, range.start);
            let (from, t) = &lines[&line];
            let shown = t.chars().count();
            let marker = usize::from(*from > 0);
            let col = idx.chars_before(&f.text, l.span.start as usize) - line_start_char;
            // the label stays on its line, clipped to the excerpt
            let end_col = idx.chars_before(&f.text, (l.span.end as usize).min(range.end))
                - line_start_char;
            let s = (col - from + marker).min(shown);
            let e = (end_col.saturating_sub(*from) + marker).clamp(s, shown);
            let base = line_char_starts.get(&line).copied().unwrap_or(0);
            let e = if e == s { s + 1 } else { e };
            placed.push((name.clone(), base + s..base + e, l.message.as_str()));
            if !headers.iter().any(|(n, _, _, _): &(String, usize, usize, usize)| *n == name) {
                headers.push((name.clone(), line + 1, s + 1, col + 1));
            }
        }
        files.push((
            name,
            ariadne::Source::from(text),
        ));
    }
    let mut cache = ariadne::FnCache::new(|_: &String| -> Result<String, String> {
        Err("no such file".into())
    })
    .with_sources(files.into_iter().collect());
    let Some(mut out) = write_report(d, &placed, &mut cache) else {
        return format!("{}[{}]: {}\n", kind_word(d.severity), d.code, d.message);
    };
    for (name, line, shown_col, real_col) in headers {
        out = out.replacen(
            &format!("[ {name}:{line}:{shown_col} ]"),
            &format!("[ {name}:{line}:{real_col} ]"),
            1,
        );
    }
    out
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
