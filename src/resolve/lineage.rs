//! Resolving a policy together with the policies it extends or amends.
//!
//! The vocabulary in scope is the standard library, then every ancestor's declarations (the
//! oldest first), then the policy's own; a name declared twice anywhere is E0101. Each document
//! keeps its own articles and its rules cite them (`DocId`). Then the lineage statements take
//! effect, the oldest document's first: `repeal article N` and `replace article N` set aside the
//! rules of the nearest ancestor's article N; `override C` sets aside every rule an ancestor has
//! for the concept or duty C, so that the policy's own rules (or none: the default) decide it.
//! A statement that names what no ancestor has is a located error.
//!
//! Accepted (a county under 江西 that decides the provincial limit itself):
//! ```text
//! policy county { title "…" extends jiangxi  in_force from 2025-03-01 }
//! article 5 { para "……" { override above_provincial_limit
//!   define above_provincial_limit = total_investment >= 300万元 } }
//! ```
//! Rejected (E0126: 江西 has no rule for `filing_only`):
//! ```text
//! article 5 { para "……" { override filing_only } }
//! ```

use super::{ResolveError, ResolvedChapter, Resolver, Symbol};
use crate::diagnostic::Diagnostic;
use crate::ir::{DocId, Origin, Relation, SetAside, SetAsideWhat};
use crate::source::Span;
use crate::syntax::ast::{self, MetaField, Module, RuleKind};
use std::collections::HashMap;

/// An ancestor document as resolved: its header, chapters and articles.
#[derive(Debug)]
pub struct ResolvedDoc<'a> {
    pub header: Option<&'a ast::PolicyHeader>,
    pub chapters: Vec<ResolvedChapter<'a>>,
    pub articles: Vec<&'a ast::Article>,
    /// How the document below this one relates to it.
    pub relation: Relation,
}

/// What can be wrong with `extends`, `amends` and the lineage statements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineageError {
    /// `repeal`, `replace` or `override` in a policy that extends nothing.
    NoParent { span: Span },
    /// `repeal article N` / `replace article N`: no ancestor has article N.
    NoSuchArticle {
        number: u32,
        span: Span,
        parent: String,
    },
    /// `override C`: no ancestor has a rule for C.
    OverrideNothing {
        name: String,
        span: Span,
        parent: String,
    },
    /// In an amendment, an article numbered like one of the earlier version without
    /// `replace article N`.
    NumberClash {
        number: u32,
        span: Span,
        parent: String,
    },
    /// An amendment of another jurisdiction's measures.
    OtherJurisdiction {
        span: Span,
        ours: String,
        theirs: String,
    },
}

impl LineageError {
    pub fn diagnostic(&self) -> Diagnostic {
        match self {
            LineageError::NoParent { span } => Diagnostic::error(
                "E0127",
                "`repeal`, `replace` and `override` change a policy this one extends or amends, but it builds on none",
            )
            .with_label(*span, "nothing to change here")
            .with_help("name the parent in the policy block: `extends jiangxi` (or `amends earlier_id from \"file.tiao\"`)"),
            LineageError::NoSuchArticle { number, span, parent } => Diagnostic::error(
                "E0125",
                format!("`{parent}` has no article {number} to repeal or replace"),
            )
            .with_label(*span, "no such article in the parent")
            .with_help("name an article of the policy this one extends or amends (`tiao render PARENT` lists them)"),
            LineageError::OverrideNothing { name, span, parent } => Diagnostic::error(
                "E0126",
                format!("`{parent}` has no rule for `{name}` to override"),
            )
            .with_label(*span, "the parent does not decide this")
            .with_help(format!("to decide `{name}` here, write its rules without `override`; `override` sets aside rules the parent has")),
            LineageError::NumberClash { number, span, parent } => Diagnostic::error(
                "E0128",
                format!("article {number} of this amendment has the number of an article of `{parent}`"),
            )
            .with_label(*span, "same number as an article of the earlier version")
            .with_help(format!("an amended article says so: write `replace article {number}` in it (or give the new article a new number)")),
            LineageError::OtherJurisdiction { span, ours, theirs } => Diagnostic::error(
                "E0129",
                format!("an amendment changes the same jurisdiction's measures, but this is {ours} and the earlier version {theirs}"),
            )
            .with_label(*span, "amends another jurisdiction's measures")
            .with_help("a jurisdiction that starts from another's measures `extends` them"),
        }
    }
}

