//! A diff printed for the terminal and as Markdown.

use super::{Diff, Entry, Proof, Region, Status};
use std::fmt::Write;

fn applies_note(d: &Diff, e: &Entry) -> Option<String> {
    let (a, b) = (&d.a.id, &d.b.id);
    let scopes_differ = d
        .applicability
        .as_ref()
        .is_some_and(|x| !x.regions.is_empty());
    if e.gated == (true, true) && !scopes_differ {
        return None;
    }
    match e.gated {
        (true, true) => Some(
            "where only one of them applies (see applicability) it also differs: out of scope is a value of its own"
                .to_string(),
        ),
        (true, false) => Some(format!(
            "{b} decides it whether or not it applies; {a} only where it applies: it also differs wherever {a} does not apply"
        )),
        (false, true) => Some(format!(
            "{a} decides it whether or not it applies; {b} only where it applies: it also differs wherever {b} does not apply"
        )),
        (false, false) => None,
    }
}

fn proof_word(e: &Entry) -> &'static str {
    match (&e.status, &e.proof) {
        (Status::OnlyInA | Status::OnlyInB, _) => "",
        (_, Proof::Exact) => " [exact]",
        (_, Proof::Searched { .. }) => " [searched]",
    }
}

fn witness_line(r: &Region) -> String {
    let facts = serde_json::to_string(&serde_json::Value::Object(r.witness.facts.clone()))
        .unwrap_or_default();
    format!("{facts} as of {}", r.witness.as_of)
}

/// The report for a terminal.
pub fn to_text(d: &Diff) -> String {
    let mut s = String::new();
    let (la, lb) = (d.a.label(), d.b.label());
    let _ = writeln!(s, "tiao diff {} {} (as of {})", d.a.id, d.b.id, d.as_of);
    let _ = writeln!(
        s,
        "  A = {la}: {} {}",
        d.a.title,
        d.a.number.as_deref().unwrap_or("")
    );
    let _ = writeln!(
        s,
        "  B = {lb}: {} {}",
        d.b.title,
        d.b.number.as_deref().unwrap_or("")
    );
    let _ = writeln!(s, "In force:");
    for l in &d.in_force {
        let _ = writeln!(s, "  {l}");
    }
    let all: Vec<&Entry> = d.concepts.iter().chain(d.obligations.iter()).collect();
    let count = |st: Status| all.iter().filter(|e| e.status == st).count();
    let _ = writeln!(
        s,
        "Summary: {} concepts and {} duties; changed {}, same {}, equivalent {}, only in A {}, only in B {}",
        d.concepts.len(),
        d.obligations.len(),
        count(Status::Changed),
        count(Status::Same),
        count(Status::Equivalent),
        count(Status::OnlyInA),
        count(Status::OnlyInB)
    );
    if let Some(app) = &d.applicability {
        let _ = writeln!(
            s,
            "\nApplicability (in_scope): {}{}",
            app.status.word(),
            proof_word(app)
        );
        entry_body(&mut s, d, app);
    }
    for (title, list) in [("Concepts", &d.concepts), ("Duties", &d.obligations)] {
        let _ = writeln!(s, "\n== {title} ==");
        for e in list.iter() {
            let _ = writeln!(s, "\n{} — {}{}", e.name, e.status.word(), proof_word(e));
            entry_body(&mut s, d, e);
        }
    }
    s
}

fn entry_body(s: &mut String, d: &Diff, e: &Entry) {
    if let Some(doc) = &e.doc {
        let _ = writeln!(s, "  ({doc})");
    }
    for (side, rules) in [("A", &e.a), ("B", &e.b)] {
        if rules.is_empty() {
            let _ = writeln!(s, "  {side}: —");
        }
        let mut shown: Vec<&str> = Vec::new();
        for r in rules.iter() {
            let _ = writeln!(s, "  {side} {}: {}", r.cite, r.short);
            // the text the rule stands in, once per paragraph or item
            if !r.text.is_empty() && !shown.contains(&r.text.as_str()) {
                shown.push(&r.text);
                let _ = writeln!(s, "      「{}」", r.text.replace('\n', " "));
            }
        }
    }
    for c in &e.changes {
        let _ = writeln!(s, "  change: {}", c.text());
    }
    if !e.regions.is_empty() {
        let _ = writeln!(
            s,
            "  {}:",
            if e.obligation || e.name == "in_scope" {
                "decided differently"
            } else {
                "where both apply, decided differently"
            }
        );
    }
    for (i, r) in e.regions.iter().enumerate() {
        let _ = writeln!(
            s,
            "   {}. A {} / B {}{}",
            i + 1,
            short(&r.a.key),
            short(&r.b.key),
            if r.exact { "" } else { " (searched)" }
        );
        for line in region_lines(r, 4) {
            let _ = writeln!(s, "      {line}");
        }
        let _ = writeln!(s, "      e.g. A: {}", r.a.shown);
        let _ = writeln!(s, "           B: {}", r.b.shown);
        let _ = writeln!(s, "      witness: {}", witness_line(r));
        if !r.both_apply && !e.obligation && e.name != "in_scope" {
            let _ = writeln!(
                s,
                "      (no project has these facts and falls under both policies: the values are those the rules give if both applied)"
            );
        }
    }
    if let Proof::Searched { how } = &e.proof {
        let _ = writeln!(s, "  ({how})");
    }
    if e.status != Status::OnlyInA && e.status != Status::OnlyInB && !e.obligation {
        if let Some(n) = applies_note(d, e).filter(|_| e.name != "in_scope") {
            let _ = writeln!(s, "  ({n})");
        }
    }
}

