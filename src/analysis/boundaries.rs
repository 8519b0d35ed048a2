//! `tiao lint`: how each threshold rule reads the boundary words of its text.
//!
//! 《民法典》第1259条: 以上、以下、以内 include the number; 不满、超过、以外 exclude it. For every
//! comparison of a fact with an amount or a percentage, the linter finds that amount in the text
//! the rule stands in, reads the boundary word next to it (`20万元以上`, `超过100万元`,
//! `不超过…15%`), and says whether the rule puts the boundary value where 第1259条 does. A
//! difference is not necessarily an error — a document may define its words (新洲 Art. 7:
//! 以上(含本数)) — but it is a reading a drafter should have made on purpose, so it is listed.
//!
//! Follows 第1259条: text `超过100万元`, rule `total_investment > 100万元`. Listed as differing:
//! text `500萬元以下`, rule `total_investment < 500万元` (烟台 Art. 23, where the same paragraph
//! also says `500萬元及以上`).

use crate::ir::{Citation, CmpOp, Expr, ExprKind, Program};
use crate::value::{Value, format_money, format_percent};

/// One threshold comparison matched with the words of its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoundaryReading {
    pub cite: Citation,
    /// The words of the text, e.g. `20万元以下`.
    pub phrase: String,
    /// The comparison as written in the rule, e.g. `total_investment < 20万元`.
    pub comparison: String,
    /// Whether the rule puts the boundary value on the side 第1259条 does.
    pub follows_civil_code: bool,
    /// Whether the text includes the boundary value (以上) or not (超过), under 第1259条.
    pub text_includes: bool,
}

/// Boundary words after the amount: (word, upward, includes the amount).
const AFTER: [(&str, bool, bool); 8] = [
    ("及以上", true, true),
    ("以上", true, true),
    ("及以下", false, true),
    ("以下", false, true),
    ("以内", false, true),
    ("以內", false, true),
    ("以外", true, false),
    ("及以內", false, true),
];

/// Boundary words before the amount (possibly with a few words between): (word, upward, includes).
const BEFORE: [(&str, bool, bool); 16] = [
    ("不超过", false, true),
    ("不超過", false, true),
    ("不少于", true, true),
    ("不少於", true, true),
    ("不低于", true, true),
    ("不低於", true, true),
    ("不高于", false, true),
    ("不高於", false, true),
    ("超过", true, false),
    ("超過", true, false),
    ("不满", false, false),
    ("不滿", false, false),
    ("不足", false, false),
    ("低于", false, false),
    ("低於", false, false),
    ("高于", true, false),
];

fn amount_forms(v: &Value) -> Vec<String> {
    match v {
        Value::Money(m) => {
            let simplified = format_money(*m);
            let traditional = simplified.replace('万', "萬").replace('亿', "億");
            vec![simplified, traditional]
        }
        Value::Percent(p) => vec![format_percent(*p), format_percent(*p).replace('%', "％")],
        _ => Vec::new(),
    }
}

/// Every boundary phrase around `amount` in `text`: (phrase, upward, includes).
fn phrases_in(text: &str, amount: &str) -> Vec<(String, bool, bool)> {
    let mut out = Vec::new();
    for (at, _) in text.match_indices(amount) {
        let after = &text[at + amount.len()..];
        if let Some((word, up, inc)) = AFTER.iter().find(|(w, _, _)| after.starts_with(w)) {
            out.push((format!("{amount}{word}"), *up, *inc));
            continue;
        }
        // look back a few characters for 超过 / 不超过 … (`不超过概算总投资15%`)
        let before: String = text[..at]
            .chars()
            .rev()
            .take(10)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let mut best: Option<(usize, &str, bool, bool)> = None;
        for (word, up, inc) in BEFORE {
            if let Some(pos) = before.rfind(word) {
                // the word nearest the amount; at the same place the longer one (不超过 over 超过)
                let end = pos + word.len();
                if best.is_none_or(|(e, w, _, _)| end > e || (end == e && word.len() > w.len())) {
                    best = Some((end, word, up, inc));
                }
            }
        }
        if let Some((end, word, up, inc)) = best {
            out.push((format!("{}{amount}", &before[end - word.len()..]), up, inc));
        }
    }
    out
}

