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

mod conflict;

use crate::diagnostic::Diagnostic;
use crate::ir::{self, Builtin, ConceptId, EnumId, FactId, RecordId, Type};
use crate::resolve::{Resolved, Symbol};
use crate::source::{SourceMap, Span};
use crate::syntax::ast::{self, BinOp, ExprKind, MetaField, RuleKind, UnOp};
use crate::value::{PeriodKey, Value};
use std::collections::HashMap;

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
    KnownNeedsFact {
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
            Cycle { concepts, span } => Diagnostic::error("E0212", format!("concepts depend on each other in a circle: {}", concepts.join(" → ")))
                .with_label(*span, "the circle starts here")
                .with_help("a concept cannot depend on itself; decide one of them from facts"),
            WrongArity { span, name, expected, found } => {
                Diagnostic::error("E0213", format!("`{name}` takes {expected} argument(s), found {found}"))
                    .with_label(*span, "wrong number of arguments")
            }
            KnownNeedsFact { span } => Diagnostic::error("E0214", "`known(…)` takes the name of a fact")
                .with_label(*span, "not a fact name")
                .with_help("write `known(completed_on)`"),
            NoSuchField { span, record, field } => Diagnostic::error("E0215", format!("`{record}` has no field `{field}`"))
                .with_label(*span, "no such field"),
            UnknownType { span, name } => Diagnostic::error("E0216", format!("unknown type `{name}`"))
                .with_label(*span, "not a type")
                .with_help("the types are bool, int, decimal, money, percent, date, duration, text, reasons, set of T, and declared enums and records"),
            InForceConcept { span } => Diagnostic::error("E0217", "`in_force` is decided by the policy block, not by a rule")
                .with_label(*span, "rule for in_force")
                .with_help("write the in-force period in the policy block: `in_force from 2022-06-21`; mark the article `descriptive \"in-force clause, encoded in the policy block\"`"),
        }
    }
}

/// Type-check a resolved policy and build its IR. `sources` gives the rules' source text for
/// explanations.
pub fn check(resolved: &Resolved, sources: &SourceMap) -> Result<ir::Program, Vec<CheckError>> {
    let mut c = Checker {
        r: resolved,
        poisoned: std::collections::HashSet::new(),
        sources,
        errors: Vec::new(),
        enums: Vec::new(),
        records: Vec::new(),
    };
    let program = c.run();
    if c.errors.is_empty() {
        Ok(program)
    } else {
        Err(c.errors)
    }
}

struct Checker<'r, 'a> {
    r: &'r Resolved<'a>,
    /// Spans of placeholder expressions standing in for something already reported, so that
    /// one mistake gives one diagnostic.
    poisoned: std::collections::HashSet<Span>,
    sources: &'r SourceMap,
    errors: Vec<CheckError>,
    enums: Vec<ir::EnumDef>,
    records: Vec<ir::RecordDef>,
}

