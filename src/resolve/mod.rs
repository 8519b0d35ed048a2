//! Phase 2, resolve: collect declarations, check the document's structure, and look up every
//! name.
//!
//! The vocabulary in scope is the standard library (`stdlib/*.tiao`) plus whatever the policy
//! declares itself. Facts, concepts, obligations, enums and records share one namespace; enum
//! variants may be written bare (`governance`) when the name is unique.
//!
//! Accepted:
//! ```text
//! article 7 { para "…投资20万元以上(含本数,下同)的由区大数据中心负责技术审查…" {
//!   define technical_review_required = total_investment >= 20万元 } }
//! ```
//! Rejected (unknown name, with a suggestion `total_investment`):
//! ```text
//! article 7 { para "…" { define technical_review_required = total_investmnt >= 20万元 } }
//! ```

use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::ir::{BUILTINS, Citation, DocId, Origin};
use crate::source::Span;
use crate::syntax::ast::{self, Expr, ExprKind, MetaField, Module, RuleKind, TopItem};
use std::collections::{BTreeMap, HashMap};
use std::cmp::Ordering;

pub mod lineage;
pub use lineage::resolve_lineage;

/// What a name refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Symbol {
    Fact(u32),
    Concept(u32),
    Obligation(u32),
    Enum(u32),
    Record(u32),
}

impl Symbol {
    pub fn kind_word(self) -> &'static str {
        match self {
            Symbol::Fact(_) => "a fact",
            Symbol::Concept(_) => "a concept",
            Symbol::Obligation(_) => "an obligation",
            Symbol::Enum(_) => "an enum type",
            Symbol::Record(_) => "a record type",
        }
    }
}

/// A rule with its place in the document.
#[derive(Debug, Clone)]
pub struct PlacedRule<'a> {
    pub rule: &'a ast::Rule,
    pub cite: Citation,
    /// Text of the item or paragraph the rule stands in (the whole article's first paragraph
    /// for rules written directly in the article).
    pub text: String,
    /// The document the rule stands in (`DocId(0)`: the policy itself; see `ir::DocId`).
    pub doc: DocId,
    /// Concepts for which this reason is set aside by an `override` below its document.
    pub skip: Vec<String>,
}

/// An obligation declared in the vocabulary or the policy.
#[derive(Debug, Clone)]
pub struct DeclaredObligation {
    pub name: String,
    pub doc: Option<String>,
    pub span: Span,
    pub origin: Origin,
}

/// A chapter: its heading and its articles (indices into [`Resolved::articles`]).
#[derive(Debug, Clone)]
pub struct ResolvedChapter<'a> {
    pub heading: &'a ast::Str,
    pub articles: Vec<usize>,
}

/// The result of resolution: declarations in scope and the document's structure, borrowed from
/// the syntax trees.
#[derive(Debug, Default)]
pub struct Resolved<'a> {
    pub names: HashMap<String, Symbol>,
    /// Bare variant name → every (enum, variant) it could mean.
    pub variants: HashMap<String, Vec<(u32, u32)>>,
    pub enums: Vec<&'a ast::EnumDecl>,
    pub records: Vec<&'a ast::RecordDecl>,
    pub facts: Vec<(&'a ast::FactDecl, Origin)>,
    pub concepts: Vec<(&'a ast::ConceptDecl, Origin)>,
    pub obligations: Vec<DeclaredObligation>,
    pub header: Option<&'a ast::PolicyHeader>,
    pub chapters: Vec<ResolvedChapter<'a>>,
    /// Articles in document order, whether or not in a chapter.
    pub articles: Vec<&'a ast::Article>,
    pub rules: Vec<PlacedRule<'a>>,
    /// The documents the policy extends or amends, nearest first (`DocId(1)` is `lineage[0]`).
    pub lineage: Vec<lineage::ResolvedDoc<'a>>,
    /// What the documents set aside in their ancestors, with the spans of the rules set aside
    /// (the checker fills in their text).
    pub set_aside: Vec<(crate::ir::SetAside, Vec<Span>)>,
}

/// What can be wrong with names and the document's structure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResolveError {
    DuplicateName {
        name: String,
        first: Span,
        second: Span,
    },
    UnknownName {
        name: String,
        span: Span,
        wanted: &'static str,
        suggestion: Option<String>,
    },
    WrongKindOfName {
        name: String,
        span: Span,
        wanted: &'static str,
        found: &'static str,
    },
    UnknownFunction {
        name: String,
        span: Span,
        suggestion: Option<String>,
    },
    AmbiguousVariant {
        name: String,
        span: Span,
        enums: Vec<String>,
    },
    UnknownVariant {
        name: String,
        span: Span,
        enum_name: String,
        suggestion: Option<String>,
    },
    RuleOutsideArticle {
        span: Span,
    },
    TextOutsideArticle {
        span: Span,
    },
    DuplicateArticle {
        number: u32,
        first: Span,
        second: Span,
    },
    ArticleWithoutText {
        number: u32,
        span: Span,
    },
    MissingPolicyHeader {
        span: Span,
    },
    DuplicatePolicyHeader {
        first: Span,
        second: Span,
    },
    MissingMetadata {
        field: &'static str,
        span: Span,
    },
    UnknownMetadataField {
        name: String,
        span: Span,
        suggestion: Option<String>,
    },
    BadLevel {
        level: String,
        span: Span,
        suggestion: Option<String>,
    },
    BadScript {
        script: String,
        span: Span,
    },
    EmptyRepair {
        span: Span,
    },
    NoSuchArticle {
        number: u32,
        span: Span,
    },
    ArticleOutOfOrder {
        number: u32,
        previous: u32,
        span: Span,
    },
    NotEncoded {
        number: u32,
        span: Span,
    },
    DescriptiveWithRules {
        number: u32,
        span: Span,
    },
    BadTransitional {
        reading: String,
        span: Span,
    },
    BoundsReversed {
        span: Span,
    },
    BoundsOnKnownDate {
        span: Span,
    },
    KnownRemoved {
        span: Span,
    },
    /// More articles or rules than one policy may hold.
    TooMany {
        what: &'static str,
        limit: usize,
        span: Span,
    },
    /// A metadata field that holds one value, given twice.
    DuplicateMetadata {
        field: &'static str,
        first: Span,
        second: Span,
    },
    /// An in-force period that ends before it starts, or lasts no time.
    EmptyInForce {
        span: Span,
        why: String,
    },
    /// `between A and B after …` where B comes before A (or equals it).
    WindowReversed {
        span: Span,
        from: String,
        to: String,
        empty: bool,
    },
    /// `within 0… after …`.
    ZeroPeriod {
        span: Span,
    },
    /// `extends` / `amends` and the statements that change a parent (E0125–E0129).
    Lineage(lineage::LineageError),
}