fn lineage_of(h: Option<&ast::PolicyHeader>) -> Option<(bool, Span)> {
    h?.fields.iter().find_map(|f| match f {
        MetaField::Lineage { amends, span, .. } => Some((*amends, *span)),
        _ => None,
    })
}

fn jurisdiction_of(h: Option<&ast::PolicyHeader>) -> Option<String> {
    h?.fields.iter().find_map(|f| match f {
        MetaField::Jurisdiction { name, .. } => Some(name.value.clone()),
        _ => None,
    })
}

fn header_of(m: &Module) -> Option<&ast::PolicyHeader> {
    m.items.iter().find_map(|i| match i {
        ast::TopItem::Policy(h) => Some(h),
        _ => None,
    })
}

/// Resolve a policy with the policies it builds on (`ancestors`, nearest first: the parent,
/// then its parent). With no ancestors this is [`super::resolve`].
pub fn resolve_lineage<'a>(
    stdlib: &'a [Module],
    ancestors: &'a [Module],
    policy: &'a Module,
) -> (super::Resolved<'a>, Vec<ResolveError>) {
    if ancestors.is_empty() {
        return super::resolve(stdlib, policy);
    }
    let mut r = Resolver {
        out: super::Resolved::default(),
        doc: DocId(0),
        in_force_article: None,
        errors: Vec::new(),
        first_span: HashMap::new(),
        suggestions: std::cell::Cell::new(0),
    };
    for m in stdlib {
        r.declare_module(m, Origin::Stdlib);
    }
    for m in ancestors.iter().rev() {
        r.declare_module(m, Origin::Inherited);
    }
    r.declare_module(policy, Origin::Local);
    // each ancestor's structure, the oldest first; its warnings belong to it, not here
    for (k, m) in ancestors.iter().enumerate().rev() {
        let depth = k as u32 + 1;
        r.doc = DocId(depth);
        r.in_force_article = None;
        let before = r.errors.len();
        r.structure(m);
        r.check_in_force_article();
        let mut kept = r.errors.split_off(before);
        kept.retain(ResolveError::is_error);
        r.errors.extend(kept);
        let below = if k == 0 {
            header_of(policy)
        } else {
            header_of(&ancestors[k - 1])
        };
        let relation = match lineage_of(below) {
            Some((true, _)) => Relation::Amends,
            _ => Relation::Extends,
        };
        let doc = ResolvedDoc {
            header: r.out.header.take(),
            chapters: std::mem::take(&mut r.out.chapters),
            articles: std::mem::take(&mut r.out.articles),
            relation,
        };
        r.out.lineage.push(doc);
    }
    // pushed oldest first: nearest first is the order of DocId
    r.out.lineage.reverse();
    r.doc = DocId(0);
    r.in_force_article = None;
    r.structure(policy);
    r.check_limits();
    r.check_in_force_article();
    r.check_names();
    r.apply_lineage(ancestors.len() as u32);
    r.amendment_checks(policy);
    let Resolver { out, errors, .. } = r;
    (out, errors)
}

impl<'a> Resolver<'a> {
    /// The in-force clause names an article of the document just structured.
    fn check_in_force_article(&mut self) {
        if let Some((n, span)) = self.in_force_article {
            if !self.out.articles.iter().any(|a| a.number == n) {
                self.errors
                    .push(ResolveError::NoSuchArticle { number: n, span });
            }
        }
    }