impl<'r, 'a> Checker<'r, 'a> {
    fn tw(&self, t: &Type) -> String {
        ir::type_name(&self.enums, &self.records, t)
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
            .map(|(f, local)| ir::FactDef {
                name: f.name.name.clone(),
                ty: self.resolve_type(&f.ty),
                doc: f.doc.as_ref().map(|d| d.value.clone()),
                span: f.span,
                local: *local,
            })
            .collect();
        let mut concepts: Vec<ir::ConceptDef> = self
            .r
            .concepts
            .iter()
            .map(|(c, local)| ir::ConceptDef {
                name: c.name.name.clone(),
                ty: self.resolve_type(&c.ty),
                doc: c.doc.as_ref().map(|d| d.value.clone()),
                span: c.span,
                local: *local,
                default: None,
                rules: Vec::new(),
                reasons: Vec::new(),
            })
            .collect();
        let mut obligations: Vec<ir::ObligationDef> = self
            .r
            .obligations
            .iter()
            .map(|(n, d, _, _)| ir::ObligationDef {
                name: n.clone(),
                doc: d.clone(),
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
                self.expect(&e, &want, "the default value");
                concepts[i].default = Some(e);
            }
        }

        for placed in &self.r.rules {
            let source = self.sources.slice(placed.rule.span).to_string();
            match &placed.rule.kind {
                RuleKind::Define { .. } | RuleKind::Exception { .. } => {
                    let (concept, value, when_expr) = match &placed.rule.kind {
                        RuleKind::Define {
                            concept,
                            value,
                            when,
                        } => (concept, value, when.as_ref()),
                        RuleKind::Exception {
                            concept,
                            value,
                            when,
                        } => (concept, value, Some(when)),
                        _ => continue,
                    };
                    let Some(Symbol::Concept(cid)) = self.r.names.get(&concept.name).copied()
                    else {
                        continue;
                    };
                    let cty = concepts[cid as usize].ty.clone();
                    if concept.name == "in_force" {
                        self.errors.push(CheckError::InForceConcept {
                            span: placed.rule.span,
                        });
                        continue;
                    }
                    if cty == Type::Reasons {
                        self.errors.push(CheckError::DefineOnReasons {
                            span: concept.span,
                            concept: concept.name.clone(),
                        });
                        continue;
                    }
                    let v = self.expr(&env, value, Some(&cty));
                    self.expect(&v, &cty, "the value of this definition");
                    let w = when_expr.map(|w| self.condition(&env, w));
                    concepts[cid as usize].rules.push(ir::ConceptRule {
                        value: v,
                        when: w,
                        exception: matches!(placed.rule.kind, RuleKind::Exception { .. }),
                        cite: placed.cite.clone(),
                        text: placed.text.clone(),
                        source,
                        span: placed.rule.span,
                    });
                }
                RuleKind::Reason { id, concept, when } => {
                    let Some(Symbol::Concept(cid)) = self.r.names.get(&concept.name).copied()
                    else {
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
                    let w = self.condition(&env, when);
                    concepts[cid as usize].reasons.push(ir::ReasonRule {
                        id: id.name.clone(),
                        when: w,
                        cite: placed.cite.clone(),
                        text: placed.text.clone(),
                        source,
                        span: placed.rule.span,
                    });
                }
                RuleKind::Obligation {
                    name,
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
                    let yearly = matches!(deadline, ast::Deadline::Yearly { .. });
                    let act_ty = &facts[fid as usize].ty;
                    let act_ok = *act_ty == Type::Date
                        || (yearly && *act_ty == Type::Set(Box::new(Type::Date)));
                    if !act_ok {
                        let found = self.tw(&facts[fid as usize].ty);
                        self.errors.push(CheckError::ActNotDate {
                            span: act.span,
                            name: act.name.clone(),
                            found,
                        });
                    }
                    let deadline = match deadline {
                        ast::Deadline::Within { period, after } => ir::Deadline::Within {
                            period: self.period(&env, period),
                            after: self.date_expr(&env, after),
                        },
                        ast::Deadline::Between { from, to, after } => ir::Deadline::Between {
                            from: self.period(&env, from),
                            to: self.period(&env, to),
                            after: self.date_expr(&env, after),
                        },
                        ast::Deadline::By { date } => ir::Deadline::By {
                            date: self.date_expr(&env, date),
                        },
                        ast::Deadline::Yearly {
                            month,
                            day,
                            from,
                            until,
                        } => ir::Deadline::Yearly {
                            month: *month,
                            day: *day,
                            from: self.date_expr(&env, from),
                            until: until.as_ref().map(|u| self.date_expr(&env, u)),
                        },
                    };
                    let w = when.as_ref().map(|w| self.condition(&env, w));
                    obligations[oid as usize].rules.push(ir::ObligationRule {
                        act: FactId(fid),
                        deadline,
                        when: w,
                        cite: placed.cite.clone(),
                        source,
                        span: placed.rule.span,
                    });
                }
            }
        }

        let program = ir::Program {
            document: self.document(),
            enums: self.enums.clone(),
            records: self.records.clone(),
            facts,
            concepts,
            obligations,
        };
        self.cycles(&program);
        self.errors.extend(conflict::static_conflicts(&program));
        program
    }

    fn document(&self) -> ir::Document {
        let h = self.r.header;
        let mut meta = ir::PolicyMeta {
            id: h.map(|h| h.name.name.clone()).unwrap_or_default(),
            title: String::new(),
            number: None,
            issuer: None,
            jurisdiction: None,
            level: None,
            issued: None,
            issued_source: None,
            in_force_from: None,
            in_force_from_issue: false,
            in_force_end: None,
            in_force_article: None,
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
        let mut from_issue = false;
        for f in h.map(|h| h.fields.as_slice()).unwrap_or(&[]) {
            match f {
                MetaField::Title(s) => meta.title = s.value.clone(),
                MetaField::Number(s) => meta.number = Some(s.value.clone()),
                MetaField::Issuer(s) => meta.issuer = Some(s.value.clone()),
                MetaField::Jurisdiction { name, level } => {
                    meta.jurisdiction = Some(name.value.clone());
                    meta.level = Some(level.name.clone());
                }
                MetaField::Issued { date, source, .. } => {
                    meta.issued = *date;
                    meta.issued_source = source.as_ref().map(|s| s.value.clone());
                }
                MetaField::InForce {
                    from, end, article, ..
                } => {
                    match from {
                        ast::InForceStart::Date(d) => meta.in_force_from = Some(*d),
                        ast::InForceStart::Issued => from_issue = true,
                    }
                    meta.in_force_end = end.as_ref().map(|e| match e {
                        ast::InForceEnd::Until(d) => ir::InForceEnd::Until(*d),
                        ast::InForceEnd::For(p) => ir::InForceEnd::For(*p),
                    });
                    meta.in_force_article = article.map(|(n, _)| n);
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
                MetaField::Unknown { .. } => {}
            }
        }
        if from_issue {
            meta.in_force_from_issue = true;
            meta.in_force_from = meta.issued;
        }
        let mut articles = Vec::new();
        let mut index_of: HashMap<*const ast::Article, usize> = HashMap::new();
        for a in &self.r.articles {
            index_of.insert(*a as *const _, articles.len());
            let rule_count = self
                .r
                .rules
                .iter()
                .filter(|p| p.cite.article == a.number)
                .count()
                + usize::from(meta.in_force_article == Some(a.number));
            articles.push(ir::Article {
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
                notes: a
                    .notes
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
                    .collect(),
                repairs: a.repairs.iter().map(repair).collect(),
                rule_count,
                span: a.span,
            });
        }
        let chapters = self
            .r
            .chapters
            .iter()
            .map(|(h, arts)| ir::Chapter {
                heading: h.value.clone(),
                articles: arts
                    .iter()
                    .filter_map(|a| index_of.get(&(*a as *const _)).copied())
                    .collect(),
            })
            .collect();
        ir::Document {
            meta,
            chapters,
            articles,
        }
    }

    fn cycles(&mut self, p: &ir::Program) {
        // depth-first search over concept → concepts its rules read
        let n = p.concepts.len();
        let deps: Vec<Vec<usize>> = p
            .concepts
            .iter()
            .map(|c| {
                let mut out = Vec::new();
                let mut visit = |e: &ir::Expr| {
                    if let ir::ExprKind::Concept(id) = e.kind {
                        out.push(id.0 as usize);
                    }
                };
                for r in &c.rules {
                    r.value.visit(&mut visit);
                    if let Some(w) = &r.when {
                        w.visit(&mut visit);
                    }
                }
                for r in &c.reasons {
                    r.when.visit(&mut visit);
                }
                out
            })
            .collect();
        let mut state = vec![0u8; n];
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
                    if let Some(c) = dfs(j, deps, state, stack) {
                        return Some(c);
                    }
                }
            }
            stack.pop();
            state[i] = 2;
            None
        }
        for i in 0..n {
            if state[i] == 0 {
                if let Some(cyc) = dfs(i, &deps, &mut state, &mut stack) {
                    let span = p.concepts[cyc[0]]
                        .rules
                        .first()
                        .map(|r| r.span)
                        .unwrap_or(p.concepts[cyc[0]].span);
                    self.errors.push(CheckError::Cycle {
                        concepts: cyc.iter().map(|c| p.concepts[*c].name.clone()).collect(),
                        span,
                    });
                    return;
                }
            }
        }
    }

