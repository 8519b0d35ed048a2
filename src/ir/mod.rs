//! The typed intermediate representation: what the checker proves and every backend consumes.
//!
//! The IR is the contract between the front end and the back ends (the interpreter in `eval`,
//! the analyses in `analysis`, a compiled backend): it depends on nothing in front of it — no
//! `syntax`, `resolve` or `check` type appears here (`tests/architecture.rs` checks the imports).
//!
//! - Names are resolved to indices ([`FactId`], [`ConceptId`], [`ObligationId`]).
//! - Every expression carries its [`Type`], and every operator is specialised by the types of its
//!   operands: `Cmp(Ge, Num(Money), …)`, `Arith(MoneyTimesPercent, …)`, `Arith(DateAddPeriod, …)`.
//!   A backend never inspects a runtime value to find out which operation it has; an operand of
//!   the wrong shape at run time is an internal error, not a silent default.
//! - Every rule carries a stable identity ([`RuleId`]: article, target, ordinal), its
//!   [`Citation`] and its source text, so that explanations, `diff` and `extends` can name it.
//!
//! Accepted into the IR: `define supervision_required = total_investment >= 500万元` becomes a
//! `ConceptRule` whose value is `Cmp(Ge, Num(Money), Fact(total_investment), Const(5000000))` of
//! type bool, cited 第二十三条第一款, identity `23/supervision_required/1`. Never in the IR: an
//! unresolved name or an untyped expression — `total_investmnt >= 500万元` stops at resolve
//! (E0102), and `total_investment >= 15%` stops at check (E0202).

pub mod validate;

use crate::calendar::Period;
use crate::source::Span;
use crate::value::Value;
use chrono::NaiveDate;
use std::fmt;

pub use validate::validate;

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

/// Where a declaration comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Origin {
    /// The shared vocabulary (`stdlib/`).
    Stdlib,
    /// The policy itself.
    Local,
    /// A policy this one extends or amends (`extends jiangxi`).
    Inherited,
}

/// Which document of a program's lineage something belongs to: `DocId(0)` is the policy itself,
/// `DocId(1)` the policy it extends or amends ([`Program::lineage`]`[0]`), `DocId(2)` that one's
/// parent, and so on. A policy that extends nothing has only `DocId(0)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct DocId(pub u32);

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
    pub origin: Origin,
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

/// The stable identity of a rule: the article it stands in, what it decides (a concept, a
/// concept's reason `concept.reason`, or an obligation) and its ordinal among the rules of that
/// article deciding the same thing. Written `7/technical_review_required/1`. It does not change
/// when rules are added to other articles or other concepts, which is what `diff` and `extends`
/// rely on.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RuleId {
    /// The document the rule stands in (its article is that document's article).
    pub doc: DocId,
    pub article: u32,
    pub target: String,
    pub ordinal: u32,
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}/{}", self.article, self.target, self.ordinal)
    }
}

/// How a concept relates to the policy's scope (`in_scope`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeRole {
    /// Decided only when the policy applies: out of scope it is not applicable.
    Gated,
    /// `in_scope` itself, or a concept `in_scope` is decided from: never gated.
    DefinesScope,
    /// Written `regardless of scope`: the text makes it hold whether or not the policy applies.
    Regardless,
}

#[derive(Debug, Clone)]
pub struct ConceptDef {
    pub name: String,
    pub ty: Type,
    pub doc: Option<String>,
    pub span: Span,
    pub origin: Origin,
    /// The value when no rule applies (from the declaration), e.g. `false`.
    pub default: Option<Expr>,
    pub rules: Vec<ConceptRule>,
    pub reasons: Vec<ReasonRule>,
    pub scope: ScopeRole,
}

impl ConceptDef {
    /// True if this policy has any rule for the concept.
    pub fn is_decided(&self) -> bool {
        !self.rules.is_empty() || !self.reasons.is_empty()
    }
}

#[derive(Debug, Clone)]
pub struct ConceptRule {
    pub id: RuleId,
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
    pub id: RuleId,
    /// The reason's own name (`data_not_shared`), shared by the concepts it feeds.
    pub reason: String,
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
    pub origin: Origin,
    pub rules: Vec<ObligationRule>,
}