pub const LEVELS: [&str; 5] = [
    "province",
    "prefecture",
    "county_city",
    "county",
    "district",
];
const META_FIELDS: [&str; 12] = [
    "title",
    "number",
    "issuer",
    "jurisdiction",
    "issued",
    "in_force",
    "replaces",
    "based_on",
    "script",
    "transitional",
    "repair",
    "note",
];
const TRANSITIONAL: [&str; 3] = ["not_judged", "continues", "from_in_force"];

impl ResolveError {
    pub fn diagnostic(&self) -> Diagnostic {
        use ResolveError::*;
        let mean = |s: &Option<String>| s.as_ref().map(|s| format!("did you mean `{s}`?"));
        match self {
            DuplicateName { name, first, second } => Diagnostic::error("E0101", format!("`{name}` is declared twice"))
                .with_label(*second, "declared again here")
                .with_label(*first, "first declared here")
                .with_help("rename one of them; a policy may not redeclare a name of the shared vocabulary"),
            UnknownName { name, span, wanted, suggestion } => {
                let d = Diagnostic::error("E0102", format!("unknown name `{name}`"))
                    .with_label(*span, format!("not declared: expected {wanted}"));
                match mean(suggestion) {
                    Some(h) => d.with_help(h),
                    None => d.with_help("declare it with `fact NAME: TYPE \"说明\"` or `concept NAME: TYPE \"说明\"`, or use a name from stdlib/vocabulary.tiao"),
                }
            }
            WrongKindOfName { name, span, wanted, found } => {
                Diagnostic::error("E0103", format!("`{name}` is {found}, but {wanted} is needed here"))
                    .with_label(*span, format!("this is {found}"))
                    .with_help(match *wanted {
                        "a concept" => "rules decide concepts; facts are inputs and cannot be defined by a rule",
                        "a date fact" => "the act of an obligation is the fact that records the date the duty was done",
                        _ => "check the name",
                    })
            }
            UnknownFunction { name, span, suggestion } => {
                let names: Vec<&str> = BUILTINS.iter().map(|(n, _, _)| *n).collect();
                Diagnostic::error("E0104", format!("unknown function `{name}`"))
                    .with_label(*span, "no such function")
                    .with_help(mean(suggestion).unwrap_or_else(|| format!("the functions are {}", names.join(", "))))
            }
            AmbiguousVariant { name, span, enums } => Diagnostic::error("E0105", format!("`{name}` is a variant of several enums"))
                .with_label(*span, "ambiguous")
                .with_help(format!("qualify it: {}", enums.iter().map(|e| format!("`{e}.{name}`")).collect::<Vec<_>>().join(" or "))),
            UnknownVariant { name, span, enum_name, suggestion } => {
                let d = Diagnostic::error("E0106", format!("`{enum_name}` has no variant `{name}`")).with_label(*span, "no such variant");
                match mean(suggestion) {
                    Some(h) => d.with_help(h),
                    None => d,
                }
            }
            RuleOutsideArticle { span } => Diagnostic::error("E0107", "a rule must stand inside an article")
                .with_label(*span, "this rule belongs to no article")
                .with_help("move it into the `article N { … }` whose text it encodes, so that its value can cite the law"),
            TextOutsideArticle { span } => Diagnostic::error("E0108", "text must belong to an article")
                .with_label(*span, "this text belongs to no article")
                .with_help("write it as `para \"…\"` inside an `article N { … }`"),
            DuplicateArticle { number, first, second } => {
                Diagnostic::error("E0109", format!("article {number} appears twice"))
                    .with_label(*second, "second article with this number")
                    .with_label(*first, "first one here")
                    .with_help("each article number appears once; merge the two or renumber")
            }
            ArticleWithoutText { number, span } => Diagnostic::error("E0110", format!("article {number} has no text"))
                .with_label(*span, "no `para` or `item`")
                .with_help("copy the article's verbatim text into `para \"…\"`: rules must stand next to the law they encode"),
            MissingPolicyHeader { span } => Diagnostic::error("E0111", "this file has no `policy` block")
                .with_label(*span, "policy file starts here")
                .with_help("start the file with `policy NAME { title \"…\" number \"…\" issuer \"…\" … }`"),
            DuplicatePolicyHeader { first, second } => Diagnostic::error("E0112", "a file holds one `policy` block")
                .with_label(*second, "second block")
                .with_label(*first, "first block"),
            MissingMetadata { field, span } => Diagnostic::error("E0113", format!("the policy block lacks `{field}`"))
                .with_label(*span, format!("no `{field}` here"))
                .with_help(match *field {
                    "title" => "add the document's title: title \"…管理办法\"",
                    "in_force" => "add when the document takes effect, e.g. `in_force from 2022-06-21` or `in_force from issued for 3年`",
                    _ => "add it",
                }),
            UnknownMetadataField { name, span, suggestion } => {
                Diagnostic::error("E0114", format!("`{name}` is not a metadata field"))
                    .with_label(*span, "unknown field")
                    .with_help(mean(suggestion).unwrap_or_else(|| format!("the fields are {}", META_FIELDS.join(", "))))
            }
            BadLevel { level, span, suggestion } => Diagnostic::error("E0115", format!("`{level}` is not a jurisdiction level"))
                .with_label(*span, "unknown level")
                .with_help(mean(suggestion).unwrap_or_else(|| format!("the levels are {}", LEVELS.join(", ")))),
            BadScript { script, span } => Diagnostic::error("E0116", format!("`{script}` is not a script"))
                .with_label(*span, "unknown script")
                .with_help("write `script simplified` or `script traditional` (it decides 第七条 or 第七條)"),
            EmptyRepair { span } => Diagnostic::error("E0117", "a repair must replace some text")
                .with_label(*span, "the text to replace is empty")
                .with_help("write the exact noise found in the source, e.g. repair \"—4—\" => \"\" because \"PDF page number\""),
            NoSuchArticle { number, span } => Diagnostic::error("E0118", format!("there is no article {number} in this file"))
                .with_label(*span, "no such article")
                .with_help("name the article that states the in-force period, e.g. `in_force from 2022-06-21 article 25`"),
            ArticleOutOfOrder { number, previous, span } => {
                Diagnostic::warning("W0101", format!("article {number} comes after article {previous}"))
                    .with_label(*span, "out of order")
                    .with_help("keep articles in the document's order so that `tiao render` reproduces it")
            }
            NotEncoded { number, span } => Diagnostic::warning("W0102", format!("article {number} is not encoded"))
                .with_label(*span, "no rules and not marked descriptive")
                .with_help("add the rules it contains, or `descriptive \"reason\"` if nothing in it can be computed"),
            BadTransitional { reading, span } => Diagnostic::error("E0119", format!("`{reading}` is not a transitional reading"))
                .with_label(*span, "unknown reading")
                .with_help("write `transitional not_judged` (the default: a duty triggered before entry into force is not judged), `transitional continues` or `transitional from_in_force`"),
            BoundsReversed { span } => Diagnostic::error("E0120", "the issue date's bounds are reversed")
                .with_label(*span, "`not_before` is after `not_after`")
                .with_help("the earliest possible date comes first: `issued unknown not_before 2022-01-01 not_after 2023-12-31`"),
            BoundsOnKnownDate { span } => Diagnostic::error("E0121", "bounds are given for an issue date that is known")
                .with_label(*span, "bounds on a known date")
                .with_help("bounds belong to `issued unknown`; a known date needs none"),
            TooMany { what, limit, span } => Diagnostic::error("E0143", format!("this policy has more than {limit} {what}"))
                .with_label(*span, format!("the {}th of its {what}", limit + 1))
                .with_help("one policy file encodes one document; split a generated file into several policies"),
            DuplicateMetadata { field, first, second } => Diagnostic::error("E0140", format!("`{field}` is given twice"))
                .with_label(*second, "given again here")
                .with_label(*first, "first given here")
                .with_help(format!("a policy has one `{field}`: keep the one the text supports and delete the other")),
            EmptyInForce { span, why } => Diagnostic::error("E0141", format!("the in-force period is empty: {why}"))
                .with_label(*span, "no day is in force")
                .with_help("check the dates against the document's in-force article: `in_force from 2022-06-21 until 2024-06-30` or `in_force from issued for 3年`"),
            WindowReversed { span, from, to, empty: false } => Diagnostic::error("E0142", format!("the window closes ({to}) before it opens ({from})"))
                .with_label(*span, "reversed window")
                .with_help(format!("write the earlier bound first: `between {to} and {from} after …`")),
            WindowReversed { span, from, .. } => Diagnostic::warning("W0104", format!("the window opens and closes at {from}: it is a single day"))
                .with_label(*span, "a window of one day")
                .with_help(format!("if the text means one time limit, write `within {from} after …`; otherwise check the bounds against the text")),
            ZeroPeriod { span } => Diagnostic::warning("W0105", "a period of zero: the duty falls due on the day of its trigger")
                .with_label(*span, "zero")
                .with_help("check the number against the text; a duty due on a given day is written `by DATE`"),
            KnownRemoved { span } => Diagnostic::error("E0122", "`known(…)` is not part of the language: the absence of a fact is never read as a fact")
                .with_label(*span, "`known` here")
                .with_help("for an event write `happened(contract_filed_on)` (unknown while the date is not given; `false` in the facts says it has not happened); for the consequence of a duty write `contract_filing is outstanding` (or overdue, late, breached, done, met)"),
            Lineage(e) => e.diagnostic(),
            DescriptiveWithRules { number, span } => {
                Diagnostic::warning("W0103", format!("article {number} is marked descriptive but contains rules"))
                    .with_label(*span, "marked descriptive here")
                    .with_help("remove `descriptive`: the article is encoded")
            }
        }
    }