    /// Lineage statements in a policy that builds on nothing.
    pub(super) fn lineage_without_parent(&mut self, policy: &Module) {
        for p in &self.out.rules {
            if matches!(
                p.rule.kind,
                RuleKind::Repeal { .. } | RuleKind::Replace { .. } | RuleKind::Override { .. }
            ) {
                self.errors
                    .push(ResolveError::Lineage(LineageError::NoParent {
                        span: p.rule.span,
                    }));
            }
        }
        if let Some((_, span)) = lineage_of(header_of(policy)) {
            self.errors
                .push(ResolveError::Lineage(LineageError::NoParent { span }));
        }
    }

    fn doc_id_name(&self, doc: u32) -> String {
        let h = match doc {
            0 => self.out.header,
            d => self.out.lineage.get(d as usize - 1).and_then(|x| x.header),
        };
        h.map(|h| h.name.name.clone()).unwrap_or_default()
    }

    fn articles_of(&self, doc: u32) -> &[&'a ast::Article] {
        match doc {
            0 => &self.out.articles,
            d => self
                .out
                .lineage
                .get(d as usize - 1)
                .map_or(&[], |x| x.articles.as_slice()),
        }
    }

    /// Apply `repeal`, `replace` and `override`, the oldest document's statements first.
    fn apply_lineage(&mut self, depth: u32) {
        let mut gone: Vec<(u32, u32)> = Vec::new();
        for d in (0..depth).rev() {
            let statements: Vec<(RuleKind, crate::ir::Citation)> = self
                .out
                .rules
                .iter()
                .filter(|p| p.doc.0 == d)
                .filter(|p| {
                    matches!(
                        p.rule.kind,
                        RuleKind::Repeal { .. }
                            | RuleKind::Replace { .. }
                            | RuleKind::Override { .. }
                    )
                })
                .map(|p| (p.rule.kind.clone(), p.cite.clone()))
                .collect();
            let parent = self.doc_id_name(d + 1);
            for (kind, by) in statements {
                match kind {
                    RuleKind::Repeal { articles } => {
                        for (n, span) in articles {
                            self.set_aside_article(
                                d, depth, n, span, false, &by, &mut gone, &parent,
                            );
                        }
                    }
                    RuleKind::Replace { article: (n, span) } => {
                        self.set_aside_article(d, depth, n, span, true, &by, &mut gone, &parent);
                    }
                    RuleKind::Override { targets } => {
                        for t in targets {
                            self.override_rules(d, &t, &by, &parent);
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn set_aside_article(
        &mut self,
        d: u32,
        depth: u32,
        n: u32,
        span: Span,
        replaced: bool,
        by: &crate::ir::Citation,
        gone: &mut Vec<(u32, u32)>,
        parent: &str,
    ) {
        let target = (d + 1..=depth).find(|e| {
            !gone.contains(&(*e, n)) && self.articles_of(*e).iter().any(|a| a.number == n)
        });
        let Some(e) = target else {
            self.errors
                .push(ResolveError::Lineage(LineageError::NoSuchArticle {
                    number: n,
                    span,
                    parent: parent.to_string(),
                }));
            return;
        };
        gone.push((e, n));
        let mut rules = Vec::new();
        self.out.rules.retain(|p| {
            let hit = p.doc.0 == e && p.cite.article == n;
            if hit {
                rules.push((p.cite.clone(), p.rule.span));
            }
            !hit
        });
        let spans = rules.iter().map(|(_, s)| *s).collect();
        self.out.set_aside.push((
            SetAside {
                doc: DocId(e),
                what: SetAsideWhat::Article {
                    number: n,
                    replaced,
                },
                by_doc: DocId(d),
                by: by.clone(),
                rules: rules.into_iter().map(|(c, _)| (c, String::new())).collect(),
            },
            spans,
        ));
    }

    fn override_rules(&mut self, d: u32, t: &ast::Ident, by: &crate::ir::Citation, parent: &str) {
        let name = t.name.as_str();
        let mut rules = Vec::new();
        let mut keep = Vec::new();
        for mut p in std::mem::take(&mut self.out.rules) {
            let deeper = p.doc.0 > d;
            let hit = deeper
                && match &p.rule.kind {
                    RuleKind::Define { concept, .. } | RuleKind::Exception { concept, .. } => {
                        concept.name == name
                    }
                    RuleKind::Obligation { name: o, .. } => o.name == name,
                    RuleKind::Reason { concepts, .. } => {
                        concepts.iter().any(|c| c.name == name) && !p.skip.iter().any(|s| s == name)
                    }
                    _ => false,
                };
            if !hit {
                keep.push(p);
                continue;
            }
            rules.push((p.cite.clone(), p.rule.span));
            if let RuleKind::Reason { concepts, .. } = &p.rule.kind {
                p.skip.push(name.to_string());
                let all_skipped = concepts.iter().all(|c| p.skip.contains(&c.name));
                if !all_skipped {
                    keep.push(p);
                }
            }
        }
        self.out.rules = keep;
        if rules.is_empty() {
            // resolve reported a name that is no concept or duty at all
            if matches!(
                self.out.names.get(name),
                Some(Symbol::Concept(_) | Symbol::Obligation(_))
            ) {
                self.errors
                    .push(ResolveError::Lineage(LineageError::OverrideNothing {
                        name: name.to_string(),
                        span: t.span,
                        parent: parent.to_string(),
                    }));
            }
            return;
        }
        let spans = rules.iter().map(|(_, s)| *s).collect();
        self.out.set_aside.push((
            SetAside {
                doc: DocId(d + 1),
                what: SetAsideWhat::Rules {
                    name: name.to_string(),
                },
                by_doc: DocId(d),
                by: by.clone(),
                rules: rules.into_iter().map(|(c, _)| (c, String::new())).collect(),
            },
            spans,
        ));
    }

    /// An amendment renumbers nothing silently, and amends its own jurisdiction's measures.
    fn amendment_checks(&mut self, policy: &Module) {
        let Some((true, span)) = lineage_of(header_of(policy)) else {
            return;
        };
        let parent = self.doc_id_name(1);
        let ours = jurisdiction_of(header_of(policy));
        let theirs = jurisdiction_of(self.out.lineage.first().and_then(|d| d.header));
        if let (Some(o), Some(t)) = (&ours, &theirs) {
            if o != t {
                self.errors
                    .push(ResolveError::Lineage(LineageError::OtherJurisdiction {
                        span,
                        ours: o.clone(),
                        theirs: t.clone(),
                    }));
            }
        }
        let replaced: Vec<u32> = self
            .out
            .set_aside
            .iter()
            .filter(|(s, _)| s.by_doc == DocId(0))
            .filter_map(|(s, _)| match s.what {
                SetAsideWhat::Article { number, .. } => Some(number),
                _ => None,
            })
            .collect();
        let earlier: Vec<u32> = self.articles_of(1).iter().map(|a| a.number).collect();
        let clashes: Vec<(u32, Span)> = self
            .out
            .articles
            .iter()
            .filter(|a| earlier.contains(&a.number) && !replaced.contains(&a.number))
            .map(|a| {
                (
                    a.number,
                    Span {
                        end: a.number_span.end,
                        ..a.span
                    },
                )
            })
            .collect();
        for (number, span) in clashes {
            self.errors
                .push(ResolveError::Lineage(LineageError::NumberClash {
                    number,
                    span,
                    parent: parent.clone(),
                }));
        }
    }

    /// `override C`: C must be a concept or a duty.
    pub(super) fn want_overridable(&mut self, name: &ast::Ident) {
        match self.lookup(&name.name) {
            Some(Symbol::Concept(_) | Symbol::Obligation(_)) => {}
            Some(other) => self.errors.push(ResolveError::WrongKindOfName {
                name: name.name.clone(),
                span: name.span,
                wanted: "a concept or an obligation",
                found: other.kind_word(),
            }),
            None => self.errors.push(ResolveError::UnknownName {
                name: name.name.clone(),
                span: name.span,
                wanted: "a concept or an obligation",
                suggestion: self.suggest(&name.name, |s| {
                    matches!(s, Symbol::Concept(_) | Symbol::Obligation(_))
                }),
            }),
        }
    }
}
