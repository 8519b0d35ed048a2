//! The abstract syntax tree: what the drafter wrote, with byte spans, before any name is
//! looked up. Literals with units are already decoded (`20万元` is a money amount of 200000 yuan).

use crate::calendar::Period;
use crate::source::{FileId, Span};
use chrono::NaiveDate;
use rust_decimal::Decimal;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// A string literal, escapes decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Str {
    pub value: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Module {
    pub file: FileId,
    pub items: Vec<TopItem>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TopItem {
    Policy(PolicyHeader),
    Enum(EnumDecl),
    Record(RecordDecl),
    Fact(FactDecl),
    Concept(ConceptDecl),
    Obligation(ObligationDecl),
    Chapter(Chapter),
    Article(Article),
    /// A rule outside any article (an error the resolver reports).
    Rule(Rule),
    /// A bare string where only structure may stand (an error the resolver reports).
    StrayText(Str),
}

#[derive(Debug, Clone, PartialEq)]
pub struct PolicyHeader {
    pub name: Ident,
    pub fields: Vec<MetaField>,
    pub repairs: Vec<Repair>,
    pub notes: Vec<Str>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum InForceStart {
    Date(NaiveDate),
    /// `from issued`: from the issue date, whatever it is.
    Issued,
}

#[derive(Debug, Clone, PartialEq)]
pub enum InForceEnd {
    Until(NaiveDate),
    For(Period),
}

#[derive(Debug, Clone, PartialEq)]
pub enum MetaField {
    Title(Str),
    Number(Str),
    Issuer(Str),
    Jurisdiction {
        name: Str,
        level: Ident,
    },
    /// `issued 2022-06-21` or `issued unknown`; `source "…"` marks a date taken from outside the
    /// text; `not_before D` / `not_after D` bound an unknown date, `because "…"` says why.
    Issued {
        date: Option<NaiveDate>,
        source: Option<Str>,
        not_before: Option<NaiveDate>,
        not_after: Option<NaiveDate>,
        because: Option<Str>,
        span: Span,
    },
    /// `transitional not_judged|continues|from_in_force [because "…"]`.
    Transitional {
        reading: Ident,
        because: Option<Str>,
        span: Span,
    },
    /// `article N` at the end names the article that states the period (cited by verdicts).
    InForce {
        from: InForceStart,
        end: Option<InForceEnd>,
        article: Option<(u32, Span)>,
        span: Span,
    },
    Replaces(Str),
    BasedOn(Str),
    Script(Ident),
    /// `extends PARENT [from "PATH"]` or `amends EARLIER [from "PATH"]`.
    Lineage {
        parent: Ident,
        from: Option<Str>,
        /// `amends`: a new version of the same measures (article numbers shared).
        amends: bool,
        span: Span,
    },
    Unknown {
        name: Ident,
        span: Span,
    },
}

/// `repair "FROM" => "TO" because "REASON"`: an exact replacement that turns the raw source
/// document into the official text (noise removal), recorded next to the article it touches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repair {
    pub from: Str,
    pub to: Str,
    pub reason: Str,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnumDecl {
    pub name: Ident,
    pub doc: Option<Str>,
    pub variants: Vec<(Ident, Option<Str>)>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RecordDecl {
    pub name: Ident,
    pub doc: Option<Str>,
    pub fields: Vec<(Ident, TypeExpr)>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FactDecl {
    pub name: Ident,
    pub ty: TypeExpr,
    pub doc: Option<Str>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ConceptDecl {
    pub name: Ident,
    pub ty: TypeExpr,
    pub default: Option<Expr>,
    pub doc: Option<Str>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ObligationDecl {
    pub name: Ident,
    pub doc: Option<Str>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeExpr {
    Named(Ident),
    SetOf(Ident, Span),
}

impl TypeExpr {
    pub fn span(&self) -> Span {
        match self {
            TypeExpr::Named(i) => i.span,
            TypeExpr::SetOf(_, s) => *s,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Chapter {
    pub heading: Str,
    pub articles: Vec<Article>,
    /// Rules written directly in a chapter, outside any article (reported by the resolver).
    pub stray_rules: Vec<Rule>,
    pub stray_text: Vec<Str>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    pub number: u32,
    pub number_span: Span,
    pub parts: Vec<Part>,
    /// Rules written directly in the article (they cite the whole article).
    pub rules: Vec<Rule>,
    pub repairs: Vec<Repair>,
    pub descriptive: Option<Str>,
    pub notes: Vec<Str>,
    pub facts: Vec<FactDecl>,
    pub concepts: Vec<ConceptDecl>,
    pub span: Span,
}

/// A paragraph (款) or a numbered item (项) written directly in the article.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    Para(Para),
    Item(Item),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Para {
    pub text: Str,
    pub items: Vec<Item>,
    pub rules: Vec<Rule>,
    pub notes: Vec<Str>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub text: Str,
    pub rules: Vec<Rule>,
    pub notes: Vec<Str>,
    /// Sub-items (目) and continuation paragraphs of the item, one level deep.
    pub items: Vec<Item>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub kind: RuleKind,
    /// `regardless of scope`: the rule holds whether or not the document applies.
    pub regardless: Option<Span>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RuleKind {
    /// `define C = E [when W]`
    Define {
        concept: Ident,
        value: Expr,
        when: Option<Expr>,
    },
    /// `exception C = E when W`
    Exception {
        concept: Ident,
        value: Expr,
        when: Expr,
    },
    /// `reason ID for C1, C2 when W`: one reason feeding one or more reasons concepts.
    Reason {
        id: Ident,
        concepts: Vec<Ident>,
        when: Expr,
    },
    /// `repeal article N, M`: the parent's articles no longer apply.
    Repeal { articles: Vec<(u32, Span)> },
    /// `replace article N`: this article stands in the place of the parent's article N.
    Replace { article: (u32, Span) },
    /// `override C, O`: the parent's rules for these concepts or duties are set aside; this
    /// policy's rules decide them.
    Override { targets: Vec<Ident> },
    /// `obligation O [of "BEARER"]: ACT deadline [when W]`
    Obligation {
        name: Ident,
        bearer: Option<Str>,
        act: Ident,
        deadline: Box<Deadline>,
        when: Option<Expr>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Deadline {
    /// `within D after [each] T`
    Within {
        period: Expr,
        after: Expr,
        each: bool,
    },
    /// `between A and B after [each] T`
    Between {
        from: Expr,
        to: Expr,
        after: Expr,
        each: bool,
    },
    By {
        date: Expr,
    },
    /// `every year by MM-DD from E [until E]`: one instance per year.
    Yearly {
        month: u32,
        day: u32,
        from: Expr,
        until: Option<Expr>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    And,
    Or,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::And => "and",
            BinOp::Or => "or",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnOp {
    Not,
    Neg,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Bool(bool),
    /// A plain number; integer or decimal is decided by the checker.
    Number(Decimal),
    Money(Decimal),
    /// Stored as a fraction: `15%` is 0.15.
    Percent(Decimal),
    Date(NaiveDate),
    Duration(Period),
    Str(String),
    Name(Ident),
    Field(Box<Expr>, Ident),
    Unary(UnOp, Box<Expr>),
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
    Call(Ident, Vec<Expr>),
    Set(Vec<Expr>),
    /// `contract_filing is [not] overdue`
    DutyTest {
        duty: Ident,
        negated: bool,
        test: Ident,
    },
}