#[derive(Debug, Clone)]
pub struct ObligationRule {
    pub id: RuleId,
    /// The date fact (or, for yearly and per-event duties, set-of-date fact) recording when the
    /// duty was done.
    pub act: FactId,
    pub deadline: Deadline,
    pub when: Option<Expr>,
    /// Who bears the duty when it is not the project unit (an authority named by the text).
    pub bearer: Option<String>,
    /// Written `regardless of scope`.
    pub regardless: bool,
    pub cite: Citation,
    pub source: String,
    pub span: Span,
}

/// What starts the period of a duty.
#[derive(Debug, Clone)]
pub enum Trigger {
    /// One date (`after contract_signed_on`).
    One(Expr),
    /// Each date of a set (`after each crypto_assessments_completed_on`): one instance per event.
    Each(Expr),
}

impl Trigger {
    pub fn expr(&self) -> &Expr {
        match self {
            Trigger::One(e) | Trigger::Each(e) => e,
        }
    }
}

#[derive(Debug, Clone)]
pub enum Deadline {
    /// Due at the end of `period` after the trigger (《民法典》第201–203条).
    Within { period: Expr, after: Trigger },
    /// Not before the corresponding day `from` after the trigger, due at the end of `to`.
    Between {
        from: Expr,
        to: Expr,
        after: Trigger,
    },
    /// Due on a date.
    By { date: Expr },
    /// Due each year on month-day, for every year whose due day falls between `from` and
    /// `until` (or the evaluation date when `until` has not happened).
    Yearly {
        month: u32,
        day: u32,
        from: Expr,
        until: Option<Expr>,
    },
}

impl Deadline {
    /// The expressions of the deadline (periods, trigger, dates).
    pub fn exprs(&self) -> Vec<&Expr> {
        match self {
            Deadline::Within { period, after } => vec![period, after.expr()],
            Deadline::Between { from, to, after } => vec![from, to, after.expr()],
            Deadline::By { date } => vec![date],
            Deadline::Yearly { from, until, .. } => {
                std::iter::once(from).chain(until.iter()).collect()
            }
        }
    }
}

/// What a test on a duty asks (`contract_filing is overdue`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DutyTest {
    Met,
    Late,
    Pending,
    Overdue,
    /// Late or overdue.
    Breached,
    /// Met or late: the act was done.
    Done,
    /// Triggered and not done: pending or overdue.
    Outstanding,
    /// The duty has arisen (any status but not triggered).
    Triggered,
}

impl DutyTest {
    pub const ALL: [(&'static str, DutyTest); 8] = [
        ("met", DutyTest::Met),
        ("late", DutyTest::Late),
        ("pending", DutyTest::Pending),
        ("overdue", DutyTest::Overdue),
        ("breached", DutyTest::Breached),
        ("done", DutyTest::Done),
        ("outstanding", DutyTest::Outstanding),
        ("triggered", DutyTest::Triggered),
    ];
    pub fn word(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, t)| *t == self)
            .map_or("", |(w, _)| w)
    }
}

#[derive(Debug, Clone)]
pub struct Expr {
    pub kind: ExprKind,
    pub ty: Type,
    pub span: Span,
}

/// A number-like kind: what an arithmetic or comparison operates on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NumKind {
    Int,
    Decimal,
    Money,
    Percent,
}

/// What a comparison compares. Only `Num`, `Date` and `Duration` are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CmpKind {
    Num(NumKind),
    Date,
    /// Durations in their legal order (`value::period_cmp`); incomparable units are an error.
    Duration,
    Bool,
    Text,
    Enum,
    Set,
    Record,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    /// The same comparison with its operands swapped: `a < b` is `b > a`.
    pub fn flip(self) -> CmpOp {
        match self {
            CmpOp::Lt => CmpOp::Gt,
            CmpOp::Le => CmpOp::Ge,
            CmpOp::Gt => CmpOp::Lt,
            CmpOp::Ge => CmpOp::Le,
            other => other,
        }
    }
    /// The negated comparison: `not (a < b)` is `a >= b`.
    pub fn negate(self) -> CmpOp {
        match self {
            CmpOp::Eq => CmpOp::Ne,
            CmpOp::Ne => CmpOp::Eq,
            CmpOp::Lt => CmpOp::Ge,
            CmpOp::Le => CmpOp::Gt,
            CmpOp::Gt => CmpOp::Le,
            CmpOp::Ge => CmpOp::Lt,
        }
    }
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
    pub fn ordered(self) -> bool {
        !matches!(self, CmpOp::Eq | CmpOp::Ne)
    }
    /// Whether `ord` (left compared with right) satisfies the comparison.
    pub fn holds(self, ord: std::cmp::Ordering) -> bool {
        match self {
            CmpOp::Eq => ord.is_eq(),
            CmpOp::Ne => ord.is_ne(),
            CmpOp::Lt => ord.is_lt(),
            CmpOp::Le => ord.is_le(),
            CmpOp::Gt => ord.is_gt(),
            CmpOp::Ge => ord.is_ge(),
        }
    }
}

