//! The typed intermediate representation: what the checker proves and every backend consumes.
//!
//! Names are resolved to indices ([`FactId`], [`ConceptId`], …), every expression carries its
//! [`Type`], and every rule carries its [`Citation`] (article, paragraph, item) and its source
//! text, so that the interpreter can explain a value and a second backend (the JIT) can compile
//! the same tree without looking back at the syntax.
//!
//! Accepted into the IR: `define supervision_required = total_investment >= 500万元` becomes a
//! `ConceptRule` whose value is `Binary(Ge, Fact(total_investment): money, Const(5000000): money)`
//! of type bool, cited 第二十三条第一款. Never in the IR: an unresolved name or an untyped
//! expression — `define supervision_required = total_investmnt >= 500万元` stops at resolve
//! (E0102), so backends need no error paths for names or types.

use crate::calendar::Period;
use crate::source::Span;
use crate::syntax::ast::BinOp;
use crate::value::Value;
use chrono::NaiveDate;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FactId(pub u32);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConceptId(pub u32);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObligationId(pub u32);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EnumId(pub u32);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RecordId(pub u32);

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Type {
    Bool,
    Int,
    Decimal,
    Money,
    Percent,
    Date,
    Duration,
    Text,
    Enum(EnumId),
    Record(RecordId),
    Set(Box<Type>),
    /// A collection of reasons, each citing its article and item.
    Reasons,
}

#[derive(Debug, Clone)]
pub struct EnumDef {
    pub name: String,
    pub doc: Option<String>,
    pub variants: Vec<(String, Option<String>)>,
}

#[derive(Debug, Clone)]
pub struct RecordDef {
    pub name: String,
    pub fields: Vec<(String, Type)>,
}

#[derive(Debug, Clone)]
pub struct FactDef {
    pub name: String,
    pub ty: Type,
    pub doc: Option<String>,
    pub span: Span,
    /// Declared by the policy rather than the shared vocabulary.
    pub local: bool,
}

/// Where a rule stands in the law: 第七条第一款第(一)项.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Citation {
    pub article: u32,
    /// 1-based paragraph (款) number, if the rule sits in a paragraph.
    pub paragraph: Option<u32>,
    /// The item's label as written (`(一)`, `1.`), if the rule sits in an item.
    pub item: Option<String>,
    /// The sub-item's (目) label, if the rule sits in a labelled sub-item.
    pub sub_item: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ConceptDef {
    pub name: String,
    pub ty: Type,
    pub doc: Option<String>,
    pub span: Span,
    pub local: bool,
    /// The value when no rule applies (from the declaration), e.g. `false`, or empty reasons.
    pub default: Option<Expr>,
    pub rules: Vec<ConceptRule>,
    pub reasons: Vec<ReasonRule>,
}

impl ConceptDef {
    /// True if this policy has any rule for the concept.
    pub fn is_decided(&self) -> bool {
        !self.rules.is_empty() || !self.reasons.is_empty()
    }
}