fn comparisons<'a>(e: &'a Expr, negated: bool, out: &mut Vec<(&'a Expr, CmpOp, &'a Value, bool)>) {
    match &e.kind {
        ExprKind::Not(x) => comparisons(x, !negated, out),
        ExprKind::Cmp(op, _, a, b) if op.ordered() => match (&a.kind, &b.kind) {
            (ExprKind::Fact(_) | ExprKind::Concept(_), ExprKind::Const(v)) => {
                out.push((e, *op, v, negated))
            }
            (ExprKind::Const(v), ExprKind::Fact(_) | ExprKind::Concept(_)) => {
                out.push((e, op.flip(), v, negated));
            }
            _ => {}
        },
        ExprKind::And(a, b) | ExprKind::Or(a, b) => {
            comparisons(a, negated, out);
            comparisons(b, negated, out);
        }
        ExprKind::If(a, b, c) => {
            comparisons(a, negated, out);
            comparisons(b, negated, out);
            comparisons(c, negated, out);
        }
        _ => {}
    }
}

/// Every threshold comparison whose amount appears in its text with a boundary word.
pub fn boundary_readings(p: &Program, source_of: impl Fn(&Expr) -> String) -> Vec<BoundaryReading> {
    let mut out = Vec::new();
    let mut check = |cite: &Citation, text: &str, exprs: Vec<&Expr>| {
        for e in exprs {
            let mut found = Vec::new();
            comparisons(e, false, &mut found);
            for (cmp, op, v, negated) in found {
                // `not (x >= c)` is `x < c`
                let op = if negated { op.negate() } else { op };
                let rule_up = matches!(op, CmpOp::Ge | CmpOp::Gt);
                // the text's phrase in the rule's direction if there is one (`20万元以上` for `>=`),
                // else the first phrase (the rule states its complement)
                let phrases: Vec<(String, bool, bool)> = amount_forms(v)
                    .iter()
                    .flat_map(|a| phrases_in(text, a))
                    .collect();
                let Some((phrase, up, inc)) = phrases
                    .iter()
                    .find(|(_, up, _)| *up == rule_up)
                    .or(phrases.first())
                    .cloned()
                else {
                    continue;
                };
                let rule_inc = matches!(op, CmpOp::Ge | CmpOp::Le);
                // the same direction must agree on the boundary value; the complement must disagree
                let follows = if rule_up == up {
                    rule_inc == inc
                } else {
                    rule_inc != inc
                };
                out.push(BoundaryReading {
                    cite: cite.clone(),
                    phrase,
                    comparison: source_of(cmp),
                    follows_civil_code: follows,
                    text_includes: inc,
                });
            }
        }
    };
    for c in &p.concepts {
        for r in &c.rules {
            let text = rule_text(p, &r.cite, &r.text);
            let exprs = std::iter::once(&r.value).chain(r.when.iter()).collect();
            check(&r.cite, &text, exprs);
        }
        for r in &c.reasons {
            check(&r.cite, &rule_text(p, &r.cite, &r.text), vec![&r.when]);
        }
    }
    out
}

/// The text a rule stands in: its item or paragraph, or the whole article for a rule written
/// directly in the article.
fn rule_text(p: &Program, cite: &Citation, own: &str) -> String {
    if cite.paragraph.is_some() || cite.item.is_some() {
        return own.to_string();
    }
    let Some(a) = p.document.article(cite.article) else {
        return own.to_string();
    };
    a.parts
        .iter()
        .map(|part| match part {
            crate::ir::Part::Para { text, items } => std::iter::once(text.clone())
                .chain(items.iter().cloned())
                .collect::<Vec<_>>()
                .join(""),
            crate::ir::Part::Item(t) => t.clone(),
        })
        .collect()
}