    pub fn is_error(&self) -> bool {
        !matches!(
            self,
            ResolveError::ArticleOutOfOrder { .. }
                | ResolveError::NotEncoded { .. }
                | ResolveError::DescriptiveWithRules { .. }
        )
    }
}

/// Resolve a policy against the standard library. Warnings are returned with the errors; the
/// caller decides whether to go on (there is an error iff any `is_error()`).
pub fn resolve<'a>(stdlib: &'a [Module], policy: &'a Module) -> (Resolved<'a>, Vec<ResolveError>) {
    let mut r = Resolver {
        out: Resolved::default(),
        doc: DocId(0),
        in_force_article: None,
        errors: Vec::new(),
        first_span: HashMap::new(),
        suggestions: std::cell::Cell::new(0),
    };
    for m in stdlib {
        r.declare_module(m, Origin::Stdlib);
    }
    r.declare_module(policy, Origin::Local);
    r.structure(policy);
    r.check_limits();
    if let Some((n, span)) = r.in_force_article {
        if !r.out.articles.iter().any(|a| a.number == n) {
            r.errors
                .push(ResolveError::NoSuchArticle { number: n, span });
        }
    }
    r.check_names();
    r.lineage_without_parent(policy);
    let Resolver { out, errors, .. } = r;
    (out, errors)
}

