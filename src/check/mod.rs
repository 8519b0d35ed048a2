//! Phase 3, check: give every expression a type and lower the resolved syntax to the typed IR.
//!
//! The checker knows the domain's units: money compares with money (`20万元`), a percentage
//! with a percentage (`15%`), a deadline is counted from a date. Mixing them is an error with a
//! hint, never a silent conversion. It also proves what it can about default logic: two base
//! definitions of one concept that give different constants and can apply to the same project
//! are a conflict, reported with both articles and an example project.
//!
//! Accepted:
//! ```text
//! define adjustment_needs_reapproval = budget_adjustment_ratio > 15%
//! ```
//! Rejected (a percentage where money is expected):
//! ```text
//! define supervision_required = total_investment >= 15%
//! ```

pub mod conflict;

pub use conflict::{StaticConflict, static_conflicts};
mod document;
mod expr;
mod lineage;

use crate::diagnostic::Diagnostic;
use crate::ir::{self, ConceptId, EnumId, FactId, RecordId, RuleId, Type};
use crate::resolve::{Resolved, Symbol};
use crate::source::{SourceMap, Span};
use crate::syntax::ast::{self, RuleKind};
use crate::value::Value;
use std::collections::{HashMap, HashSet};

/// What can be wrong with types, units and rules' logic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckError {
    TypeMismatch {
        span: Span,
        expected: String,
        found: String,
        context: &'static str,
    },
    PercentWhereMoney {
        span: Span,
    },
    NumberWithoutUnit {
        span: Span,
        expected: String,
    },
    BadOperands {
        span: Span,
        op: &'static str,
        left: String,
        right: String,
    },
    ConditionNotBool {
        span: Span,
        found: String,
    },
    DeadlineNotDate {
        span: Span,
        found: String,
    },
    PeriodNotDuration {
        span: Span,
        found: String,
    },
    ActNotDate {
        span: Span,
        name: String,
        found: String,
    },
    ReasonOnNonReasons {
        span: Span,
        concept: String,
        found: String,
    },
    DefineOnReasons {
        span: Span,
        concept: String,
    },
    Conflict {
        concept: String,
        first: Span,
        first_article: u32,
        second: Span,
        second_article: u32,
        /// A project on which both rules apply, in the drafter's words (`total_investment = 500万元`).
        witness: String,
    },
    /// Two rules of different documents of a lineage (a parent's and the policy's) that
    /// conflict: the policy should `override` the parent's.
    LineageConflict {
        concept: String,
        first: Span,
        first_cite: String,
        second: Span,
        second_cite: String,
        witness: String,
    },
    Cycle {
        concepts: Vec<String>,
        span: Span,
    },
    WrongArity {
        span: Span,
        name: String,
        expected: usize,
        found: usize,
    },
    HappenedNeedsDateFact {
        span: Span,
    },
    NoSuchField {
        span: Span,
        record: String,
        field: String,
    },
    UnknownType {
        span: Span,
        name: String,
    },
    InForceConcept {
        span: Span,
    },
    MixedScope {
        concept: String,
        regardless: Span,
        gated: Span,
    },
    RegardlessOnScope {
        span: Span,
    },
    EachNeedsSet {
        span: Span,
        found: String,
    },
    ActNotDateSet {
        span: Span,
        name: String,
        found: String,
    },
    Internal {
        span: Span,
        what: String,
    },
}

