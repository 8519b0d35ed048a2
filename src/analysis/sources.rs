//! Compare a policy's article text with its source document.
//!
//! The raw source (a web page or PDF extraction, kept verbatim under `policies/sources/`) is
//! turned into the official text by the policy's own `repair` entries: first the global ones in
//! the `policy` block, then each article's, in order. Every repair must match somewhere, so a
//! stale repair is caught. The repaired text is cut into chapters (`第…章`) and articles
//! (`第…条` / `第…條` at the start of a line) starting at the first chapter heading (or the first
//! article), and each article's lines are compared with the policy's paragraphs and items.
//!
//! Accepted: 新洲 Art. 16 with `repair "方可—6—\n\n组织验收" => "方可组织验收"` — the page number
//! and the page break are gone and the paragraph is one line equal to the policy's `para`.
//! Rejected: the same article without the repair (the source line ends in `方可—6—`, reported as
//! a difference at that character), or a repair whose FROM text is not in the source (stale).

use crate::analysis::render::article_lines;
use crate::ir::{Document, article_heading};

/// One disagreement between the policy and its source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// The article concerned (0 for the document as a whole).
    pub article: u32,
    pub message: String,
}

/// How many bytes repairs may add beyond doubling the source (see [`apply_repairs`]).
pub const MAX_REPAIR_GROWTH: usize = 64 * 1024;

/// Apply the repairs in order; an error names the repair that found nothing to replace, or the
/// one that would grow the text past twice the source's size (plus [`MAX_REPAIR_GROWTH`]).
pub fn apply_repairs(doc: &Document, raw: &str) -> Result<String, Vec<Mismatch>> {
    let mut text = raw.replace("\r\n", "\n");
    let mut errors = Vec::new();
    let all = doc.meta.repairs.iter().map(|r| (0u32, r)).chain(
        doc.articles
            .iter()
            .flat_map(|a| a.repairs.iter().map(move |r| (a.number, r))),
    );
    // repairs correct a page's noise: together they may not make the text much larger (a
    // replacement that contains its own pattern, `"第" => "第第"`, doubles it each time)
    let limit = raw.len().saturating_mul(2).saturating_add(MAX_REPAIR_GROWTH);
    for (article, r) in all {
        if r.from.is_empty() {
            errors.push(Mismatch {
                article,
                message: format!(
                    "repair \"\" => {:?} ({}) has an empty FROM text, which would match between every two characters",
                    r.to, r.reason
                ),
            });
            continue;
        }
        let count = text.matches(r.from.as_str()).count();
        let grown = (text.len() - count * r.from.len()).saturating_add(count.saturating_mul(r.to.len()));
        if grown > limit {
            errors.push(Mismatch {
                article,
                message: format!(
                    "repair {:?} => {:?} ({}) would make the repaired text {grown} bytes long, more than twice the source's {} bytes (plus {MAX_REPAIR_GROWTH}); repairs correct a page's noise — check that the TO text does not repeat the FROM text",
                    r.from, r.to, r.reason, raw.len()
                ),
            });
            break;
        }
        if count == 0 {
            errors.push(Mismatch {
                article,
                message: format!(
                    "repair {:?} => {:?} ({}) matches nothing in the source",
                    r.from, r.to, r.reason
                ),
            });
            continue;
        }
        text = text.replace(&r.from, &r.to);
    }
    if errors.is_empty() {
        Ok(text)
    } else {
        Err(errors)
    }
}

fn is_numeral(c: char) -> bool {
    "零一二三四五六七八九十百".contains(c)
}

/// `第X章` or `第X条`/`第X條` at the start of a line: (heading, rest of the line).
fn heading_of(line: &str, marks: &[char]) -> Option<(String, String)> {
    let rest = line.strip_prefix('第')?;
    let numeral: String = rest.chars().take_while(|c| is_numeral(*c)).collect();
    if numeral.is_empty() {
        return None;
    }
    let after = &rest[numeral.len()..];
    let mark = after.chars().next().filter(|c| marks.contains(c))?;
    let body = after[mark.len_utf8()..].trim_start().to_string();
    Some((format!("第{numeral}{mark}"), body))
}

/// The repaired source cut into (chapter headings in order, articles as (heading, lines)).
pub fn split_source(text: &str) -> (Vec<String>, Vec<(String, Vec<String>)>) {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let start = lines
        .iter()
        .position(|l| heading_of(l, &['章']).is_some())
        .or_else(|| {
            lines.iter().position(|l| {
                heading_of(l, &['条', '條']).is_some_and(|(h, _)| h.starts_with("第一"))
            })
        })
        .unwrap_or(0);
    let mut chapters = Vec::new();
    let mut articles: Vec<(String, Vec<String>)> = Vec::new();
    for l in &lines[start..] {
        if heading_of(l, &['章']).is_some() {
            chapters.push(l.to_string());
        } else if let Some((h, body)) = heading_of(l, &['条', '條']) {
            articles.push((
                h,
                if body.is_empty() {
                    Vec::new()
                } else {
                    vec![body]
                },
            ));
        } else if let Some(last) = articles.last_mut() {
            last.1.push(l.to_string());
        }
    }
    (chapters, articles)
}

/// Compare the document with its raw source; empty means they agree.
pub fn compare(doc: &Document, raw: &str) -> Vec<Mismatch> {
    let text = match apply_repairs(doc, raw) {
        Ok(t) => t,
        Err(e) => return e,
    };
    let (chapters, articles) = split_source(&text);
    let mut out = Vec::new();
    let policy_chapters: Vec<&str> = doc.chapters.iter().map(|c| c.heading.as_str()).collect();
    if policy_chapters != chapters.iter().map(String::as_str).collect::<Vec<_>>() {
        out.push(Mismatch {
            article: 0,
            message: format!("chapters differ: policy {policy_chapters:?}, source {chapters:?}"),
        });
    }
    if articles.len() != doc.articles.len() {
        out.push(Mismatch {
            article: 0,
            message: format!(
                "the source has {} articles, the policy {}",
                articles.len(),
                doc.articles.len()
            ),
        });
    }
    for (a, (src_heading, src_lines)) in doc.articles.iter().zip(&articles) {
        let heading = article_heading(a.number, doc.meta.script);
        if heading != *src_heading {
            out.push(Mismatch {
                article: a.number,
                message: format!("heading {heading} but the source has {src_heading}"),
            });
            continue;
        }
        let mine: Vec<String> = article_lines(doc, a)
            .into_iter()
            .enumerate()
            .map(|(i, l)| {
                if i == 0 {
                    l[heading.len()..].trim_start().to_string()
                } else {
                    l
                }
            })
            .collect();
        if mine.len() != src_lines.len() {
            out.push(Mismatch {
                article: a.number,
                message: format!(
                    "{heading}: {} lines in the policy, {} in the source",
                    mine.len(),
                    src_lines.len()
                ),
            });
        }
        for (i, (m, s)) in mine.iter().zip(src_lines).enumerate() {
            if m != s {
                let at = m.chars().zip(s.chars()).take_while(|(a, b)| a == b).count();
                let context: String = s.chars().skip(at.saturating_sub(5)).take(20).collect();
                let ours: String = m.chars().skip(at.saturating_sub(5)).take(20).collect();
                out.push(Mismatch {
                    article: a.number,
                    message: format!("{heading} line {}: differs at character {at}: source «{context}», policy «{ours}»", i + 1),
                });
            }
        }
    }
    out
}