/// The most articles one policy may hold (the longest Chinese code, 《民法典》, has 1260).
pub const MAX_ARTICLES: usize = 10_000;

/// The most rules one policy may hold.
pub const MAX_RULES: usize = 200_000;

impl Resolver<'_> {
    /// The articles and rules of the document just structured stay within the limits.
    fn check_limits(&mut self) {
        if let Some(a) = self.out.articles.get(MAX_ARTICLES) {
            self.errors.push(ResolveError::TooMany {
                what: "articles",
                limit: MAX_ARTICLES,
                span: Span {
                    end: a.number_span.end,
                    ..a.span
                },
            });
        }
        if let Some(p) = self.out.rules.get(MAX_RULES) {
            self.errors.push(ResolveError::TooMany {
                what: "rules",
                limit: MAX_RULES,
                span: p.rule.span,
            });
        }
    }
}

struct Resolver<'a> {
    out: Resolved<'a>,
    /// The document being structured (`DocId(0)`: the policy itself).
    doc: DocId,
    /// The article the policy block names as stating the in-force period.
    in_force_article: Option<(u32, Span)>,
    errors: Vec<ResolveError>,
    first_span: HashMap<String, Span>,
    /// How many "did you mean" hints were computed.
    suggestions: std::cell::Cell<usize>,
}

/// How many unknown names get a "did you mean" hint.
pub const MAX_SUGGESTIONS: usize = 200;

impl<'a> Resolver<'a> {
    fn declare(&mut self, name: &ast::Ident, sym: Symbol) -> bool {
        if let Some(first) = self.first_span.get(&name.name) {
            self.errors.push(ResolveError::DuplicateName {
                name: name.name.clone(),
                first: *first,
                second: name.span,
            });
            return false;
        }
        self.first_span.insert(name.name.clone(), name.span);
        self.out.names.insert(name.name.clone(), sym);
        true
    }

    fn declare_module(&mut self, m: &'a Module, origin: Origin) {
        for item in &m.items {
            match item {
                TopItem::Enum(e) => {
                    let id = self.out.enums.len() as u32;
                    if self.declare(&e.name, Symbol::Enum(id)) {
                        for (i, (v, _)) in e.variants.iter().enumerate() {
                            self.out
                                .variants
                                .entry(v.name.clone())
                                .or_default()
                                .push((id, i as u32));
                        }
                        self.out.enums.push(e);
                    }
                }
                TopItem::Record(rec) => {
                    let id = self.out.records.len() as u32;
                    if self.declare(&rec.name, Symbol::Record(id)) {
                        self.out.records.push(rec);
                    }
                }
                TopItem::Fact(f) => self.declare_fact(f, origin),
                TopItem::Concept(c) => self.declare_concept(c, origin),
                TopItem::Obligation(o) => {
                    let id = self.out.obligations.len() as u32;
                    if self.declare(&o.name, Symbol::Obligation(id)) {
                        self.out.obligations.push(DeclaredObligation {
                            name: o.name.name.clone(),
                            doc: o.doc.as_ref().map(|d| d.value.clone()),
                            span: o.span,
                            origin,
                        });
                    }
                }
                TopItem::Chapter(ch) => {
                    for a in &ch.articles {
                        self.declare_article_locals(a, origin);
                    }
                }
                TopItem::Article(a) => self.declare_article_locals(a, origin),
                _ => {}
            }
        }
    }