impl CheckError {
    pub fn diagnostic(&self) -> Diagnostic {
        use CheckError::*;
        match self {
            TypeMismatch { span, expected, found, context } => {
                Diagnostic::error("E0201", format!("{context}: expected {expected}, found {found}"))
                    .with_label(*span, format!("this is {found}"))
                    .with_help(format!("write a value of type {expected} here"))
            }
            PercentWhereMoney { span } => Diagnostic::error("E0202", "a percentage is used where an amount of money is expected")
                .with_label(*span, "this is a percentage")
                .with_help("write an amount such as 500万元, or multiply: `construction_investment * 10%`"),
            NumberWithoutUnit { span, expected } => {
                Diagnostic::error("E0203", format!("a number without a unit where {expected} is expected"))
                    .with_label(*span, "no unit")
                    .with_help(match expected.as_str() {
                        "money" => "write the unit: 0元, 20万元, 1.5亿元",
                        "percent" => "write the percent sign: 15%",
                        "duration" => "write the unit: 5个工作日, 6个月, 半年, 3年",
                        _ => "write the unit",
                    })
            }
            BadOperands { span, op, left, right } => {
                Diagnostic::error("E0204", format!("`{op}` cannot combine {left} and {right}"))
                    .with_label(*span, format!("{left} {op} {right}"))
                    .with_help("amounts combine with amounts, percentages scale amounts (`x * 10%`), and a duration is counted from a date in a deadline")
            }
            ConditionNotBool { span, found } => Diagnostic::error("E0205", format!("a condition must be true or false, found {found}"))
                .with_label(*span, format!("this is {found}"))
                .with_help("compare it: `total_investment >= 500万元`"),
            DeadlineNotDate { span, found } => Diagnostic::error("E0206", format!("a deadline is counted from a date, found {found}"))
                .with_label(*span, format!("this is {found}, not a date"))
                .with_help("count from a date fact, e.g. `after contract_signed_on`"),
            PeriodNotDuration { span, found } => Diagnostic::error("E0207", format!("a deadline needs a duration, found {found}"))
                .with_label(*span, format!("this is {found}"))
                .with_help("write a duration: 5个工作日, 6个月, 半年, 3年"),
            ActNotDate { span, name, found } => Diagnostic::error("E0208", format!("`{name}` is {found}, but an obligation's act is a date"))
                .with_label(*span, "not a date fact")
                .with_help("name the date fact that records when the duty was done, e.g. `contract_filed_on`"),
            ReasonOnNonReasons { span, concept, found } => {
                Diagnostic::error("E0209", format!("`reason` adds to a list of reasons, but `{concept}` is {found}"))
                    .with_label(*span, "not a reasons concept")
                    .with_help(format!("use `define {concept} = …`"))
            }
            DefineOnReasons { span, concept } => Diagnostic::error("E0210", format!("`{concept}` collects reasons; it cannot be defined as a whole"))
                .with_label(*span, "define on a reasons concept")
                .with_help(format!("write one `reason ID for {concept} when …` per item of the list")),
            Conflict { concept, first, first_article, second, second_article, witness } => Diagnostic::error(
                "E0211",
                if first_article == second_article {
                    format!("conflicting definitions of `{concept}` in article {first_article}")
                } else {
                    format!("conflicting definitions of `{concept}` in articles {first_article} and {second_article}")
                },
            )
            .with_label(*second, format!("article {second_article} gives one value"))
            .with_label(*first, format!("article {first_article} gives another"))
            .with_help(format!(
                "both apply to a project with {witness}; make one an `exception` (原则上…除外) or narrow their conditions"
            )),
            LineageConflict { concept, first, first_cite, second, second_cite, witness } => Diagnostic::error(
                "E0222",
                format!("`{concept}` is decided one way by {first_cite} and another by {second_cite}"),
            )
            .with_label(*second, format!("{second_cite} gives one value"))
            .with_label(*first, format!("{first_cite} gives another"))
            .with_help(format!(
                "both apply to a project with {witness}; to change what the parent decides, write `override {concept}` next to the new rule (or make it an `exception`)"
            )),
            Cycle { concepts, span } => Diagnostic::error("E0212", format!("concepts depend on each other in a circle: {}", concepts.join(" → ")))
                .with_label(*span, "the circle starts here")
                .with_help("a concept cannot depend on itself; decide one of them from facts"),
            WrongArity { span, name, expected, found } => {
                Diagnostic::error("E0213", format!("`{name}` takes {expected} argument(s), found {found}"))
                    .with_label(*span, "wrong number of arguments")
            }
            HappenedNeedsDateFact { span } => Diagnostic::error("E0214", "`happened(…)` takes the name of a date fact")
                .with_label(*span, "not a date fact")
                .with_help("write `happened(completed_on)`: true when the event has happened by the evaluation date, false when the facts say it has not, unknown otherwise"),
            NoSuchField { span, record, field } => Diagnostic::error("E0215", format!("`{record}` has no field `{field}`"))
                .with_label(*span, "no such field"),
            UnknownType { span, name } => Diagnostic::error("E0216", format!("unknown type `{name}`"))
                .with_label(*span, "not a type")
                .with_help("the types are bool, int, decimal, money, percent, date, duration, text, reasons, set of T, and declared enums and records"),
            MixedScope { concept, regardless, gated } => Diagnostic::error("E0218", format!("some rules of `{concept}` hold regardless of scope and others do not"))
                .with_label(*regardless, "this rule holds regardless of scope")
                .with_label(*gated, "this one only where the policy applies")
                .with_help(format!("a concept is decided either within the policy's scope or regardless of it: write `regardless of scope` on every rule of `{concept}`, or on none")),
            RegardlessOnScope { span } => Diagnostic::error("E0219", "`in_scope` decides the scope; it cannot be `regardless of scope`")
                .with_label(*span, "on a rule of in_scope")
                .with_help("remove `regardless of scope`: the scope itself is never gated"),
            EachNeedsSet { span, found } => Diagnostic::error("E0220", format!("`after each` counts from every date of a set, found {found}"))
                .with_label(*span, "not a set of dates")
                .with_help("name a `set of date` fact listing every event, e.g. `fact crypto_assessments_completed_on: set of date`"),
            ActNotDateSet { span, name, found } => Diagnostic::error("E0221", format!("`{name}` is {found}, but a duty with one instance per year or per event is done on a set of dates"))
                .with_label(*span, "not a set-of-date fact")
                .with_help("declare the act as `set of date` and list every date the duty was done"),
            Internal { span, what } => Diagnostic::error("E0000", format!("internal error: the checker met {what}"))
                .with_label(*span, "here")
                .with_help("this is a defect of tiao, not of your file; please report it with the file"),
            InForceConcept { span } => Diagnostic::error("E0217", "`in_force` is decided by the policy block, not by a rule")
                .with_label(*span, "rule for in_force")
                .with_help("write the in-force period in the policy block: `in_force from 2022-06-21`; mark the article `descriptive \"in-force clause, encoded in the policy block\"`"),
        }
    }
}

