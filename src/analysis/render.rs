//! `tiao render`: print the document back, article by article, from the policy file.
//!
//! The output is the official text: headings are generated from article numbers (第七条, or
//! 第七條 for a traditional-script document), paragraphs and items are printed verbatim, one
//! per line. A test compares this with the source document after the policy's own repairs.

use crate::ir::{Article, Document, Part, article_heading};

/// The lines of one article: first paragraph after its heading, then one line per paragraph
/// and item.
pub fn article_lines(doc: &Document, a: &Article) -> Vec<String> {
    let mut lines = Vec::new();
    let heading = article_heading(a.number, doc.meta.script);
    for part in &a.parts {
        match part {
            Part::Para { text, items } => {
                lines.push(text.clone());
                lines.extend(items.iter().cloned());
            }
            Part::Item(text) => lines.push(text.clone()),
        }
    }
    match lines.first_mut() {
        Some(first) => *first = format!("{heading} {first}"),
        None => lines.push(heading),
    }
    lines
}

/// The whole document: title, number, chapters and articles.
pub fn render(doc: &Document) -> String {
    let mut out = String::new();
    out.push_str(&doc.meta.title);
    out.push('\n');
    if let Some(n) = &doc.meta.number {
        out.push_str(n);
        out.push('\n');
    }
    for (i, a) in doc.articles.iter().enumerate() {
        if let Some(ch) = doc.chapters.iter().find(|c| c.articles.first() == Some(&i)) {
            out.push('\n');
            out.push_str(&ch.heading);
            out.push('\n');
        }
        for line in article_lines(doc, a) {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}