    fn declare_fact(&mut self, f: &'a ast::FactDecl, origin: Origin) {
        let id = self.out.facts.len() as u32;
        if self.declare(&f.name, Symbol::Fact(id)) {
            self.out.facts.push((f, origin));
        }
    }

    fn declare_concept(&mut self, c: &'a ast::ConceptDecl, origin: Origin) {
        let id = self.out.concepts.len() as u32;
        if self.declare(&c.name, Symbol::Concept(id)) {
            self.out.concepts.push((c, origin));
        }
    }

    fn declare_article_locals(&mut self, a: &'a ast::Article, origin: Origin) {
        let origin = if origin == Origin::Stdlib {
            Origin::Local
        } else {
            origin
        };
        for f in &a.facts {
            self.declare_fact(f, origin);
        }
        for c in &a.concepts {
            self.declare_concept(c, origin);
        }
    }

    fn structure(&mut self, m: &'a Module) {
        let mut headers = m.items.iter().filter_map(|i| {
            if let TopItem::Policy(h) = i {
                Some(h)
            } else {
                None
            }
        });
        match headers.next() {
            Some(h) => {
                self.out.header = Some(h);
                for extra in headers {
                    self.errors.push(ResolveError::DuplicatePolicyHeader {
                        first: h.span,
                        second: extra.span,
                    });
                }
                self.metadata(h);
            }
            None => {
                let span = Span::new(m.file, 0, 0);
                self.errors.push(ResolveError::MissingPolicyHeader { span });
            }
        }
        let mut seen: BTreeMap<u32, Span> = BTreeMap::new();
        let mut previous: Option<u32> = None;
        for item in &m.items {
            match item {
                TopItem::Chapter(ch) => {
                    for r in &ch.stray_rules {
                        self.errors
                            .push(ResolveError::RuleOutsideArticle { span: r.span });
                    }
                    for t in &ch.stray_text {
                        self.errors
                            .push(ResolveError::TextOutsideArticle { span: t.span });
                    }
                    let mut articles = Vec::new();
                    for a in &ch.articles {
                        articles.push(self.out.articles.len());
                        self.article(a, &mut seen, &mut previous);
                    }
                    self.out.chapters.push(ResolvedChapter {
                        heading: &ch.heading,
                        articles,
                    });
                }
                TopItem::Article(a) => self.article(a, &mut seen, &mut previous),
                TopItem::Rule(r) => self
                    .errors
                    .push(ResolveError::RuleOutsideArticle { span: r.span }),
                TopItem::StrayText(t) => self
                    .errors
                    .push(ResolveError::TextOutsideArticle { span: t.span }),
                _ => {}
            }
        }
    }