/// Type-check a resolved policy and build its IR. `sources` gives the rules' source text for
/// explanations. In debug builds the IR is validated (`ir::validate`) before it is returned.
pub fn check(resolved: &Resolved, sources: &SourceMap) -> Result<ir::Program, Vec<CheckError>> {
    check_with(resolved, sources, true)
}

/// [`check`], optionally without the static conflict check (E0211): the program is produced
/// even when two rules provably conflict, so that an analysis or a test can evaluate them.
pub fn check_with(
    resolved: &Resolved,
    sources: &SourceMap,
    conflicts: bool,
) -> Result<ir::Program, Vec<CheckError>> {
    let mut c = Checker {
        r: resolved,
        poisoned: HashSet::new(),
        sources,
        errors: Vec::new(),
        enums: Vec::new(),
        records: Vec::new(),
        conflicts,
    };
    let program = c.run();
    if !c.errors.is_empty() {
        return Err(c.errors);
    }
    if cfg!(debug_assertions) {
        let problems = ir::validate(&program);
        if !problems.is_empty() {
            return Err(problems
                .into_iter()
                .map(|(span, what)| CheckError::Internal {
                    span,
                    what: format!("an IR that fails validation: {what}"),
                })
                .collect());
        }
    }
    Ok(program)
}

pub(super) struct Checker<'r, 'a> {
    r: &'r Resolved<'a>,
    /// Spans of placeholder expressions standing in for something already reported, so that
    /// one mistake gives one diagnostic.
    poisoned: HashSet<Span>,
    sources: &'r SourceMap,
    errors: Vec<CheckError>,
    enums: Vec<ir::EnumDef>,
    records: Vec<ir::RecordDef>,
    /// Report static conflicts (E0211); off for analyses that need the program anyway.
    conflicts: bool,
}