/// An arithmetic operation, specialised by operand types. Operands of `Add`, `Sub`, `Mul` and
/// `Div` have the kind named (ints are converted with `ToDecimal` where a decimal is meant);
/// the money operations keep the amount on the left.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ArithOp {
    /// Same kind on both sides: int, decimal, money or percent.
    Add(NumKind),
    Sub(NumKind),
    /// int × int or decimal × decimal.
    Mul(NumKind),
    /// decimal ÷ decimal.
    DivDecimal,
    /// money × percent → money (a fee cap: `construction_investment * 10%`).
    MoneyTimesPercent,
    /// money × decimal → money.
    MoneyTimesDecimal,
    /// percent × decimal → percent.
    PercentTimesDecimal,
    /// money ÷ money → percent (a ratio).
    MoneyDivMoney,
    /// money ÷ decimal → money.
    MoneyDivDecimal,
    /// date + duration → the corresponding day, not rolled.
    DateAddPeriod,
    /// date − date → whole days (int).
    DateSubDate,
}

impl ArithOp {
    pub fn symbol(self) -> &'static str {
        match self {
            ArithOp::Add(_) | ArithOp::DateAddPeriod => "+",
            ArithOp::Sub(_) | ArithOp::DateSubDate => "-",
            ArithOp::Mul(_)
            | ArithOp::MoneyTimesPercent
            | ArithOp::MoneyTimesDecimal
            | ArithOp::PercentTimesDecimal => "*",
            ArithOp::DivDecimal | ArithOp::MoneyDivMoney | ArithOp::MoneyDivDecimal => "/",
        }
    }
}

/// The built-in functions, one table for every phase: name, arity and meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Builtin {
    /// `happened(date_fact)`: the event has happened by the evaluation date — true for a date on
    /// or before it (or `true` given), false for `false` given or a later date, unknown when the
    /// fact is not given. The test that replaces `known()`: absence is never taken for `false`.
    Happened,
    /// `end_of_year(date)`: 12-31 of that year.
    EndOfYear,
    /// `year(date)`
    Year,
    /// `date(y, m, d)`
    MakeDate,
    /// The smaller of two numbers, dates or durations (durations in their legal order).
    Min(CmpKind),
    /// The larger of two numbers, dates or durations.
    Max(CmpKind),
    /// `period_end(date, duration)`: the last day of a legal period (《民法典》第201–203条),
    /// the same day a `within` deadline falls on.
    PeriodEnd,
}

/// A built-in's name as written, its number of arguments and a one-line description.
pub const BUILTINS: [(&str, usize, &str); 7] = [
    (
        "happened",
        1,
        "happened(date_fact): the event has happened by the evaluation date",
    ),
    ("end_of_year", 1, "end_of_year(date): 12-31 of that year"),
    ("year", 1, "year(date): the year as a number"),
    ("date", 3, "date(year, month, day)"),
    (
        "min",
        2,
        "min(a, b): the smaller of two numbers, dates or durations",
    ),
    (
        "max",
        2,
        "max(a, b): the larger of two numbers, dates or durations",
    ),
    (
        "period_end",
        2,
        "period_end(date, duration): the last day of a legal period after the date",
    ),
];

#[derive(Debug, Clone)]
pub enum ExprKind {
    Const(Value),
    Fact(FactId),
    Concept(ConceptId),
    /// `as_of`: the evaluation date.
    AsOf,
    Field(Box<Expr>, u32),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Neg(NumKind, Box<Expr>),
    Cmp(CmpOp, CmpKind, Box<Expr>, Box<Expr>),
    Arith(ArithOp, Box<Expr>, Box<Expr>),
    /// An int used where a decimal is expected.
    ToDecimal(Box<Expr>),
    /// `x in {a, b}`: membership in a listed set.
    InList {
        value: Box<Expr>,
        set: Vec<Expr>,
        negated: bool,
    },
    /// `x in s` where `s` is a set-valued expression (a `set of T` fact).
    InSet {
        value: Box<Expr>,
        set: Box<Expr>,
        negated: bool,
    },
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    Call(Builtin, Vec<Expr>),
    SetLit(Vec<Expr>),
    /// `O is overdue`: a test on the status of a duty of this policy.
    Duty(ObligationId, DutyTest),
}