    fn metadata(&mut self, h: &'a ast::PolicyHeader) {
        let mut has_title = false;
        let mut has_in_force = false;
        let mut given: Vec<(&'static str, Span)> = Vec::new();
        let mut issued_on = None;
        for f in &h.fields {
            if let MetaField::Issued { date: Some(d), .. } = f {
                issued_on = Some(*d);
            }
        }
        for f in &h.fields {
            if let Some((field, span)) = single_valued(f) {
                match given.iter().find(|(g, _)| *g == field) {
                    Some((_, first)) => self.errors.push(ResolveError::DuplicateMetadata {
                        field,
                        first: *first,
                        second: span,
                    }),
                    None => given.push((field, span)),
                }
            }
            if let MetaField::InForce { from, end, span, .. } = f {
                let start = match from {
                    ast::InForceStart::Date(d) => Some(*d),
                    ast::InForceStart::Issued => issued_on,
                };
                let why = match end {
                    Some(ast::InForceEnd::Until(u)) => start
                        .filter(|s| u < s)
                        .map(|s| format!("it ends on {u}, before it starts on {s}")),
                    Some(ast::InForceEnd::For(p)) if p.amount == 0 => {
                        Some(format!("it lasts {}", crate::value::Value::Duration(*p)))
                    }
                    _ => None,
                };
                if let Some(why) = why {
                    self.errors.push(ResolveError::EmptyInForce { span: *span, why });
                }
            }
            match f {
                MetaField::Title(_) => has_title = true,
                MetaField::InForce { article, .. } => {
                    has_in_force = true;
                    self.in_force_article = *article;
                }
                MetaField::Jurisdiction { level, .. } if !LEVELS.contains(&level.name.as_str()) => {
                    self.errors.push(ResolveError::BadLevel {
                        level: level.name.clone(),
                        span: level.span,
                        suggestion: did_you_mean(&level.name, LEVELS).map(str::to_string),
                    });
                }
                MetaField::Script(s) if s.name != "simplified" && s.name != "traditional" => {
                    self.errors.push(ResolveError::BadScript {
                        script: s.name.clone(),
                        span: s.span,
                    });
                }
                MetaField::Transitional { reading, .. }
                    if !TRANSITIONAL.contains(&reading.name.as_str()) =>
                {
                    self.errors.push(ResolveError::BadTransitional {
                        reading: reading.name.clone(),
                        span: reading.span,
                    });
                }
                MetaField::Issued {
                    date,
                    not_before,
                    not_after,
                    span,
                    ..
                } => {
                    if date.is_some() && (not_before.is_some() || not_after.is_some()) {
                        self.errors
                            .push(ResolveError::BoundsOnKnownDate { span: *span });
                    }
                    if let (Some(lo), Some(hi)) = (not_before, not_after) {
                        if lo > hi {
                            self.errors
                                .push(ResolveError::BoundsReversed { span: *span });
                        }
                    }
                }
                MetaField::Unknown { name, .. } => {
                    self.errors.push(ResolveError::UnknownMetadataField {
                        name: name.name.clone(),
                        span: name.span,
                        suggestion: did_you_mean(&name.name, META_FIELDS).map(str::to_string),
                    })
                }
                _ => {}
            }
        }
        for r in &h.repairs {
            if r.from.value.is_empty() {
                self.errors
                    .push(ResolveError::EmptyRepair { span: r.from.span });
            }
        }
        if !has_title {
            self.errors.push(ResolveError::MissingMetadata {
                field: "title",
                span: h.name.span,
            });
        }
        if !has_in_force {
            self.errors.push(ResolveError::MissingMetadata {
                field: "in_force",
                span: h.name.span,
            });
        }
    }

    fn article(
        &mut self,
        a: &'a ast::Article,
        seen: &mut BTreeMap<u32, Span>,
        previous: &mut Option<u32>,
    ) {
        let head = Span {
            end: a.number_span.end,
            ..a.span
        };
        if let Some(first) = seen.get(&a.number) {
            self.errors.push(ResolveError::DuplicateArticle {
                number: a.number,
                first: *first,
                second: head,
            });
        } else {
            seen.insert(a.number, head);
        }
        if let Some(p) = *previous {
            if a.number < p {
                self.errors.push(ResolveError::ArticleOutOfOrder {
                    number: a.number,
                    previous: p,
                    span: head,
                });
            }
        }
        *previous = Some(a.number);
        if a.parts.is_empty() {
            self.errors.push(ResolveError::ArticleWithoutText {
                number: a.number,
                span: head,
            });
        }
        for r in &a.repairs {
            if r.from.value.is_empty() {
                self.errors
                    .push(ResolveError::EmptyRepair { span: r.from.span });
            }
        }
        self.out.articles.push(a);
        let before = self.out.rules.len();
        let first_text = a
            .parts
            .first()
            .map(|p| match p {
                ast::Part::Para(p) => p.text.value.clone(),
                ast::Part::Item(i) => i.text.value.clone(),
            })
            .unwrap_or_default();
        for rule in &a.rules {
            self.out.rules.push(PlacedRule {
                rule,
                cite: Citation {
                    article: a.number,
                    paragraph: None,
                    item: None,
                    sub_item: None,
                },
                text: first_text.clone(),
                doc: self.doc,
                skip: Vec::new(),
            });
        }
        let mut para_no = 0u32;
        for part in &a.parts {
            match part {
                ast::Part::Para(p) => {
                    para_no += 1;
                    for rule in &p.rules {
                        self.out.rules.push(PlacedRule {
                            rule,
                            cite: Citation {
                                article: a.number,
                                paragraph: Some(para_no),
                                item: None,
                                sub_item: None,
                            },
                            text: p.text.value.clone(),
                            doc: self.doc,
                            skip: Vec::new(),
                        });
                    }
                    for it in &p.items {
                        self.item_rules(a.number, Some(para_no), it);
                    }
                }
                ast::Part::Item(it) => self.item_rules(a.number, None, it),
            }
        }
        let has_rules = self.out.rules.len() > before
            || self.in_force_article.is_some_and(|(n, _)| n == a.number);
        match (&a.descriptive, has_rules) {
            (None, false) => self.errors.push(ResolveError::NotEncoded {
                number: a.number,
                span: head,
            }),
            (Some(d), true) => self.errors.push(ResolveError::DescriptiveWithRules {
                number: a.number,
                span: d.span,
            }),
            _ => {}
        }
    }

    fn item_rules(&mut self, article: u32, paragraph: Option<u32>, it: &'a ast::Item) {
        let item = item_label(&it.text.value);
        // sub-items (目) cite their item and their own label; an unlabelled continuation of the
        // item cites the item
        let parts = std::iter::once((it, None)).chain(
            it.items
                .iter()
                .map(|sub| (sub, item_label(&sub.text.value))),
        );
        for (part, sub_item) in parts {
            for rule in &part.rules {
                self.out.rules.push(PlacedRule {
                    rule,
                    cite: Citation {
                        article,
                        paragraph,
                        item: item.clone(),
                        sub_item: sub_item.clone(),
                    },
                    text: part.text.value.clone(),
                    doc: self.doc,
                    skip: Vec::new(),
                });
            }
        }
    }

    fn lookup(&self, name: &str) -> Option<Symbol> {
        self.out.names.get(name).copied()
    }

    /// The declared name closest to `name`, for a "did you mean" hint. Only the first
    /// [`MAX_SUGGESTIONS`] unknown names get one: each costs a comparison with every name, and
    /// only the first diagnostics are shown anyway.
    fn suggest(&self, name: &str, pred: impl Fn(Symbol) -> bool) -> Option<String> {
        if self.suggestions.get() >= MAX_SUGGESTIONS {
            return None;
        }
        self.suggestions.set(self.suggestions.get() + 1);
        let candidates: Vec<&str> = self
            .out
            .names
            .iter()
            .filter(|(_, s)| pred(**s))
            .map(|(n, _)| n.as_str())
            .collect();
        let mut sorted = candidates;
        sorted.sort();
        did_you_mean(name, sorted).map(str::to_string)
    }

    fn check_names(&mut self) {
        let rules = self.out.rules.clone();
        for placed in &rules {
            match &placed.rule.kind {
                RuleKind::Define {
                    concept,
                    value,
                    when,
                } => {
                    self.want_concept(concept);
                    self.expr(value);
                    if let Some(w) = when {
                        self.expr(w);
                    }
                }
                RuleKind::Exception {
                    concept,
                    value,
                    when,
                } => {
                    self.want_concept(concept);
                    self.expr(value);
                    self.expr(when);
                }
                RuleKind::Reason { concepts, when, .. } => {
                    for concept in concepts {
                        self.want_concept(concept);
                    }
                    self.expr(when);
                }
                RuleKind::Override { targets } => {
                    for t in targets {
                        self.want_overridable(t);
                    }
                }
                RuleKind::Repeal { .. } | RuleKind::Replace { .. } => {}
                RuleKind::Obligation {
                    name,
                    act,
                    deadline,
                    when,
                    ..
                } => {
                    match self.lookup(&name.name) {
                        Some(Symbol::Obligation(_)) => {}
                        Some(other) => self.errors.push(ResolveError::WrongKindOfName {
                            name: name.name.clone(),
                            span: name.span,
                            wanted: "an obligation",
                            found: other.kind_word(),
                        }),
                        None => self.errors.push(ResolveError::UnknownName {
                            name: name.name.clone(),
                            span: name.span,
                            wanted: "an obligation",
                            suggestion: self
                                .suggest(&name.name, |s| matches!(s, Symbol::Obligation(_))),
                        }),
                    }
                    match self.lookup(&act.name) {
                        Some(Symbol::Fact(_)) => {}
                        Some(other) => self.errors.push(ResolveError::WrongKindOfName {
                            name: act.name.clone(),
                            span: act.span,
                            wanted: "a date fact",
                            found: other.kind_word(),
                        }),
                        None => self.errors.push(ResolveError::UnknownName {
                            name: act.name.clone(),
                            span: act.span,
                            wanted: "a date fact",
                            suggestion: self.suggest(&act.name, |s| matches!(s, Symbol::Fact(_))),
                        }),
                    }
                    match deadline.as_ref() {
                        ast::Deadline::Within { period, after, .. } => {
                            if let ast::ExprKind::Duration(p) = &period.kind {
                                if p.amount == 0 {
                                    self.errors.push(ResolveError::ZeroPeriod { span: period.span });
                                }
                            }
                            self.expr(period);
                            self.expr(after);
                        }
                        ast::Deadline::Between {
                            from, to, after, ..
                        } => {
                            if let (ast::ExprKind::Duration(a), ast::ExprKind::Duration(b)) =
                                (&from.kind, &to.kind)
                            {
                                let order = crate::value::period_cmp(*a, *b);
                                if matches!(order, Some(Ordering::Greater | Ordering::Equal)) {
                                    self.errors.push(ResolveError::WindowReversed {
                                        span: from.span.to(to.span),
                                        from: crate::value::Value::Duration(*a).to_string(),
                                        to: crate::value::Value::Duration(*b).to_string(),
                                        empty: order == Some(Ordering::Equal),
                                    });
                                }
                            }
                            self.expr(from);
                            self.expr(to);
                            self.expr(after);
                        }
                        ast::Deadline::By { date } => self.expr(date),
                        ast::Deadline::Yearly { from, until, .. } => {
                            self.expr(from);
                            if let Some(u) = until {
                                self.expr(u);
                            }
                        }
                    }
                    if let Some(w) = when {
                        self.expr(w);
                    }
                }
            }
        }
        let concepts = self.out.concepts.clone();
        for (c, _) in concepts {
            if let Some(d) = &c.default {
                self.expr(d);
            }
        }
    }

    fn want_concept(&mut self, name: &ast::Ident) {
        match self.lookup(&name.name) {
            Some(Symbol::Concept(_)) => {}
            Some(other) => self.errors.push(ResolveError::WrongKindOfName {
                name: name.name.clone(),
                span: name.span,
                wanted: "a concept",
                found: other.kind_word(),
            }),
            None => self.errors.push(ResolveError::UnknownName {
                name: name.name.clone(),
                span: name.span,
                wanted: "a concept",
                suggestion: self.suggest(&name.name, |s| matches!(s, Symbol::Concept(_))),
            }),
        }
    }

    fn expr(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Name(id) => {
                if id.name == "as_of" || self.lookup(&id.name).is_some() {
                    return;
                }
                match self.out.variants.get(&id.name) {
                    Some(v) if v.len() == 1 => {}
                    Some(v) => self.errors.push(ResolveError::AmbiguousVariant {
                        name: id.name.clone(),
                        span: id.span,
                        enums: v
                            .iter()
                            .map(|(e, _)| self.out.enums[*e as usize].name.name.clone())
                            .collect(),
                    }),
                    None => {
                        let suggestion = if self.suggestions.get() < MAX_SUGGESTIONS {
                            self.suggestions.set(self.suggestions.get() + 1);
                            let mut cands: Vec<&str> = self
                                .out
                                .names
                                .iter()
                                .filter(|(_, s)| {
                                    matches!(s, Symbol::Fact(_) | Symbol::Concept(_))
                                })
                                .map(|(n, _)| n.as_str())
                                .chain(self.out.variants.keys().map(String::as_str))
                                .collect();
                            cands.sort();
                            did_you_mean(&id.name, cands).map(str::to_string)
                        } else {
                            None
                        };
                        self.errors.push(ResolveError::UnknownName {
                            name: id.name.clone(),
                            span: id.span,
                            wanted: "a fact, a concept or an enum variant",
                            suggestion,
                        });
                    }
                }
            }
            ExprKind::Field(base, field) => {
                // `Enum.variant` or record field access
                if let ExprKind::Name(b) = &base.kind {
                    if let Some(Symbol::Enum(eid)) = self.lookup(&b.name) {
                        let decl = self.out.enums[eid as usize];
                        if !decl.variants.iter().any(|(v, _)| v.name == field.name) {
                            let cands: Vec<&str> =
                                decl.variants.iter().map(|(v, _)| v.name.as_str()).collect();
                            self.errors.push(ResolveError::UnknownVariant {
                                name: field.name.clone(),
                                span: field.span,
                                enum_name: b.name.clone(),
                                suggestion: did_you_mean(&field.name, cands).map(str::to_string),
                            });
                        }
                        return;
                    }
                }
                self.expr(base);
            }
            ExprKind::Unary(_, x) => self.expr(x),
            ExprKind::Binary(_, a, b) => {
                self.expr(a);
                self.expr(b);
            }
            ExprKind::In { value, set, .. } => {
                self.expr(value);
                set.iter().for_each(|x| self.expr(x));
            }
            ExprKind::Member { value, set, .. } => {
                self.expr(value);
                self.expr(set);
            }
            ExprKind::If(a, b, c) => {
                self.expr(a);
                self.expr(b);
                self.expr(c);
            }
            ExprKind::Call(name, args) => {
                if name.name == "known" {
                    self.errors
                        .push(ResolveError::KnownRemoved { span: name.span });
                } else if !BUILTINS.iter().any(|(n, _, _)| *n == name.name) {
                    let names: Vec<&str> = BUILTINS.iter().map(|(n, _, _)| *n).collect();
                    self.errors.push(ResolveError::UnknownFunction {
                        name: name.name.clone(),
                        span: name.span,
                        suggestion: did_you_mean(&name.name, names).map(str::to_string),
                    });
                }
                args.iter().for_each(|x| self.expr(x));
            }
            ExprKind::DutyTest { duty, .. } => match self.lookup(&duty.name) {
                Some(Symbol::Obligation(_)) => {}
                Some(other) => self.errors.push(ResolveError::WrongKindOfName {
                    name: duty.name.clone(),
                    span: duty.span,
                    wanted: "an obligation",
                    found: other.kind_word(),
                }),
                None => self.errors.push(ResolveError::UnknownName {
                    name: duty.name.clone(),
                    span: duty.span,
                    wanted: "an obligation",
                    suggestion: self.suggest(&duty.name, |s| matches!(s, Symbol::Obligation(_))),
                }),
            },
            ExprKind::Set(items) => items.iter().for_each(|x| self.expr(x)),
            _ => {}
        }
    }
}