pub(super) struct Env<'p> {
    facts: &'p [ir::FactDef],
    concepts_ty: Vec<Type>,
}

/// Where the rules of one concept stand on scope: the first rule with and without
/// `regardless of scope`.
#[derive(Default)]
struct ScopeMarks {
    regardless: Option<Span>,
    gated: Option<Span>,
}

impl<'r, 'a> Checker<'r, 'a> {
    fn tw(&self, t: &Type) -> String {
        ir::type_name(&self.enums, &self.records, t)
    }

    /// A stand-in for an expression whose error was already reported.
    fn placeholder(&mut self, span: Span, ty: Type) -> ir::Expr {
        self.poisoned.insert(span);
        ir::Expr {
            kind: ir::ExprKind::Const(Value::Bool(false)),
            ty,
            span,
        }
    }

    fn internal(&mut self, span: Span, what: &str) -> ir::Expr {
        self.errors.push(CheckError::Internal {
            span,
            what: what.to_string(),
        });
        self.placeholder(span, Type::Bool)
    }

    fn resolve_type(&mut self, t: &ast::TypeExpr) -> Type {
        let named = |this: &mut Self, id: &ast::Ident| -> Type {
            match id.name.as_str() {
                "bool" => Type::Bool,
                "int" => Type::Int,
                "decimal" => Type::Decimal,
                "money" => Type::Money,
                "percent" => Type::Percent,
                "date" => Type::Date,
                "duration" => Type::Duration,
                "text" => Type::Text,
                "reasons" => Type::Reasons,
                other => match this.r.names.get(other) {
                    Some(Symbol::Enum(e)) => Type::Enum(EnumId(*e)),
                    Some(Symbol::Record(r)) => Type::Record(RecordId(*r)),
                    _ => {
                        this.errors.push(CheckError::UnknownType {
                            span: id.span,
                            name: other.to_string(),
                        });
                        Type::Bool
                    }
                },
            }
        };
        match t {
            ast::TypeExpr::Named(id) => named(self, id),
            ast::TypeExpr::SetOf(id, _) => Type::Set(Box::new(named(self, id))),
        }
    }