    /// A stand-in for an expression whose error was already reported.
    fn placeholder(&mut self, span: Span) -> ir::Expr {
        self.poisoned.insert(span);
        Self::mk(ir::ExprKind::Const(Value::Bool(false)), Type::Bool, span)
    }

    fn expect(&mut self, e: &ir::Expr, want: &Type, context: &'static str) {
        if &e.ty == want || self.poisoned.contains(&e.span) {
            return;
        }
        if *want == Type::Money && e.ty == Type::Percent {
            self.errors
                .push(CheckError::PercentWhereMoney { span: e.span });
        } else if matches!(
            e.kind,
            ir::ExprKind::Const(Value::Int(_)) | ir::ExprKind::Const(Value::Decimal(_))
        ) && matches!(want, Type::Money | Type::Percent | Type::Duration)
        {
            self.errors.push(CheckError::NumberWithoutUnit {
                span: e.span,
                expected: self.tw(want),
            });
        } else {
            let (expected, found) = (self.tw(want), self.tw(&e.ty));
            self.errors.push(CheckError::TypeMismatch {
                span: e.span,
                expected,
                found,
                context,
            });
        }
    }

    fn condition(&mut self, env: &Env, e: &ast::Expr) -> ir::Expr {
        let x = self.expr(env, e, Some(&Type::Bool));
        if self.poisoned.contains(&x.span) {
            return x;
        }
        if x.ty != Type::Bool {
            let found = self.tw(&x.ty);
            self.errors.push(CheckError::ConditionNotBool {
                span: x.span,
                found,
            });
        }
        x
    }