impl Expr {
    /// A pre-order walk over this expression and all its sub-expressions.
    pub fn visit<'a>(&'a self, f: &mut dyn FnMut(&'a Expr)) {
        f(self);
        match &self.kind {
            ExprKind::Const(_)
            | ExprKind::Fact(_)
            | ExprKind::Concept(_)
            | ExprKind::AsOf
            | ExprKind::Duty(..) => {}
            ExprKind::Field(e, _)
            | ExprKind::Not(e)
            | ExprKind::Neg(_, e)
            | ExprKind::ToDecimal(e) => e.visit(f),
            ExprKind::And(a, b)
            | ExprKind::Or(a, b)
            | ExprKind::Cmp(_, _, a, b)
            | ExprKind::Arith(_, a, b) => {
                a.visit(f);
                b.visit(f);
            }
            ExprKind::InList { value, set, .. } => {
                value.visit(f);
                set.iter().for_each(|e| e.visit(f));
            }
            ExprKind::InSet { value, set, .. } => {
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    Simplified,
    Traditional,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InForceEnd {
    Until(NaiveDate),
    For(Period),
}

/// The issue date: given, or unknown with what the text allows one to say about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IssueDate {
    Known(NaiveDate),
    Unknown {
        /// The earliest possible issue date (e.g. the document cites one issued that year).
        not_before: Option<NaiveDate>,
        not_after: Option<NaiveDate>,
        /// Why the bounds hold.
        because: Option<String>,
    },
}

/// How a duty whose triggering event happened before the policy entered into force, but whose
/// deadline runs after that day, is judged (`transitional …` in the policy block).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transitional {
    /// The default: the duty arose from an event the policy did not yet govern, so it is not
    /// judged under it (《立法法》第104条: no retroactive effect).
    NotJudged,
    /// The policy says such duties continue: they are judged as computed.
    Continues,
    /// The policy says the period starts again on the day it entered into force.
    FromInForce,
}

impl Transitional {
    pub fn word(self) -> &'static str {
        match self {
            Transitional::NotJudged => "not_judged",
            Transitional::Continues => "continues",
            Transitional::FromInForce => "from_in_force",
        }
    }
}

/// The policy's metadata, as declared in its `policy` block.
#[derive(Debug, Clone)]
pub struct PolicyMeta {
    pub id: String,
    pub title: String,
    pub number: Option<String>,
    pub issuer: Option<String>,
    pub jurisdiction: Option<String>,
    /// The jurisdiction level as written (`county`), a variant of the stdlib's
    /// `JurisdictionLevel`.
    pub level: Option<String>,
    pub issued: IssueDate,
    /// Where the issue date comes from when it is not in the text.
    pub issued_source: Option<String>,
    /// `in_force from DATE`; None for `from issued`.
    pub in_force_date: Option<NaiveDate>,
    pub in_force_end: Option<InForceEnd>,
    /// The article that states the in-force period.
    pub in_force_article: Option<u32>,
    pub transitional: Transitional,
    pub transitional_because: Option<String>,
    pub replaces: Vec<String>,
    pub based_on: Vec<String>,
    pub script: Script,
    pub notes: Vec<String>,
    pub repairs: Vec<Repair>,
}

/// The in-force period as far as it is known: the start lies in `[start_lo, start_hi]` and the
/// end in `[end_lo, end_hi]` (`None` means unbounded: no end, or a bound the text does not give).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InForceSpan {
    pub start_lo: Option<NaiveDate>,
    pub start_hi: Option<NaiveDate>,
    /// Whether the policy has an end at all.
    pub ends: bool,
    pub end_lo: Option<NaiveDate>,
    pub end_hi: Option<NaiveDate>,
}

impl PolicyMeta {
    /// The issue date if the text gives it (or it is recorded from outside the text).
    pub fn issue_date(&self) -> Option<NaiveDate> {
        match &self.issued {
            IssueDate::Known(d) => Some(*d),
            IssueDate::Unknown { .. } => None,
        }
    }