    fn run(&mut self) -> ir::Program {
        self.enums = self
            .r
            .enums
            .iter()
            .map(|e| ir::EnumDef {
                name: e.name.name.clone(),
                doc: e.doc.as_ref().map(|d| d.value.clone()),
                variants: e
                    .variants
                    .iter()
                    .map(|(v, d)| (v.name.clone(), d.as_ref().map(|d| d.value.clone())))
                    .collect(),
            })
            .collect();
        let mut records = Vec::new();
        for rec in &self.r.records {
            let fields = rec
                .fields
                .iter()
                .map(|(n, t)| (n.name.clone(), self.resolve_type(t)))
                .collect();
            records.push(ir::RecordDef {
                name: rec.name.name.clone(),
                fields,
            });
        }
        self.records = records;
        let facts: Vec<ir::FactDef> = self
            .r
            .facts
            .iter()
            .map(|(f, origin)| ir::FactDef {
                name: f.name.name.clone(),
                ty: self.resolve_type(&f.ty),
                doc: f.doc.as_ref().map(|d| d.value.clone()),
                span: f.span,
                origin: *origin,
            })
            .collect();
        let mut concepts: Vec<ir::ConceptDef> = self
            .r
            .concepts
            .iter()
            .map(|(c, origin)| ir::ConceptDef {
                name: c.name.name.clone(),
                ty: self.resolve_type(&c.ty),
                doc: c.doc.as_ref().map(|d| d.value.clone()),
                span: c.span,
                origin: *origin,
                default: None,
                rules: Vec::new(),
                reasons: Vec::new(),
                scope: ir::ScopeRole::Gated,
            })
            .collect();
        let mut obligations: Vec<ir::ObligationDef> = self
            .r
            .obligations
            .iter()
            .map(|o| ir::ObligationDef {
                name: o.name.clone(),
                doc: o.doc.clone(),
                origin: o.origin,
                rules: Vec::new(),
            })
            .collect();
        let env = Env {
            facts: &facts,
            concepts_ty: concepts.iter().map(|c| c.ty.clone()).collect(),
        };

        for (i, (decl, _)) in self.r.concepts.iter().enumerate() {
            if let Some(d) = &decl.default {
                let want = concepts[i].ty.clone();
                let e = self.expr(&env, d, Some(&want));
                let e = self.coerce(e, &want, "the default value");
                concepts[i].default = Some(e);
            }
        }

        let mut ordinals: HashMap<(ir::DocId, u32, String), u32> = HashMap::new();
        let mut next_id = |doc: ir::DocId, article: u32, target: String| -> RuleId {
            let n = ordinals.entry((doc, article, target.clone())).or_insert(0);
            *n += 1;
            RuleId {
                doc,
                article,
                target,
                ordinal: *n,
            }
        };
        let mut marks: HashMap<u32, ScopeMarks> = HashMap::new();
        for placed in &self.r.rules {
            let source = self.sources.slice(placed.rule.span).to_string();
            let rule = placed.rule;
            let mut mark = |cid: u32, this: &mut Self| {
                let m = marks.entry(cid).or_default();
                match rule.regardless {
                    Some(span) => {
                        m.regardless.get_or_insert(span);
                    }
                    None => {
                        m.gated.get_or_insert(rule.span);
                    }
                }
                if let (Some(span), true) = (
                    rule.regardless,
                    this.r.names.get("in_scope") == Some(&Symbol::Concept(cid)),
                ) {
                    this.errors.push(CheckError::RegardlessOnScope { span });
                }
            };
            match &rule.kind {
                RuleKind::Define {
                    concept,
                    value,
                    when,
                } => self.concept_rule(
                    &env,
                    &mut concepts,
                    placed,
                    (concept, value, when.as_ref(), false),
                    &source,
                    &mut next_id,
                    &mut mark,
                ),
                RuleKind::Exception {
                    concept,
                    value,
                    when,
                } => self.concept_rule(
                    &env,
                    &mut concepts,
                    placed,
                    (concept, value, Some(when), true),
                    &source,
                    &mut next_id,
                    &mut mark,
                ),
                RuleKind::Reason {
                    id,
                    concepts: targets,
                    when,
                } => {
                    let w = self.condition(&env, when);
                    for concept in targets {
                        if placed.skip.contains(&concept.name) {
                            // set aside by an `override` of a document that builds on this one
                            continue;
                        }
                        let Some(Symbol::Concept(cid)) = self.r.names.get(&concept.name).copied()
                        else {
                            // resolve reported the name
                            continue;
                        };
                        let cty = concepts[cid as usize].ty.clone();
                        if cty != Type::Reasons {
                            let found = self.tw(&cty);
                            self.errors.push(CheckError::ReasonOnNonReasons {
                                span: concept.span,
                                concept: concept.name.clone(),
                                found,
                            });
                            continue;
                        }
                        mark(cid, self);
                        let rule_id = next_id(
                            placed.doc,
                            placed.cite.article,
                            format!("{}.{}", concept.name, id.name),
                        );
                        concepts[cid as usize].reasons.push(ir::ReasonRule {
                            id: rule_id,
                            reason: id.name.clone(),
                            when: w.clone(),
                            cite: placed.cite.clone(),
                            text: placed.text.clone(),
                            source: source.clone(),
                            span: rule.span,
                        });
                    }
                }
                // consumed by resolve (lineage::apply_lineage)
                RuleKind::Repeal { .. } | RuleKind::Replace { .. } | RuleKind::Override { .. } => {}
                RuleKind::Obligation {
                    name,
                    bearer,
                    act,
                    deadline,
                    when,
                } => {
                    let Some(Symbol::Obligation(oid)) = self.r.names.get(&name.name).copied()
                    else {
                        continue;
                    };
                    let Some(Symbol::Fact(fid)) = self.r.names.get(&act.name).copied() else {
                        continue;
                    };
                    let deadline = self.deadline(&env, deadline);
                    let per_instance = match &deadline {
                        ir::Deadline::Yearly { .. } => true,
                        ir::Deadline::Within { after, .. }
                        | ir::Deadline::Between { after, .. } => {
                            matches!(after, ir::Trigger::Each(_))
                        }
                        ir::Deadline::By { .. } => false,
                    };
                    let act_ty = facts[fid as usize].ty.clone();
                    let date_set = Type::Set(Box::new(Type::Date));
                    if per_instance && act_ty != date_set {
                        let found = self.tw(&act_ty);
                        self.errors.push(CheckError::ActNotDateSet {
                            span: act.span,
                            name: act.name.clone(),
                            found,
                        });
                    } else if !per_instance && act_ty != Type::Date {
                        let found = self.tw(&act_ty);
                        self.errors.push(CheckError::ActNotDate {
                            span: act.span,
                            name: act.name.clone(),
                            found,
                        });
                    }
                    let w = when.as_ref().map(|w| self.condition(&env, w));
                    obligations[oid as usize].rules.push(ir::ObligationRule {
                        id: next_id(placed.doc, placed.cite.article, name.name.clone()),
                        act: FactId(fid),
                        deadline,
                        when: w,
                        bearer: bearer.as_ref().map(|b| b.value.clone()),
                        regardless: rule.regardless.is_some(),
                        cite: placed.cite.clone(),
                        source,
                        span: rule.span,
                    });
                }
            }
        }
        for (cid, m) in &marks {
            if let (Some(regardless), Some(gated)) = (m.regardless, m.gated) {
                self.errors.push(CheckError::MixedScope {
                    concept: concepts[*cid as usize].name.clone(),
                    regardless,
                    gated,
                });
            }
            if m.regardless.is_some() {
                concepts[*cid as usize].scope = ir::ScopeRole::Regardless;
            }
        }

        let document = document::document(self.r);
        let mut program = ir::Program {
            presumptions: presumptions(&document, &self.enums, &facts),
            document,
            enums: self.enums.clone(),
            records: self.records.clone(),
            facts,
            concepts,
            obligations,
            scope: None,
            lineage: lineage::ancestors(self.r),
            set_aside: lineage::set_aside(self.r, self.sources),
        };
        mark_scope(&mut program);
        // a presumption is only worth stating for a fact some rule reads
        let read = facts_read(&program);
        program.presumptions.retain(|(f, _)| read.contains(f));
        self.cycles(&program);
        if self.conflicts {
            self.errors.extend(conflict::conflict_errors(&program));
        }
        program
    }