    fn date_expr(&mut self, env: &Env, e: &ast::Expr) -> ir::Expr {
        let x = self.expr(env, e, Some(&Type::Date));
        if self.poisoned.contains(&x.span) {
            return x;
        }
        if x.ty != Type::Date {
            let found = self.tw(&x.ty);
            self.errors.push(CheckError::DeadlineNotDate {
                span: x.span,
                found,
            });
        }
        x
    }

    fn period(&mut self, env: &Env, e: &ast::Expr) -> ir::Expr {
        let x = self.expr(env, e, Some(&Type::Duration));
        if self.poisoned.contains(&x.span) {
            return x;
        }
        if x.ty != Type::Duration {
            if matches!(
                x.kind,
                ir::ExprKind::Const(Value::Int(_)) | ir::ExprKind::Const(Value::Decimal(_))
            ) {
                self.errors.push(CheckError::NumberWithoutUnit {
                    span: x.span,
                    expected: "duration".into(),
                });
            } else {
                let found = self.tw(&x.ty);
                self.errors.push(CheckError::PeriodNotDuration {
                    span: x.span,
                    found,
                });
            }
        }
        x
    }

    fn mk(kind: ir::ExprKind, ty: Type, span: Span) -> ir::Expr {
        ir::Expr { kind, ty, span }
    }

