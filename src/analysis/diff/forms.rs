//! Rules in short form, and the thresholds and deadlines that change between two policies
//! (`500万元 → 1000万元`, `5个工作日 → 7个工作日`, `12–24个月 → 6–12个月`).

use crate::calendar::Period;
use crate::ir::{CmpOp, ConceptId, Deadline, Expr, ExprKind, ObligationId, Program, RuleId};
use crate::value::Value;
use std::collections::BTreeMap;

/// One rule as the diff shows it.
#[derive(Debug, Clone)]
pub struct RuleView {
    /// The policy-qualified identity: `jiangxi/9/above_provincial_limit/1`.
    pub rule_id: String,
    /// The policy the rule comes from (its own id, or an ancestor's under `extends`).
    pub policy: String,
    pub article: u32,
    /// `第九条第一款`.
    pub cite: String,
    /// The rule as written.
    pub source: String,
    /// The rule without its target: `total_investment >= 500万元`.
    pub short: String,
    /// The paragraph or item text the rule stands in.
    pub text: String,
    /// `define`, `exception`, `reason`, `obligation`.
    pub kind: &'static str,
}

/// The policy id a rule comes from.
pub fn rule_policy(p: &Program, id: &RuleId) -> String {
    crate::eval::rule_key(p, id)
        .rsplitn(4, '/')
        .last()
        .unwrap_or_default()
        .to_string()
}

fn strip_head(source: &str) -> String {
    // `define C = E when W` → `E when W`; `reason R for C when W` → `R when W`
    let s = source.trim();
    for head in ["define ", "exception "] {
        if let Some(rest) = s.strip_prefix(head) {
            if let Some(eq) = rest.find(" = ") {
                let body = rest[eq + 3..].to_string();
                return if head == "exception " {
                    format!("{body} (exception)")
                } else {
                    body
                };
            }
        }
    }
    if let Some(rest) = s.strip_prefix("reason ") {
        if let (Some(sp), Some(w)) = (rest.find(' '), rest.find(" when ")) {
            return format!("{}{}", &rest[..sp], &rest[w..]);
        }
    }
    if let Some(rest) = s.strip_prefix("obligation ") {
        if let Some(colon) = rest.find(": ") {
            return rest[colon + 2..].to_string();
        }
    }
    s.to_string()
}

/// The rules of a concept (definitions, exceptions, reasons).
pub fn concept_rules(p: &Program, id: ConceptId) -> Vec<RuleView> {
    let c = p.concept(id);
    let script = |r: &RuleId| p.doc(r.doc).meta.script;
    let mut out: Vec<RuleView> = c
        .rules
        .iter()
        .map(|r| RuleView {
            rule_id: crate::eval::rule_key(p, &r.id),
            policy: rule_policy(p, &r.id),
            article: r.cite.article,
            cite: r.cite.text(script(&r.id)),
            short: strip_head(&r.source),
            source: r.source.clone(),
            text: r.text.clone(),
            kind: if r.exception { "exception" } else { "define" },
        })
        .collect();
    out.extend(c.reasons.iter().map(|r| RuleView {
        rule_id: crate::eval::rule_key(p, &r.id),
        policy: rule_policy(p, &r.id),
        article: r.cite.article,
        cite: r.cite.text(script(&r.id)),
        short: strip_head(&r.source),
        source: r.source.clone(),
        text: r.text.clone(),
        kind: "reason",
    }));
    out
}

/// The rules of a duty.
pub fn obligation_rules(p: &Program, id: ObligationId) -> Vec<RuleView> {
    p.obligation(id)
        .rules
        .iter()
        .map(|r| {
            let script = p.doc(r.id.doc).meta.script;
            let text = p
                .doc(r.id.doc)
                .article(r.cite.article)
                .map(article_text)
                .unwrap_or_default();
            RuleView {
                rule_id: crate::eval::rule_key(p, &r.id),
                policy: rule_policy(p, &r.id),
                article: r.cite.article,
                cite: r.cite.text(script),
                short: strip_head(&r.source),
                source: r.source.clone(),
                text,
                kind: "obligation",
            }
        })
        .collect()
}

