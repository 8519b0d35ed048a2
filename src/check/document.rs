//! Lowering the document itself — metadata, chapters, articles, notes, repairs — into
//! [`ir::Document`]. Nothing here is type checking; it sits beside the checker because it runs in
//! the same pass and needs the resolved articles.

use crate::ir;
use crate::resolve::Resolved;
use crate::syntax::ast::{self, MetaField};

pub(super) fn document(r: &Resolved) -> ir::Document {
    let h = r.header;
    let mut meta = ir::PolicyMeta {
        id: h.map(|h| h.name.name.clone()).unwrap_or_default(),
        title: String::new(),
        number: None,
        issuer: None,
        jurisdiction: None,
        level: None,
        issued: ir::IssueDate::Unknown {
            not_before: None,
            not_after: None,
            because: None,
        },
        issued_source: None,
        in_force_date: None,
        in_force_end: None,
        in_force_article: None,
        transitional: ir::Transitional::NotJudged,
        transitional_because: None,
        replaces: Vec::new(),
        based_on: Vec::new(),
        script: ir::Script::Simplified,
        notes: h
            .map(|h| h.notes.iter().map(|n| n.value.clone()).collect())
            .unwrap_or_default(),
        repairs: h
            .map(|h| h.repairs.iter().map(repair).collect())
            .unwrap_or_default(),
    };
    for f in h.map(|h| h.fields.as_slice()).unwrap_or(&[]) {
        match f {
            MetaField::Title(s) => meta.title = s.value.clone(),
            MetaField::Number(s) => meta.number = Some(s.value.clone()),
            MetaField::Issuer(s) => meta.issuer = Some(s.value.clone()),
            MetaField::Jurisdiction { name, level } => {
                meta.jurisdiction = Some(name.value.clone());
                meta.level = Some(level.name.clone());
            }
            MetaField::Issued {
                date,
                source,
                not_before,
                not_after,
                because,
                ..
            } => {
                meta.issued = match date {
                    Some(d) => ir::IssueDate::Known(*d),
                    None => ir::IssueDate::Unknown {
                        not_before: *not_before,
                        not_after: *not_after,
                        because: because.as_ref().map(|b| b.value.clone()),
                    },
                };
                meta.issued_source = source.as_ref().map(|s| s.value.clone());
            }
            MetaField::InForce {
                from, end, article, ..
            } => {
                meta.in_force_date = match from {
                    ast::InForceStart::Date(d) => Some(*d),
                    ast::InForceStart::Issued => None,
                };
                meta.in_force_end = end.as_ref().map(|e| match e {
                    ast::InForceEnd::Until(d) => ir::InForceEnd::Until(*d),
                    ast::InForceEnd::For(p) => ir::InForceEnd::For(*p),
                });
                meta.in_force_article = article.map(|(n, _)| n);
            }
            MetaField::Transitional {
                reading, because, ..
            } => {
                meta.transitional = match reading.name.as_str() {
                    "continues" => ir::Transitional::Continues,
                    "from_in_force" => ir::Transitional::FromInForce,
                    _ => ir::Transitional::NotJudged,
                };
                meta.transitional_because = because.as_ref().map(|b| b.value.clone());
            }
            MetaField::Replaces(s) => meta.replaces.push(s.value.clone()),
            MetaField::BasedOn(s) => meta.based_on.push(s.value.clone()),
            MetaField::Script(s) => {
                meta.script = if s.name == "traditional" {
                    ir::Script::Traditional
                } else {
                    ir::Script::Simplified
                }
            }
            MetaField::Unknown { .. } | MetaField::Lineage { .. } => {}
        }
    }
    let mut rules_of: std::collections::HashMap<u32, usize> = std::collections::HashMap::new();
    // the rules of this policy's own document (not those inherited from a parent)
    for p in r.rules.iter().filter(|p| p.doc == ir::DocId(0)) {
        *rules_of.entry(p.cite.article).or_default() += 1;
    }
    let articles: Vec<ir::Article> = r
        .articles
        .iter()
        .map(|a| {
            let rule_count = rules_of.get(&a.number).copied().unwrap_or(0)
                + usize::from(meta.in_force_article == Some(a.number));
            ir::Article {
                number: a.number,
                parts: a
                    .parts
                    .iter()
                    .flat_map(|p| match p {
                        ast::Part::Para(p) => vec![ir::Part::Para {
                            text: p.text.value.clone(),
                            items: p.items.iter().flat_map(item_lines).collect(),
                        }],
                        ast::Part::Item(i) => {
                            item_lines(i).into_iter().map(ir::Part::Item).collect()
                        }
                    })
                    .collect(),
                descriptive: a.descriptive.as_ref().map(|d| d.value.clone()),
                notes: article_notes(a),
                repairs: a.repairs.iter().map(repair).collect(),
                rule_count,
                span: a.span,
            }
        })
        .collect();
    let chapters = r
        .chapters
        .iter()
        .map(|ch| ir::Chapter {
            heading: ch.heading.value.clone(),
            articles: ch.articles.clone(),
        })
        .collect();
    ir::Document {
        meta,
        chapters,
        articles,
    }
}

fn article_notes(a: &ast::Article) -> Vec<String> {
    a.notes
        .iter()
        .chain(a.parts.iter().flat_map(|p| {
            match p {
                ast::Part::Para(p) => p
                    .notes
                    .iter()
                    .chain(p.items.iter().flat_map(item_notes))
                    .collect::<Vec<_>>(),
                ast::Part::Item(i) => item_notes(i),
            }
        }))
        .map(|n| n.value.clone())
        .collect()
}

/// An item's line followed by its sub-items' lines, in document order.
fn item_lines(i: &ast::Item) -> Vec<String> {
    std::iter::once(i.text.value.clone())
        .chain(i.items.iter().map(|s| s.text.value.clone()))
        .collect()
}

fn item_notes(i: &ast::Item) -> Vec<&ast::Str> {
    i.notes
        .iter()
        .chain(i.items.iter().flat_map(|s| s.notes.iter()))
        .collect()
}

fn repair(r: &ast::Repair) -> ir::Repair {
    ir::Repair {
        from: r.from.value.clone(),
        to: r.to.value.clone(),
        reason: r.reason.value.clone(),
        span: r.span,
    }
}