    /// Type an expression. `hint` is the type the context wants (used for bare enum variants
    /// and for number literals).
    fn expr(&mut self, env: &Env, e: &ast::Expr, hint: Option<&Type>) -> ir::Expr {
        use ir::ExprKind as K;
        let span = e.span;
        match &e.kind {
            ExprKind::Bool(b) => Self::mk(K::Const(Value::Bool(*b)), Type::Bool, span),
            ExprKind::Number(n) => {
                if n.fract().is_zero()
                    && n.abs() < rust_decimal::Decimal::from(i64::MAX)
                    && hint != Some(&Type::Decimal)
                {
                    let i = i64::try_from(*n).unwrap_or(0);
                    Self::mk(K::Const(Value::Int(i)), Type::Int, span)
                } else {
                    Self::mk(K::Const(Value::Decimal(*n)), Type::Decimal, span)
                }
            }
            ExprKind::Money(m) => Self::mk(K::Const(Value::Money(*m)), Type::Money, span),
            ExprKind::Percent(p) => Self::mk(K::Const(Value::Percent(*p)), Type::Percent, span),
            ExprKind::Date(d) => Self::mk(K::Const(Value::Date(*d)), Type::Date, span),
            ExprKind::Duration(p) => Self::mk(
                K::Const(Value::Duration(PeriodKey::from_period(*p))),
                Type::Duration,
                span,
            ),
            ExprKind::Str(s) => Self::mk(K::Const(Value::Text(s.clone())), Type::Text, span),
            ExprKind::Name(id) => self.name(env, id, hint),
            ExprKind::Field(base, field) => {
                if let ExprKind::Name(b) = &base.kind {
                    if let Some(Symbol::Enum(eid)) = self.r.names.get(&b.name).copied() {
                        let v = self.enums[eid as usize]
                            .variants
                            .iter()
                            .position(|(n, _)| *n == field.name)
                            .unwrap_or(0);
                        return Self::mk(
                            K::Const(Value::Enum(eid, v as u32)),
                            Type::Enum(EnumId(eid)),
                            span,
                        );
                    }
                }
                let b = self.expr(env, base, None);
                match &b.ty {
                    Type::Record(rid) => {
                        let rec = &self.records[rid.0 as usize];
                        match rec.fields.iter().position(|(n, _)| *n == field.name) {
                            Some(i) => {
                                let ty = rec.fields[i].1.clone();
                                Self::mk(K::Field(Box::new(b), i as u32), ty, span)
                            }
                            None => {
                                let record = rec.name.clone();
                                self.errors.push(CheckError::NoSuchField {
                                    span: field.span,
                                    record,
                                    field: field.name.clone(),
                                });
                                self.placeholder(span)
                            }
                        }
                    }
                    other => {
                        let found = self.tw(other);
                        self.errors.push(CheckError::NoSuchField {
                            span: field.span,
                            record: found,
                            field: field.name.clone(),
                        });
                        self.placeholder(span)
                    }
                }
            }
            ExprKind::Unary(UnOp::Not, x) => {
                let x = self.condition(env, x);
                Self::mk(K::Not(Box::new(x)), Type::Bool, span)
            }
            ExprKind::Unary(UnOp::Neg, x) => {
                let x = self.expr(env, x, hint);
                if !matches!(
                    x.ty,
                    Type::Int | Type::Decimal | Type::Money | Type::Percent
                ) {
                    let t = self.tw(&x.ty);
                    self.errors.push(CheckError::BadOperands {
                        span,
                        op: "-",
                        left: "nothing".into(),
                        right: t,
                    });
                }
                let ty = x.ty.clone();
                Self::mk(K::Neg(Box::new(x)), ty, span)
            }
            ExprKind::Binary(op, a, b) => self.binary(env, *op, a, b, span),
            ExprKind::Member {
                value,
                set,
                negated,
            } => {
                let s = self.expr(env, set, None);
                let element = match &s.ty {
                    Type::Set(t) => Some((**t).clone()),
                    _ => None,
                };
                let v = self.expr(env, value, element.as_ref());
                match element {
                    Some(t) if t != v.ty => self.expect(&v, &t, "an element tested for membership"),
                    Some(_) => {}
                    None => {
                        let found = self.tw(&s.ty);
                        self.errors.push(CheckError::TypeMismatch {
                            span: s.span,
                            expected: format!("a set of {}", self.tw(&v.ty)),
                            found,
                            context: "the right side of `in`",
                        });
                    }
                }
                Self::mk(
                    K::Member {
                        value: Box::new(v),
                        set: Box::new(s),
                        negated: *negated,
                    },
                    Type::Bool,
                    span,
                )
            }
            ExprKind::In {
                value,
                set,
                negated,
            } => {
                let v = self.expr(env, value, None);
                let items: Vec<ir::Expr> = set
                    .iter()
                    .map(|x| {
                        let xi = self.expr(env, x, Some(&v.ty));
                        if xi.ty != v.ty {
                            self.expect(&xi, &v.ty, "an element of the set");
                        }
                        xi
                    })
                    .collect();
                Self::mk(
                    K::In {
                        value: Box::new(v),
                        set: items,
                        negated: *negated,
                    },
                    Type::Bool,
                    span,
                )
            }
            ExprKind::If(c, t, f) => {
                let c = self.condition(env, c);
                let t = self.expr(env, t, hint);
                let f = self.expr(env, f, Some(&t.ty));
                if f.ty != t.ty {
                    let tt = t.ty.clone();
                    self.expect(
                        &f,
                        &tt,
                        "the `else` branch (it must match the `then` branch)",
                    );
                }
                let ty = t.ty.clone();
                Self::mk(K::If(Box::new(c), Box::new(t), Box::new(f)), ty, span)
            }
            ExprKind::Call(name, args) => self.call(env, name, args, span),
            ExprKind::Set(items) => {
                let inner_hint = match hint {
                    Some(Type::Set(t)) => Some((**t).clone()),
                    _ => None,
                };
                let xs: Vec<ir::Expr> = items
                    .iter()
                    .map(|x| self.expr(env, x, inner_hint.as_ref()))
                    .collect();
                let ty = xs
                    .first()
                    .map(|x| x.ty.clone())
                    .or(inner_hint)
                    .unwrap_or(Type::Bool);
                for x in &xs {
                    if x.ty != ty {
                        self.expect(x, &ty, "an element of the set");
                    }
                }
                Self::mk(K::SetLit(xs), Type::Set(Box::new(ty)), span)
            }
        }
    }