    #[allow(clippy::too_many_arguments)]
    fn concept_rule(
        &mut self,
        env: &Env,
        concepts: &mut [ir::ConceptDef],
        placed: &crate::resolve::PlacedRule,
        (concept, value, when, exception): (&ast::Ident, &ast::Expr, Option<&ast::Expr>, bool),
        source: &str,
        next_id: &mut dyn FnMut(ir::DocId, u32, String) -> RuleId,
        mark: &mut dyn FnMut(u32, &mut Self),
    ) {
        let Some(Symbol::Concept(cid)) = self.r.names.get(&concept.name).copied() else {
            // resolve reported the name
            return;
        };
        if concept.name == "in_force" {
            self.errors.push(CheckError::InForceConcept {
                span: placed.rule.span,
            });
            return;
        }
        let cty = concepts[cid as usize].ty.clone();
        if cty == Type::Reasons {
            self.errors.push(CheckError::DefineOnReasons {
                span: concept.span,
                concept: concept.name.clone(),
            });
            return;
        }
        mark(cid, self);
        let v = self.expr(env, value, Some(&cty));
        let v = self.coerce(v, &cty, "the value of this definition");
        let w = when.map(|w| self.condition(env, w));
        concepts[cid as usize].rules.push(ir::ConceptRule {
            id: next_id(placed.doc, placed.cite.article, concept.name.clone()),
            value: v,
            when: w,
            exception,
            cite: placed.cite.clone(),
            text: placed.text.clone(),
            source: source.to_string(),
            span: placed.rule.span,
        });
    }

