//! The documents a program builds on (`extends`, `amends`), lowered like the policy's own.

use super::document;
use crate::ir;
use crate::resolve::{PlacedRule, Resolved};
use crate::source::SourceMap;

/// Each ancestor's document, nearest first, with how the document below relates to it.
pub(super) fn ancestors(r: &Resolved) -> Vec<ir::Ancestor> {
    r.lineage
        .iter()
        .enumerate()
        .map(|(k, d)| {
            let doc = ir::DocId(k as u32 + 1);
            // the ancestor seen as a policy of its own: its header, articles and rules
            let view = Resolved {
                header: d.header,
                chapters: d.chapters.clone(),
                articles: d.articles.clone(),
                rules: r
                    .rules
                    .iter()
                    .filter(|p| p.doc == doc)
                    .map(|p| PlacedRule {
                        doc: ir::DocId(0),
                        ..p.clone()
                    })
                    .collect(),
                ..Resolved::default()
            };
            ir::Ancestor {
                relation: d.relation,
                document: document::document(&view),
            }
        })
        .collect()
}

/// What was set aside, with the text of the rules set aside.
pub(super) fn set_aside(r: &Resolved, sources: &SourceMap) -> Vec<ir::SetAside> {
    r.set_aside
        .iter()
        .map(|(s, spans)| {
            let mut s = s.clone();
            for (rule, span) in s.rules.iter_mut().zip(spans) {
                rule.1 = sources.slice(*span).to_string();
            }
            s
        })
        .collect()
}

/// A conflict between rules of two documents of the lineage (E0222), cited with their policies.
pub(super) fn conflict(
    p: &ir::Program,
    c: &ir::ConceptDef,
    a: &ir::ConceptRule,
    b: &ir::ConceptRule,
    witness: &[(ir::FactId, crate::value::Value)],
) -> super::CheckError {
    let cite = |r: &ir::ConceptRule| {
        let d = p.doc(r.id.doc);
        format!("{} {}", d.meta.id, r.cite.text(d.meta.script))
    };
    let witness = if witness.is_empty() {
        "any facts".to_string()
    } else {
        witness
            .iter()
            .map(|(f, v)| format!("{} = {}", p.fact(*f).name, p.show(v)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    super::CheckError::LineageConflict {
        concept: c.name.clone(),
        first: a.span,
        first_cite: cite(a),
        second: b.span,
        second_cite: cite(b),
        witness,
    }
}