    fn name(&mut self, env: &Env, id: &ast::Ident, hint: Option<&Type>) -> ir::Expr {
        use ir::ExprKind as K;
        if id.name == "as_of" && !self.r.names.contains_key("as_of") {
            return Self::mk(K::AsOf, Type::Date, id.span);
        }
        match self.r.names.get(&id.name).copied() {
            Some(Symbol::Fact(f)) => Self::mk(
                K::Fact(FactId(f)),
                env.facts[f as usize].ty.clone(),
                id.span,
            ),
            Some(Symbol::Concept(c)) => Self::mk(
                K::Concept(ConceptId(c)),
                env.concepts_ty[c as usize].clone(),
                id.span,
            ),
            Some(other) => {
                // an obligation, enum or record name used as a value: resolve reported nothing, so report here
                self.errors.push(CheckError::TypeMismatch {
                    span: id.span,
                    expected: "a value".into(),
                    found: other.kind_word().into(),
                    context: "a name used as a value",
                });
                self.placeholder(id.span)
            }
            None => {
                let candidates = self.r.variants.get(&id.name).cloned().unwrap_or_default();
                let chosen = match hint {
                    Some(Type::Enum(want)) => {
                        candidates.iter().find(|(e, _)| *e == want.0).copied()
                    }
                    _ => None,
                }
                .or_else(|| candidates.first().copied());
                match chosen {
                    Some((e, v)) => {
                        Self::mk(K::Const(Value::Enum(e, v)), Type::Enum(EnumId(e)), id.span)
                    }
                    // unknown names were reported by the resolver
                    None => self.placeholder(id.span),
                }
            }
        }
    }