/// An article's whole text, paragraphs and items on their own lines.
pub fn article_text(a: &crate::ir::Article) -> String {
    let mut lines = Vec::new();
    for part in &a.parts {
        match part {
            crate::ir::Part::Para { text, items } => {
                lines.push(text.clone());
                lines.extend(items.iter().cloned());
            }
            crate::ir::Part::Item(t) => lines.push(t.clone()),
        }
    }
    lines.join("\n")
}

/// The rule set in a form that ignores where the rules stand: equal forms decide alike.
pub fn canonical(rules: &[RuleView]) -> Vec<String> {
    let mut v: Vec<String> = rules
        .iter()
        .map(|r| format!("{}:{}", r.kind, r.short))
        .collect();
    v.sort();
    v
}

/// A change of a threshold, value or deadline between the two sides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// What changes: a fact's threshold (`total_investment`), `value`, `deadline`.
    pub what: String,
    pub a: String,
    pub b: String,
}

impl Change {
    pub fn text(&self) -> String {
        format!("{}: {} → {}", self.what, self.a, self.b)
    }
}

fn show_const(p: &Program, v: &Value) -> String {
    p.show(v)
}

/// Thresholds a concept's rules compare facts with: fact name → `>= 500万元` forms.
fn thresholds(p: &Program, exprs: &[&Expr]) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for e in exprs {
        e.visit(&mut |x| {
            if let ExprKind::Cmp(op, _, l, r) = &x.kind {
                let (f, c, op) = match (&l.kind, &r.kind) {
                    (ExprKind::Fact(f), ExprKind::Const(c)) => (*f, c, *op),
                    (ExprKind::Const(c), ExprKind::Fact(f)) => (*f, c, op.flip()),
                    _ => return,
                };
                if !matches!(
                    c,
                    Value::Money(_) | Value::Percent(_) | Value::Int(_) | Value::Decimal(_)
                ) {
                    return;
                }
                let sym = match op {
                    CmpOp::Ge => "≥",
                    CmpOp::Gt => ">",
                    CmpOp::Le => "≤",
                    CmpOp::Lt => "<",
                    CmpOp::Eq => "=",
                    CmpOp::Ne => "≠",
                };
                let s = format!("{sym} {}", show_const(p, c));
                let v = out.entry(p.fact(f).name.clone()).or_default();
                if !v.contains(&s) {
                    v.push(s);
                }
            }
        });
    }
    out
}

fn concept_exprs(p: &Program, id: ConceptId) -> Vec<&Expr> {
    let c = p.concept(id);
    let mut v: Vec<&Expr> = Vec::new();
    for r in &c.rules {
        v.push(&r.value);
        v.extend(r.when.iter());
    }
    v.extend(c.reasons.iter().map(|r| &r.when));
    v
}

/// The constant values a concept's definitions give (`3年`, `6个月`), in rule order.
fn constant_values(p: &Program, id: ConceptId) -> Vec<String> {
    let mut out = Vec::new();
    for r in &p.concept(id).rules {
        if let ExprKind::Const(v) = &r.value.kind {
            if !matches!(v, Value::Bool(_)) {
                let s = show_const(p, v);
                if !out.contains(&s) {
                    out.push(s);
                }
            }
        }
    }
    out
}