    /// The in-force period with what is known about its ends. A period `for 3年` ends on the
    /// corresponding day three years after the start (《民法典》第201、202条).
    pub fn in_force_span(&self) -> InForceSpan {
        let (start_lo, start_hi) = match (self.in_force_date, &self.issued) {
            (Some(d), _) => (Some(d), Some(d)),
            (None, IssueDate::Known(d)) => (Some(*d), Some(*d)),
            (
                None,
                IssueDate::Unknown {
                    not_before,
                    not_after,
                    ..
                },
            ) => (*not_before, *not_after),
        };
        let end_of = |start: Option<NaiveDate>| match &self.in_force_end {
            None => None,
            Some(InForceEnd::Until(d)) => Some(*d),
            Some(InForceEnd::For(p)) => {
                start.and_then(|s| crate::calendar::add_period_unrolled(s, *p))
            }
        };
        InForceSpan {
            start_lo,
            start_hi,
            ends: self.in_force_end.is_some(),
            end_lo: end_of(start_lo),
            end_hi: end_of(start_hi),
        }
    }

    /// The in-force clause in a short form: `in_force from 2022-06-21`.
    pub fn in_force_rule(&self) -> String {
        let from = match (self.in_force_date, &self.issued) {
            (Some(d), _) => format!("from {d}"),
            (None, IssueDate::Known(d)) => format!("from issue ({d})"),
            (
                None,
                IssueDate::Unknown {
                    not_before,
                    not_after,
                    ..
                },
            ) => match (not_before, not_after) {
                (None, None) => "from issue (date unknown)".to_string(),
                (Some(lo), None) => format!("from issue (date unknown, not before {lo})"),
                (None, Some(hi)) => format!("from issue (date unknown, not after {hi})"),
                (Some(lo), Some(hi)) => format!("from issue (date unknown, {lo} to {hi})"),
            },
        };
        let end = match &self.in_force_end {
            None => String::new(),
            Some(InForceEnd::Until(d)) => format!(" until {d}"),
            Some(InForceEnd::For(per)) => format!(" for {per}"),
        };
        format!("in_force {from}{end}")
    }
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

/// How a policy relates to the one it builds on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// `extends`: another jurisdiction's measures, taken over and changed (a county under its
    /// province); article numbers are each document's own.
    Extends,
    /// `amends`: an earlier version of the same measures; article numbers are shared, and an
    /// article of the new version replaces the one with its number (`replace article N`).
    Amends,
}

impl Relation {
    pub fn word(self) -> &'static str {
        match self {
            Relation::Extends => "extends",
            Relation::Amends => "amends",
        }
    }
}

/// A document a program builds on, with how the document below it relates to it.
#[derive(Debug, Clone)]
pub struct Ancestor {
    /// How the document one level below ([`DocId`] one less) relates to this one.
    pub relation: Relation,
    pub document: Document,
}

/// What a document set aside in one of its ancestors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetAsideWhat {
    /// `repeal article N` (or `replace article N`, with `replaced`).
    Article { number: u32, replaced: bool },
    /// `override C`: the ancestor's rules for a concept or duty.
    Rules { name: String },
}

/// A part of an ancestor that no longer applies in the program, and the article that says so.
#[derive(Debug, Clone)]
pub struct SetAside {
    /// The ancestor's document.
    pub doc: DocId,
    pub what: SetAsideWhat,
    /// The document and place of the statement (`repeal article 17` in 某县 第三条).
    pub by_doc: DocId,
    pub by: Citation,
    /// The rules set aside: where they stood, as written.
    pub rules: Vec<(Citation, String)>,
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
    /// The concept deciding whether the policy applies (`in_scope`), if the policy decides it.
    pub scope: Option<ConceptId>,
    /// Facts presumed when the project does not give them: `jurisdiction_level` is the policy's
    /// own level (a project evaluated against a county's measures is that county's project).
    pub presumptions: Vec<(FactId, Value)>,
    /// The documents this policy extends or amends, nearest first (`DocId(1)` is `lineage[0]`);
    /// empty for a policy that builds on none.
    pub lineage: Vec<Ancestor>,
    /// What the policy (or an ancestor) set aside in an ancestor.
    pub set_aside: Vec<SetAside>,
}