    fn binary(
        &mut self,
        env: &Env,
        op: BinOp,
        a: &ast::Expr,
        b: &ast::Expr,
        span: Span,
    ) -> ir::Expr {
        use ir::ExprKind as K;
        if matches!(op, BinOp::And | BinOp::Or) {
            let x = self.condition(env, a);
            let y = self.condition(env, b);
            return Self::mk(K::Binary(op, Box::new(x), Box::new(y)), Type::Bool, span);
        }
        let x = self.expr(env, a, None);
        let y = self.expr(env, b, Some(&x.ty));
        let ty = match op {
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                let ordered = matches!(op, BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge);
                if x.ty != y.ty {
                    if x.ty == Type::Money && y.ty == Type::Percent {
                        self.errors
                            .push(CheckError::PercentWhereMoney { span: y.span });
                    } else if y.ty == Type::Money && x.ty == Type::Percent {
                        self.errors
                            .push(CheckError::PercentWhereMoney { span: x.span });
                    } else if matches!(y.ty, Type::Int | Type::Decimal)
                        && matches!(x.ty, Type::Money | Type::Percent | Type::Duration)
                    {
                        let expected = self.tw(&x.ty);
                        self.errors.push(CheckError::NumberWithoutUnit {
                            span: y.span,
                            expected,
                        });
                    } else if !(matches!(x.ty, Type::Int | Type::Decimal)
                        && matches!(y.ty, Type::Int | Type::Decimal))
                    {
                        let (l, r) = (self.tw(&x.ty), self.tw(&y.ty));
                        self.errors.push(CheckError::BadOperands {
                            span,
                            op: op.symbol(),
                            left: l,
                            right: r,
                        });
                    }
                } else if ordered
                    && matches!(
                        x.ty,
                        Type::Bool
                            | Type::Enum(_)
                            | Type::Text
                            | Type::Reasons
                            | Type::Set(_)
                            | Type::Record(_)
                            | Type::Duration
                    )
                {
                    let t = self.tw(&x.ty);
                    self.errors.push(CheckError::BadOperands {
                        span,
                        op: op.symbol(),
                        left: t.clone(),
                        right: t,
                    });
                }
                Type::Bool
            }
            BinOp::Add | BinOp::Sub => match (&x.ty, &y.ty) {
                (Type::Money, Type::Money) => Type::Money,
                (Type::Percent, Type::Percent) => Type::Percent,
                (Type::Int, Type::Int) => Type::Int,
                (Type::Decimal | Type::Int, Type::Decimal | Type::Int) => Type::Decimal,
                (Type::Date, Type::Duration) => Type::Date,
                (Type::Date, Type::Date) if op == BinOp::Sub => Type::Int,
                _ => self.bad(op, &x, &y, span),
            },
            BinOp::Mul => match (&x.ty, &y.ty) {
                (Type::Money, Type::Percent | Type::Int | Type::Decimal)
                | (Type::Percent | Type::Int | Type::Decimal, Type::Money) => Type::Money,
                (Type::Int, Type::Int) => Type::Int,
                (Type::Decimal | Type::Int, Type::Decimal | Type::Int) => Type::Decimal,
                (Type::Percent, Type::Int | Type::Decimal)
                | (Type::Int | Type::Decimal, Type::Percent) => Type::Percent,
                _ => self.bad(op, &x, &y, span),
            },
            BinOp::Div => match (&x.ty, &y.ty) {
                (Type::Money, Type::Money) => Type::Percent,
                (Type::Money, Type::Int | Type::Decimal) => Type::Money,
                (Type::Decimal | Type::Int, Type::Decimal | Type::Int) => Type::Decimal,
                _ => self.bad(op, &x, &y, span),
            },
            BinOp::And | BinOp::Or => Type::Bool,
        };
        Self::mk(K::Binary(op, Box::new(x), Box::new(y)), ty, span)
    }

    fn bad(&mut self, op: BinOp, x: &ir::Expr, y: &ir::Expr, span: Span) -> Type {
        if x.ty == Type::Money
            && matches!(y.ty, Type::Int | Type::Decimal)
            && matches!(op, BinOp::Add | BinOp::Sub)
        {
            self.errors.push(CheckError::NumberWithoutUnit {
                span: y.span,
                expected: "money".into(),
            });
        } else {
            let (l, r) = (self.tw(&x.ty), self.tw(&y.ty));
            self.errors.push(CheckError::BadOperands {
                span,
                op: op.symbol(),
                left: l,
                right: r,
            });
        }
        x.ty.clone()
    }

    fn call(&mut self, env: &Env, name: &ast::Ident, args: &[ast::Expr], span: Span) -> ir::Expr {
        use ir::ExprKind as K;
        let Some(builtin) = Builtin::ALL
            .iter()
            .find(|(n, _)| *n == name.name)
            .map(|(_, b)| *b)
        else {
            return self.placeholder(span);
        };
        let arity = match builtin {
            Builtin::Known | Builtin::EndOfYear | Builtin::Year => 1,
            Builtin::MakeDate => 3,
            Builtin::Min | Builtin::Max | Builtin::PeriodEnd => 2,
        };
        if args.len() != arity {
            self.errors.push(CheckError::WrongArity {
                span,
                name: name.name.clone(),
                expected: arity,
                found: args.len(),
            });
            // keep the call's own result type so that no second error follows from this one
            let ty = match builtin {
                Builtin::EndOfYear | Builtin::MakeDate | Builtin::PeriodEnd => Type::Date,
                Builtin::Year => Type::Int,
                Builtin::Known | Builtin::Min | Builtin::Max => Type::Bool,
            };
            return Self::mk(K::Const(Value::Bool(false)), ty, span);
        }
        match builtin {
            Builtin::Known => {
                let x = self.expr(env, &args[0], None);
                if !matches!(x.kind, K::Fact(_) | K::Concept(_)) {
                    self.errors
                        .push(CheckError::KnownNeedsFact { span: args[0].span });
                }
                Self::mk(K::Call(builtin, vec![x]), Type::Bool, span)
            }
            Builtin::EndOfYear => {
                let x = self.date_expr(env, &args[0]);
                Self::mk(K::Call(builtin, vec![x]), Type::Date, span)
            }
            Builtin::Year => {
                let x = self.date_expr(env, &args[0]);
                Self::mk(K::Call(builtin, vec![x]), Type::Int, span)
            }
            Builtin::MakeDate => {
                let xs: Vec<ir::Expr> = args
                    .iter()
                    .map(|a| self.expr(env, a, Some(&Type::Int)))
                    .collect();
                for x in &xs {
                    if x.ty != Type::Int {
                        self.expect(x, &Type::Int, "an argument of date(year, month, day)");
                    }
                }
                Self::mk(K::Call(builtin, xs), Type::Date, span)
            }
            Builtin::PeriodEnd => {
                let d = self.date_expr(env, &args[0]);
                let p = self.period(env, &args[1]);
                Self::mk(K::Call(builtin, vec![d, p]), Type::Date, span)
            }
            Builtin::Min | Builtin::Max => {
                let x = self.expr(env, &args[0], None);
                let y = self.expr(env, &args[1], Some(&x.ty));
                if x.ty != y.ty {
                    let t = x.ty.clone();
                    self.expect(&y, &t, "the second argument (it must match the first)");
                }
                let ty = x.ty.clone();
                Self::mk(K::Call(builtin, vec![x, y]), ty, span)
            }
        }
    }
}

struct Env<'p> {
    facts: &'p [ir::FactDef],
    concepts_ty: Vec<Type>,
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