    fn trigger(&mut self, env: &Env, after: &ast::Expr, each: bool) -> ir::Trigger {
        if !each {
            return ir::Trigger::One(self.date_expr(env, after));
        }
        let want = Type::Set(Box::new(Type::Date));
        let x = self.expr(env, after, Some(&want));
        if x.ty != want && !self.poisoned.contains(&x.span) {
            let found = self.tw(&x.ty);
            self.errors.push(CheckError::EachNeedsSet {
                span: x.span,
                found,
            });
        }
        ir::Trigger::Each(x)
    }

    fn deadline(&mut self, env: &Env, d: &ast::Deadline) -> ir::Deadline {
        match d {
            ast::Deadline::Within {
                period,
                after,
                each,
            } => ir::Deadline::Within {
                period: self.period(env, period),
                after: self.trigger(env, after, *each),
            },
            ast::Deadline::Between {
                from,
                to,
                after,
                each,
            } => ir::Deadline::Between {
                from: self.period(env, from),
                to: self.period(env, to),
                after: self.trigger(env, after, *each),
            },
            ast::Deadline::By { date } => ir::Deadline::By {
                date: self.date_expr(env, date),
            },
            ast::Deadline::Yearly {
                month,
                day,
                from,
                until,
            } => ir::Deadline::Yearly {
                month: *month,
                day: *day,
                from: self.date_expr(env, from),
                until: until.as_ref().map(|u| self.date_expr(env, u)),
            },
        }
    }

    /// Concepts and duties may not depend on each other in a circle. A duty that applies only
    /// within the policy's scope depends on `in_scope`, and so does every gated concept.
    fn cycles(&mut self, p: &ir::Program) {
        let n = p.concepts.len();
        let node_name = |i: usize| -> String {
            if i < n {
                p.concepts[i].name.clone()
            } else {
                p.obligations[i - n].name.clone()
            }
        };
        let refs = |exprs: &mut dyn Iterator<Item = &ir::Expr>| -> Vec<usize> {
            let mut out = Vec::new();
            for e in exprs {
                e.visit(&mut |x| match x.kind {
                    ir::ExprKind::Concept(id) => out.push(id.0 as usize),
                    ir::ExprKind::Duty(o, _) => out.push(n + o.0 as usize),
                    _ => {}
                });
            }
            out
        };
        let scope = p.scope.map(|s| s.0 as usize);
        let mut deps: Vec<Vec<usize>> = Vec::new();
        for (i, c) in p.concepts.iter().enumerate() {
            let mut exprs = c
                .rules
                .iter()
                .flat_map(|r| std::iter::once(&r.value).chain(r.when.iter()))
                .chain(c.reasons.iter().map(|r| &r.when))
                .chain(c.default.iter());
            let mut d = refs(&mut exprs);
            if c.scope == ir::ScopeRole::Gated {
                d.extend(scope.filter(|s| *s != i));
            }
            deps.push(d);
        }
        for o in &p.obligations {
            let mut d = Vec::new();
            for r in &o.rules {
                let mut exprs = r.when.iter().chain(r.deadline.exprs());
                d.extend(refs(&mut exprs));
                if !r.regardless {
                    d.extend(scope);
                }
            }
            deps.push(d);
        }
        let total = deps.len();
        let mut state = vec![0u8; total];
        let mut stack = Vec::new();
        fn dfs(
            i: usize,
            deps: &[Vec<usize>],
            state: &mut [u8],
            stack: &mut Vec<usize>,
        ) -> Option<Vec<usize>> {
            state[i] = 1;
            stack.push(i);
            for &j in &deps[i] {
                if state[j] == 1 {
                    let pos = stack.iter().position(|x| *x == j).unwrap_or(0);
                    let mut cyc = stack[pos..].to_vec();
                    cyc.push(j);
                    return Some(cyc);
                }
                if state[j] == 0 {
                    if let Some(c) =
                        stacker::maybe_grow(64 * 1024, 1024 * 1024, || dfs(j, deps, state, stack))
                    {
                        return Some(c);
                    }
                }
            }
            stack.pop();
            state[i] = 2;
            None
        }
        for i in 0..total {
            if state[i] == 0 {
                if let Some(cyc) = dfs(i, &deps, &mut state, &mut stack) {
                    let first = cyc[0];
                    let span = if first < n {
                        p.concepts[first]
                            .rules
                            .first()
                            .map(|r| r.span)
                            .unwrap_or(p.concepts[first].span)
                    } else {
                        p.obligations[first - n]
                            .rules
                            .first()
                            .map_or(Span::default(), |r| r.span)
                    };
                    self.errors.push(CheckError::Cycle {
                        concepts: cyc.iter().map(|c| node_name(*c)).collect(),
                        span,
                    });
                    return;
                }
            }
        }
    }
}