#[derive(Debug, Clone)]
pub struct ConceptRule {
    pub value: Expr,
    pub when: Option<Expr>,
    /// An exception overrides every base definition of the same concept.
    pub exception: bool,
    pub cite: Citation,
    /// The text of the item or paragraph the rule stands in.
    pub text: String,
    /// The rule as written, for explanations.
    pub source: String,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct ReasonRule {
    pub id: String,
    pub when: Expr,
    pub cite: Citation,
    /// The text of the item or paragraph the reason stands in.
    pub text: String,
    pub source: String,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct ObligationDef {
    pub name: String,
    pub doc: Option<String>,
    pub rules: Vec<ObligationRule>,
}

#[derive(Debug, Clone)]
pub struct ObligationRule {
    /// The date fact recording when the duty was done.
    pub act: FactId,
    pub deadline: Deadline,
    pub when: Option<Expr>,
    pub cite: Citation,
    pub source: String,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum Deadline {
    /// Due at the end of `period` after `after` (《民法典》第201–203条).
    Within { period: Expr, after: Expr },
    /// Not before the end of `from`, due at the end of `to`.
    Between { from: Expr, to: Expr, after: Expr },
    /// Due on a date.
    By { date: Expr },
    /// Due each year on month-day, for every year whose due day falls between `from` and
    /// `until` (or the evaluation date when `until` is not known).
    Yearly {
        month: u32,
        day: u32,
        from: Expr,
        until: Option<Expr>,
    },
}

#[derive(Debug, Clone)]
pub struct Expr {
    pub kind: ExprKind,
    pub ty: Type,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Builtin {
    /// `known(fact)`: the fact was given.
    Known,
    /// `end_of_year(date)`: 12-31 of that year.
    EndOfYear,
    /// `year(date)`
    Year,
    /// `date(y, m, d)`
    MakeDate,
    Min,
    Max,
    /// `period_end(date, duration)`: the last day of a legal period (《民法典》第201–203条),
    /// the same day a `within` deadline falls on.
    PeriodEnd,
}

impl Builtin {
    pub const ALL: [(&'static str, Builtin); 7] = [
        ("known", Builtin::Known),
        ("end_of_year", Builtin::EndOfYear),
        ("year", Builtin::Year),
        ("date", Builtin::MakeDate),
        ("min", Builtin::Min),
        ("max", Builtin::Max),
        ("period_end", Builtin::PeriodEnd),
    ];
}

#[derive(Debug, Clone)]
pub enum ExprKind {
    Const(Value),
    Fact(FactId),
    Concept(ConceptId),
    /// `as_of`: the evaluation date.
    AsOf,
    Field(Box<Expr>, u32),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    In {
        value: Box<Expr>,
        set: Vec<Expr>,
        negated: bool,
    },
    /// `x in s` where `s` is a set-valued expression (a `set of T` fact).
    Member {
        value: Box<Expr>,
        set: Box<Expr>,
        negated: bool,
    },
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    Call(Builtin, Vec<Expr>),
    SetLit(Vec<Expr>),
}

impl Expr {
    /// Facts this expression reads directly or through concepts it names (concepts not expanded).
    pub fn visit<'a>(&'a self, f: &mut dyn FnMut(&'a Expr)) {
        f(self);
        match &self.kind {
            ExprKind::Const(_) | ExprKind::Fact(_) | ExprKind::Concept(_) | ExprKind::AsOf => {}
            ExprKind::Field(e, _) | ExprKind::Not(e) | ExprKind::Neg(e) => e.visit(f),
            ExprKind::Binary(_, a, b) => {
                a.visit(f);
                b.visit(f);
            }
            ExprKind::In { value, set, .. } => {
                value.visit(f);
                set.iter().for_each(|e| e.visit(f));
            }
            ExprKind::Member { value, set, .. } => {
                value.visit(f);
                set.visit(f);
            }
            ExprKind::If(a, b, c) => {
                a.visit(f);
                b.visit(f);
                c.visit(f);
            }
            ExprKind::Call(_, args) | ExprKind::SetLit(args) => {
                args.iter().for_each(|e| e.visit(f))
            }
        }
    }
}

// ---------------------------------------------------------------- the document

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Script {
    Simplified,
    Traditional,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InForceEnd {
    Until(NaiveDate),
    For(Period),
}

/// The policy's metadata, as declared in its `policy` block.
#[derive(Debug, Clone)]
pub struct PolicyMeta {
    pub id: String,
    pub title: String,
    pub number: Option<String>,
    pub issuer: Option<String>,
    pub jurisdiction: Option<String>,
    pub level: Option<String>,
    /// None when the text does not give it (`issued unknown`).
    pub issued: Option<NaiveDate>,
    /// Where the issue date comes from when it is not in the text.
    pub issued_source: Option<String>,
    /// None for `from issued` with an unknown issue date.
    pub in_force_from: Option<NaiveDate>,
    pub in_force_from_issue: bool,
    pub in_force_end: Option<InForceEnd>,
    /// The article that states the in-force period.
    pub in_force_article: Option<u32>,
    pub replaces: Vec<String>,
    pub based_on: Vec<String>,
    pub script: Script,
    pub notes: Vec<String>,
    pub repairs: Vec<Repair>,
}

#[derive(Debug, Clone)]
pub struct Repair {
    pub from: String,
    pub to: String,
    pub reason: String,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Chapter {
    pub heading: String,
    /// Indices into [`Document::articles`].
    pub articles: Vec<usize>,
}

#[derive(Debug, Clone)]
pub enum Part {
    Para { text: String, items: Vec<String> },
    Item(String),
}

#[derive(Debug, Clone)]
pub struct Article {
    pub number: u32,
    pub parts: Vec<Part>,
    pub descriptive: Option<String>,
    pub notes: Vec<String>,
    pub repairs: Vec<Repair>,
    /// Number of rules the article contains (the in-force clause named in the policy block
    /// counts as one).
    pub rule_count: usize,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Document {
    pub meta: PolicyMeta,
    pub chapters: Vec<Chapter>,
    pub articles: Vec<Article>,
}

impl Document {
    pub fn article(&self, number: u32) -> Option<&Article> {
        self.articles.iter().find(|a| a.number == number)
    }
}

/// A checked policy: the document, the vocabulary in scope, and the rules.
#[derive(Debug, Clone)]
pub struct Program {
    pub document: Document,
    pub enums: Vec<EnumDef>,
    pub records: Vec<RecordDef>,
    pub facts: Vec<FactDef>,
    pub concepts: Vec<ConceptDef>,
    pub obligations: Vec<ObligationDef>,
}

impl Program {
    pub fn fact(&self, id: FactId) -> &FactDef {
        &self.facts[id.0 as usize]
    }
    pub fn concept(&self, id: ConceptId) -> &ConceptDef {
        &self.concepts[id.0 as usize]
    }
    pub fn fact_id(&self, name: &str) -> Option<FactId> {
        self.facts
            .iter()
            .position(|f| f.name == name)
            .map(|i| FactId(i as u32))
    }
    pub fn concept_id(&self, name: &str) -> Option<ConceptId> {
        self.concepts
            .iter()
            .position(|f| f.name == name)
            .map(|i| ConceptId(i as u32))
    }
    /// Human name of a type, in the drafter's words.
    pub fn type_name(&self, ty: &Type) -> String {
        type_name(&self.enums, &self.records, ty)
    }
    /// Display a value with enum variants by name.
    pub fn show(&self, v: &Value) -> String {
        match v {
            Value::Enum(e, i) => self.enums[*e as usize].variants[*i as usize].0.clone(),
            Value::Set(items) => {
                format!(
                    "{{{}}}",
                    items
                        .iter()
                        .map(|x| self.show(x))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
            other => other.to_string(),
        }
    }
}

/// Human name of a type, in the drafter's words (`money`, `set of ProjectKind`). Takes the enum
/// and record tables so that the checker can name types before the `Program` exists.
pub fn type_name(enums: &[EnumDef], records: &[RecordDef], ty: &Type) -> String {
    match ty {
        Type::Bool => "bool".into(),
        Type::Int => "int".into(),
        Type::Decimal => "decimal".into(),
        Type::Money => "money".into(),
        Type::Percent => "percent".into(),
        Type::Date => "date".into(),
        Type::Duration => "duration".into(),
        Type::Text => "text".into(),
        Type::Enum(e) => enums
            .get(e.0 as usize)
            .map(|d| d.name.clone())
            .unwrap_or_default(),
        Type::Record(r) => records
            .get(r.0 as usize)
            .map(|d| d.name.clone())
            .unwrap_or_default(),
        Type::Set(t) => format!("set of {}", type_name(enums, records, t)),
        Type::Reasons => "reasons".into(),
    }
}

/// Chinese numerals for article numbers: 7 → 七, 25 → 二十五, 100 → 一百.
pub fn chinese_number(n: u32) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    if n < 10 {
        return DIGITS[n as usize].to_string();
    }
    if n < 20 {
        return format!(
            "十{}",
            if n % 10 == 0 {
                ""
            } else {
                DIGITS[(n % 10) as usize]
            }
        );
    }
    if n < 100 {
        return format!(
            "{}十{}",
            DIGITS[(n / 10) as usize],
            if n % 10 == 0 {
                ""
            } else {
                DIGITS[(n % 10) as usize]
            }
        );
    }
    let rest = n % 100;
    let head = format!("{}百", DIGITS[(n / 100) as usize]);
    if rest == 0 {
        head
    } else if rest < 10 {
        format!("{head}零{}", DIGITS[rest as usize])
    } else if rest < 20 {
        format!("{head}一{}", chinese_number(rest))
    } else {
        format!("{head}{}", chinese_number(rest))
    }
}

impl Citation {
    /// `第七条`, `第十二条第二款`, `第二十六条第(一)项`.
    pub fn article_heading(&self, script: &Script) -> String {
        article_heading(self.article, script)
    }
}

pub fn article_heading(number: u32, script: &Script) -> String {
    let tiao = if *script == Script::Traditional {
        "條"
    } else {
        "条"
    };
    format!("第{}{}", chinese_number(number), tiao)
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