/// The label of an item as written at the start of its text: `(一)`, `（一）`, `1.`, `1、`, `一、`.
pub fn item_label(text: &str) -> Option<String> {
    let t = text.trim_start();
    for (open, close) in [('(', ')'), ('（', '）')] {
        if let Some(rest) = t.strip_prefix(open) {
            if let Some(end) = rest.find(close) {
                let inner = &rest[..end];
                if !inner.is_empty() && inner.chars().count() <= 4 {
                    return Some(format!("{open}{inner}{close}"));
                }
            }
        }
    }
    let label: String = t
        .chars()
        .take_while(|c| c.is_ascii_digit() || "一二三四五六七八九十".contains(*c))
        .collect();
    if !label.is_empty() {
        let rest = &t[label.len()..];
        if let Some(sep) = rest
            .chars()
            .next()
            .filter(|c| ['.', '、', '．'].contains(c))
        {
            return Some(format!("{label}{sep}"));
        }
    }
    None
}

/// The name and place of a metadata field that holds one value (`replaces` and `based_on` may
/// be repeated; an unknown field is reported on its own).
fn single_valued(f: &MetaField) -> Option<(&'static str, Span)> {
    Some(match f {
        MetaField::Title(s) => ("title", s.span),
        MetaField::Number(s) => ("number", s.span),
        MetaField::Issuer(s) => ("issuer", s.span),
        MetaField::Jurisdiction { name, .. } => ("jurisdiction", name.span),
        MetaField::Issued { span, .. } => ("issued", *span),
        MetaField::Transitional { span, .. } => ("transitional", *span),
        MetaField::InForce { span, .. } => ("in_force", *span),
        MetaField::Script(s) => ("script", s.span),
        MetaField::Lineage { span, amends, .. } => {
            (if *amends { "amends" } else { "extends" }, *span)
        }
        MetaField::Replaces(_) | MetaField::BasedOn(_) | MetaField::Unknown { .. } => return None,
    })
}