impl Program {
    pub fn fact(&self, id: FactId) -> &FactDef {
        &self.facts[id.0 as usize]
    }
    pub fn concept(&self, id: ConceptId) -> &ConceptDef {
        &self.concepts[id.0 as usize]
    }
    pub fn obligation(&self, id: ObligationId) -> &ObligationDef {
        &self.obligations[id.0 as usize]
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
    pub fn obligation_id(&self, name: &str) -> Option<ObligationId> {
        self.obligations
            .iter()
            .position(|f| f.name == name)
            .map(|i| ObligationId(i as u32))
    }
    pub fn script(&self) -> Script {
        self.document.meta.script
    }
    /// The document of the lineage a rule or article belongs to (`DocId(0)`: this policy's own).
    pub fn doc(&self, id: DocId) -> &Document {
        match id.0 {
            0 => &self.document,
            n => self
                .lineage
                .get(n as usize - 1)
                .map_or(&self.document, |a| &a.document),
        }
    }
    /// Human name of a type, in the drafter's words.
    pub fn type_name(&self, ty: &Type) -> String {
        type_name(&self.enums, &self.records, ty)
    }
    /// Display a value with enum variants by name.
    pub fn show(&self, v: &Value) -> String {
        match v {
            Value::Enum(e, i) => self
                .enums
                .get(*e as usize)
                .and_then(|d| d.variants.get(*i as usize))
                .map_or_else(|| v.to_string(), |(n, _)| n.clone()),
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
            .unwrap_or_else(|| "an enum".into()),
        Type::Record(r) => records
            .get(r.0 as usize)
            .map(|d| d.name.clone())
            .unwrap_or_else(|| "a record".into()),
        Type::Set(t) => format!("set of {}", type_name(enums, records, t)),
        Type::Reasons => "reasons".into(),
    }
}

/// Chinese numerals for article and paragraph numbers: 7 → 七, 25 → 二十五, 100 → 一百,
/// 1010 → 一千零一十, 20000 → 二万. Any `u32` is written out (no panic on large numbers).
pub fn chinese_number(n: u32) -> String {
    const DIGITS: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    /// A group below 10000, with 零 for inner gaps.
    fn group(n: u32, first: bool, out: &mut String) {
        let places = [
            (1000, Some('千')),
            (100, Some('百')),
            (10, Some('十')),
            (1, None),
        ];
        let mut started = false;
        let mut gap = false;
        for (unit, name) in places {
            let d = (n / unit) % 10;
            if d == 0 {
                gap |= started;
                continue;
            }
            if gap {
                out.push('零');
                gap = false;
            }
            // 十一, not 一十一, at the very start of the number
            if !(first && !started && unit == 10 && d == 1) {
                out.push(DIGITS[d as usize]);
            }
            if let Some(name) = name {
                out.push(name);
            }
            started = true;
        }
    }
    if n == 0 {
        return "零".into();
    }
    let mut out = String::new();
    let mut rest = n;
    let mut started = false;
    for (unit, name) in [
        (100_000_000u32, Some('亿')),
        (10_000, Some('万')),
        (1, None),
    ] {
        let g = rest / unit;
        rest %= unit;
        if g == 0 {
            continue;
        }
        if started && g < 1000 {
            out.push('零');
        }
        group(g, !started, &mut out);
        if let Some(name) = name {
            out.push(name);
        }
        started = true;
    }
    out
}

pub fn article_heading(number: u32, script: Script) -> String {
    let tiao = if script == Script::Traditional {
        "條"
    } else {
        "条"
    };
    format!("第{}{}", chinese_number(number), tiao)
}

impl Citation {
    /// `第七条`.
    pub fn article_heading(&self, script: Script) -> String {
        article_heading(self.article, script)
    }

    /// The whole citation: `第七条第一款`, `第二十六条第(一)项`, `第九条第一款第(二)项第1目`.
    pub fn text(&self, script: Script) -> String {
        let mut s = self.article_heading(script);
        if let Some(p) = self.paragraph {
            s.push_str(&format!("第{}款", chinese_number(p)));
        }
        if let Some(i) = &self.item {
            let label = i.trim_end_matches(['.', '、', '．']);
            let xiang = if script == Script::Traditional {
                "項"
            } else {
                "项"
            };
            s.push_str(&format!("第{label}{xiang}"));
            if let Some(sub) = &self.sub_item {
                let label = sub.trim_end_matches(['.', '、', '．']);
                s.push_str(&format!("第{label}目"));
            }
        }
        s
    }
}