/// A decision key for a heading: `true`, `500万元`, `denied`.
pub fn short(key: &str) -> String {
    match key {
        "holds:true" => "holds".into(),
        "holds:false" => "none holds".into(),
        "out_of_scope" => "out of scope".into(),
        "n/a" => "no value".into(),
        k => k
            .split_once(':')
            .map_or(k.to_string(), |(_, v)| v.to_string()),
    }
}

fn cube_text(cube: &[super::Condition]) -> String {
    if cube.is_empty() {
        "every project".to_string()
    } else {
        cube.iter()
            .map(|c| c.text.as_str())
            .collect::<Vec<_>>()
            .join(" ∧ ")
    }
}

/// The conditions of a region: its cubes, at most `max` of them, the rest counted.
pub fn region_lines(r: &Region, max: usize) -> Vec<String> {
    let mut out = Vec::new();
    if let super::RegionKind::Reason {
        side,
        reason,
        cite,
        condition,
        ..
    } = &r.kind
    {
        let (x, y) = if *side == 0 { ("A", "B") } else { ("B", "A") };
        out.push(format!(
            "where {x}'s reason {reason} ({cite}) holds: {condition}"
        ));
        out.push(format!("and none of {y}'s reasons holds"));
        return out;
    }
    if r.cubes.len() == 1 {
        if r.cubes[0].is_empty() && !r.exact {
            out.push("for dates like the witness's (searched)".to_string());
        } else {
            out.push(format!("where {}", cube_text(&r.cubes[0])));
        }
        return out;
    }
    out.push(format!(
        "where {} (the union of {} cubes{})",
        if r.common.is_empty() {
            "one of".to_string()
        } else {
            format!("{} and one of", cube_text(&r.common))
        },
        r.cubes.len(),
        if r.cubes.len() > max {
            ", JSON lists them all"
        } else {
            ""
        }
    ));
    for cube in r.cubes.iter().take(max) {
        let rest: Vec<&super::Condition> = cube
            .iter()
            .filter(|c| {
                !r.common
                    .iter()
                    .any(|x| x.fact == c.fact && x.cell == c.cell)
            })
            .collect();
        let t = if rest.is_empty() {
            "(nothing more)".to_string()
        } else {
            rest.iter()
                .map(|c| c.text.as_str())
                .collect::<Vec<_>>()
                .join(" ∧ ")
        };
        out.push(format!("  · {t}"));
    }
    if r.cubes.len() > max {
        out.push(format!("  · … {} more", r.cubes.len() - max));
    }
    out
}

fn md_escape(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// The report in Markdown.
pub fn to_markdown(d: &Diff) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# tiao diff: {} vs {}\n", d.a.label(), d.b.label());
    let _ = writeln!(
        s,
        "- **A** `{}`: {} {}",
        d.a.id,
        d.a.title,
        d.a.number.as_deref().unwrap_or("")
    );
    let _ = writeln!(
        s,
        "- **B** `{}`: {} {}",
        d.b.id,
        d.b.title,
        d.b.number.as_deref().unwrap_or("")
    );
    let _ = writeln!(s, "- as of {}", d.as_of);
    for l in &d.in_force {
        let _ = writeln!(s, "- in force: {l}");
    }
    let _ = writeln!(
        s,
        "\n| concept or duty | status | A | B | changes | regions |"
    );
    let _ = writeln!(s, "|---|---|---|---|---|---|");
    for e in d
        .applicability
        .iter()
        .chain(d.concepts.iter())
        .chain(d.obligations.iter())
    {
        let side = |rules: &[super::RuleView]| {
            if rules.is_empty() {
                "—".to_string()
            } else {
                rules
                    .iter()
                    .map(|r| format!("{}: `{}`", r.cite, md_escape(&r.short)))
                    .collect::<Vec<_>>()
                    .join("<br>")
            }
        };
        let _ = writeln!(
            s,
            "| `{}` | {}{} | {} | {} | {} | {} |",
            e.name,
            e.status.word(),
            proof_word(e),
            side(&e.a),
            side(&e.b),
            md_escape(
                &e.changes
                    .iter()
                    .map(|c| c.text())
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            e.regions.len()
        );
    }
    for e in d
        .applicability
        .iter()
        .chain(d.concepts.iter())
        .chain(d.obligations.iter())
    {
        if e.regions.is_empty() {
            continue;
        }
        let _ = writeln!(
            s,
            "\n## `{}` — {}{}\n",
            e.name,
            e.status.word(),
            proof_word(e)
        );
        for (i, r) in e.regions.iter().enumerate() {
            let _ = writeln!(
                s,
                "{}. **A {} / B {}**{}",
                i + 1,
                md_escape(&short(&r.a.key)),
                md_escape(&short(&r.b.key)),
                if r.exact { "" } else { " (searched)" }
            );
            for line in region_lines(r, 6) {
                let _ = writeln!(s, "   {}  ", md_escape(&line));
            }
            let _ = writeln!(
                s,
                "   e.g. A: {}; B: {}  \n   witness: `{}`",
                md_escape(&r.a.shown),
                md_escape(&r.b.shown),
                witness_line(r)
            );
        }
        if let Proof::Searched { how } = &e.proof {
            let _ = writeln!(s, "\n_{how}_");
        }
    }
    s
}