/// What changes between two definitions of a concept: thresholds on each fact, values.
pub fn concept_changes(a: &Program, ca: ConceptId, b: &Program, cb: ConceptId) -> Vec<Change> {
    let ta = thresholds(a, &concept_exprs(a, ca));
    let tb = thresholds(b, &concept_exprs(b, cb));
    let mut out = Vec::new();
    let keys: std::collections::BTreeSet<&String> = ta.keys().chain(tb.keys()).collect();
    for k in keys {
        let x = ta
            .get(k)
            .map(|v| v.join(", "))
            .unwrap_or_else(|| "—".into());
        let y = tb
            .get(k)
            .map(|v| v.join(", "))
            .unwrap_or_else(|| "—".into());
        if x != y {
            out.push(Change {
                what: k.clone(),
                a: x,
                b: y,
            });
        }
    }
    let (va, vb) = (constant_values(a, ca), constant_values(b, cb));
    if va != vb && !(va.is_empty() && vb.is_empty()) {
        let show = |v: &[String]| {
            if v.is_empty() {
                "—".to_string()
            } else {
                v.join(", ")
            }
        };
        out.push(Change {
            what: "value".into(),
            a: show(&va),
            b: show(&vb),
        });
    }
    out
}

fn period_of(e: &Expr) -> Option<Period> {
    match &e.kind {
        ExprKind::Const(Value::Duration(p)) => Some(*p),
        _ => None,
    }
}

/// A window `12–24个月` (one unit written once), a period `5个工作日`, a date `by …`.
fn deadline_form(p: &Program, d: &Deadline, source: &str) -> String {
    match d {
        Deadline::Within { period, .. } => period_of(period)
            .map(|x| x.to_string())
            .unwrap_or_else(|| "a computed period".into()),
        Deadline::Between { from, to, .. } => match (period_of(from), period_of(to)) {
            (Some(x), Some(y)) if x.unit == y.unit => {
                let unit = y
                    .to_string()
                    .trim_start_matches(char::is_numeric)
                    .to_string();
                format!("{}–{}{unit}", x.amount, y.amount)
            }
            (Some(x), Some(y)) => format!("{x}–{y}"),
            _ => "a computed window".into(),
        },
        Deadline::By { .. } | Deadline::Yearly { .. } => {
            let _ = p;
            match source.find(" by ") {
                Some(i) => {
                    let rest = &source[i + 1..];
                    rest.split(" when ").next().unwrap_or(rest).to_string()
                }
                None => "a fixed date".into(),
            }
        }
    }
}

/// What the duty counts from: `after contract_signed_on`.
fn trigger_form(source: &str) -> Option<String> {
    let i = source.find(" after ")?;
    let rest = &source[i + " after ".len()..];
    Some(
        rest.split(" when ")
            .next()
            .unwrap_or(rest)
            .trim()
            .to_string(),
    )
}

/// What changes between two duties: their deadlines, what they count from.
pub fn obligation_changes(
    a: &Program,
    oa: ObligationId,
    b: &Program,
    ob: ObligationId,
) -> Vec<Change> {
    let forms = |p: &Program, o: ObligationId| -> (Vec<String>, Vec<String>) {
        let mut d = Vec::new();
        let mut t = Vec::new();
        for r in &p.obligation(o).rules {
            let f = deadline_form(p, &r.deadline, &r.source);
            if !d.contains(&f) {
                d.push(f);
            }
            if let Some(x) = trigger_form(&r.source) {
                if !t.contains(&x) {
                    t.push(x);
                }
            }
        }
        (d, t)
    };
    let (da, ta) = forms(a, oa);
    let (db, tb) = forms(b, ob);
    let mut out = Vec::new();
    if da != db {
        out.push(Change {
            what: "deadline".into(),
            a: da.join(", "),
            b: db.join(", "),
        });
    }
    if ta != tb {
        out.push(Change {
            what: "counted from".into(),
            a: ta.join(", "),
            b: tb.join(", "),
        });
    }
    out
}

/// The condition of a reason as written: `reason R for C when W` → `W`.
pub fn reason_condition(source: &str) -> String {
    match source.find(" when ") {
        Some(i) => source[i + " when ".len()..].trim().to_string(),
        None => source.to_string(),
    }
}