/// Every fact some rule, default or deadline of the program reads.
fn facts_read(p: &ir::Program) -> HashSet<FactId> {
    let mut out = HashSet::new();
    let mut visit = |e: &ir::Expr| {
        e.visit(&mut |x| {
            if let ir::ExprKind::Fact(f) = x.kind {
                out.insert(f);
            }
        })
    };
    for c in &p.concepts {
        for r in &c.rules {
            visit(&r.value);
            r.when.iter().for_each(&mut visit);
        }
        c.reasons.iter().for_each(|r| visit(&r.when));
        c.default.iter().for_each(&mut visit);
    }
    for o in &p.obligations {
        for r in &o.rules {
            r.when.iter().for_each(&mut visit);
            r.deadline.exprs().into_iter().for_each(&mut visit);
        }
    }
    out
}

/// The scope concept and the concepts it is decided from (never gated).
fn mark_scope(p: &mut ir::Program) {
    let Some(scope) = p
        .concept_id("in_scope")
        .filter(|s| p.concept(*s).is_decided())
    else {
        return;
    };
    p.scope = Some(scope);
    let mut todo = vec![scope];
    let mut seen: HashSet<ConceptId> = HashSet::new();
    while let Some(c) = todo.pop() {
        if !seen.insert(c) {
            continue;
        }
        let def = p.concept(c);
        def.rules
            .iter()
            .flat_map(|r| std::iter::once(&r.value).chain(r.when.iter()))
            .chain(def.reasons.iter().map(|r| &r.when))
            .chain(def.default.iter())
            .for_each(|e| {
                e.visit(&mut |x| {
                    if let ir::ExprKind::Concept(other) = x.kind {
                        todo.push(other);
                    }
                })
            });
    }
    for c in seen {
        p.concepts[c.0 as usize].scope = ir::ScopeRole::DefinesScope;
    }
}

/// `jurisdiction_level` presumed to be the policy's own level when the project does not say.
fn presumptions(
    document: &ir::Document,
    enums: &[ir::EnumDef],
    facts: &[ir::FactDef],
) -> Vec<(FactId, Value)> {
    let Some(level) = &document.meta.level else {
        return Vec::new();
    };
    let Some(fid) = facts.iter().position(|f| f.name == "jurisdiction_level") else {
        return Vec::new();
    };
    let Type::Enum(e) = &facts[fid].ty else {
        return Vec::new();
    };
    enums
        .get(e.0 as usize)
        .and_then(|def| def.variants.iter().position(|(v, _)| v == level))
        .map(|v| vec![(FactId(fid as u32), Value::Enum(e.0, v as u32))])
        .unwrap_or_default()
}
