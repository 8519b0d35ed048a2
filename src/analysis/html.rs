//! Self-contained HTML reports of `diff` and `compare`: one file, no network, no external assets
//! (inline style, a few lines of inline script for the filters, system fonts). The article texts
//! of the two policies stand side by side, the wording that differs marked (traditional and
//! simplified forms are the same text: [`super::textdiff`]), with the regions and their witness
//! projects beside them.

use super::compare::{Matrix, group_mark};
use super::diff::forms::{RuleView, article_text};
use super::diff::report::{region_lines, short};
use super::diff::{Diff, Entry, Proof, Status};
use super::textdiff;
use crate::ir::Program;
use std::fmt::Write;

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
:root { --a: #1f5fa8; --b: #a8541f; --line: #d9dde3; --bg: #f7f8fa; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif; margin: 0; color: #1d2329; background: #fff; line-height: 1.55; }
header { padding: 1.2rem 2rem; background: var(--bg); border-bottom: 1px solid var(--line); }
h1 { font-size: 1.45rem; margin: 0 0 .4rem; }
h2 { font-size: 1.15rem; margin: 0 0 .5rem; }
h3 { font-size: 1rem; margin: .6rem 0 .3rem; }
main { padding: 1rem 2rem 3rem; }
.pol { margin: .15rem 0; }
.pol b.a { color: var(--a); } .pol b.b { color: var(--b); }
.muted { color: #5b6570; font-size: .9rem; }
nav.filters { margin-top: .6rem; }
nav.filters button { font: inherit; margin-right: .4rem; padding: .2rem .7rem; border: 1px solid var(--line); background: #fff; border-radius: 4px; cursor: pointer; }
nav.filters button.on { background: #1d2329; color: #fff; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { border: 1px solid var(--line); padding: .35rem .5rem; vertical-align: top; text-align: left; }
th { background: var(--bg); position: sticky; top: 0; }
code { font-family: "Noto Sans Mono CJK SC", "DejaVu Sans Mono", monospace; font-size: .85em; background: #f1f3f5; padding: 0 .2em; border-radius: 3px; }
.badge { display: inline-block; font-size: .8rem; padding: 0 .45rem; border-radius: 3px; color: #fff; }
.badge.changed { background: #c0392b; } .badge.same { background: #2e8b57; } .badge.equivalent { background: #3c8d9b; }
.badge.only_in_a { background: var(--a); } .badge.only_in_b { background: var(--b); }
.proof { font-size: .8rem; color: #5b6570; margin-left: .4rem; }
section.entry { border-top: 2px solid var(--line); padding-top: 1rem; margin-top: 1.4rem; }
.sides { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; }
.side { border: 1px solid var(--line); border-radius: 6px; padding: .5rem .8rem; }
.side.a { border-top: 4px solid var(--a); } .side.b { border-top: 4px solid var(--b); }
.rule { margin: .25rem 0; }
.article { background: var(--bg); border-radius: 4px; padding: .4rem .6rem; margin-top: .4rem; white-space: pre-wrap; }
.article h4 { margin: 0 0 .2rem; font-size: .9rem; }
mark { background: #ffe08a; padding: 0 .05em; border-radius: 2px; }
.changes li { font-weight: 600; }
.regions ol { padding-left: 1.4rem; }
.regions li { margin-bottom: .8rem; }
.decision { font-weight: 600; }
pre.witness { background: #f1f3f5; padding: .4rem .6rem; border-radius: 4px; white-space: pre-wrap; word-break: break-all; font-size: .8rem; margin: .3rem 0; }
.note { font-size: .85rem; color: #5b6570; }
td.cell.g1 { background: #e3f1e6; } td.cell.g2 { background: #e4ecf7; } td.cell.g3 { background: #f7ece0; }
td.cell.g4 { background: #efe4f5; } td.cell.g5 { background: #f5f3d9; } td.cell.g6 { background: #e0f3f3; }
td.cell.g7 { background: #f5e0e6; } td.cell.g8 { background: #e9e9e9; }
td.cell .mark { font-weight: 700; margin-right: .3rem; }
td.empty { color: #9aa3ad; text-align: center; }
#matrix { table-layout: fixed; }
#matrix th:first-child { width: 13rem; }
#matrix td { word-break: break-word; font-size: .82rem; }
.legend span { display: inline-block; padding: 0 .5rem; margin-right: .3rem; border-radius: 3px; }
"#;

const SCRIPT: &str = r#"
(function () {
  var buttons = document.querySelectorAll('nav.filters button');
  function apply(f) {
    document.querySelectorAll('[data-status]').forEach(function (el) {
      var s = el.getAttribute('data-status');
      var show = f === 'all' || (f === 'differs' ? (s === 'changed' || s === 'only_in_a' || s === 'only_in_b') : s === f);
      el.style.display = show ? '' : 'none';
    });
    buttons.forEach(function (b) { b.classList.toggle('on', b.getAttribute('data-filter') === f); });
  }
  buttons.forEach(function (b) { b.addEventListener('click', function () { apply(b.getAttribute('data-filter')); }); });
  apply('all');
  document.documentElement.setAttribute('data-ready', String(document.querySelectorAll('tr.entry, tr.row').length));
})();
"#;

fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"zh\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}\n<script>{SCRIPT}</script>\n</body>\n</html>\n",
        esc(title)
    )
}

/// The document of a program a rule stands in (by the rule's policy id).
fn doc_of<'p>(p: &'p Program, policy: &str) -> &'p crate::ir::Document {
    std::iter::once(&p.document)
        .chain(p.lineage.iter().map(|a| &a.document))
        .find(|d| d.meta.id == policy)
        .unwrap_or(&p.document)
}

/// The articles a side's rules stand in, in order: (heading, text).
fn articles(p: &Program, rules: &[RuleView]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for r in rules {
        let d = doc_of(p, &r.policy);
        let Some(a) = d.article(r.article) else {
            continue;
        };
        let mut heading = crate::ir::article_heading(a.number, d.meta.script);
        if d.meta.id != p.document.meta.id {
            heading = format!("{} {heading}", d.meta.id);
        }
        if !out.iter().any(|(h, _)| *h == heading) {
            out.push((heading, article_text(a)));
        }
    }
    out
}

fn marked(segments: &[textdiff::Segment]) -> String {
    let mut s = String::new();
    for seg in segments {
        if seg.same {
            s.push_str(&esc(&seg.text));
        } else {
            let _ = write!(s, "<mark>{}</mark>", esc(&seg.text));
        }
    }
    s
}

fn status_badge(st: Status) -> String {
    format!("<span class=\"badge {w}\">{w}</span>", w = st.word())
}

fn proof_text(e: &Entry) -> &'static str {
    match (&e.status, &e.proof) {
        (Status::OnlyInA | Status::OnlyInB, _) => "",
        (_, Proof::Exact) => "exact",
        (_, Proof::Searched { .. }) => "searched, not proven",
    }
}

fn entry_id(e: &Entry) -> String {
    format!("{}-{}", if e.obligation { "d" } else { "c" }, e.name)
}

/// The diff report.
pub fn diff_html(a: &Program, b: &Program, d: &Diff) -> String {
    let mut body = String::new();
    let title = format!("tiao diff: {} vs {}", d.a.label(), d.b.label());
    let _ = write!(
        body,
        "<header>\n<h1>{}</h1>\n<p class=\"pol\"><b class=\"a\">A</b> {} <code>{}</code> {} — {}</p>\n<p class=\"pol\"><b class=\"b\">B</b> {} <code>{}</code> {} — {}</p>\n<p class=\"muted\">as of {}; {}</p>\n",
        esc(&title),
        esc(&d.a.title),
        esc(&d.a.id),
        esc(d.a.number.as_deref().unwrap_or("")),
        esc(&d.a.in_force),
        esc(&d.b.title),
        esc(&d.b.id),
        esc(d.b.number.as_deref().unwrap_or("")),
        esc(&d.b.in_force),
        d.as_of,
        esc(&d.in_force.last().cloned().unwrap_or_default()),
    );
    body.push_str("<nav class=\"filters\"><button data-filter=\"all\">all</button><button data-filter=\"differs\">differs</button><button data-filter=\"changed\">changed</button><button data-filter=\"same\">same</button><button data-filter=\"only_in_a\">only in A</button><button data-filter=\"only_in_b\">only in B</button></nav>\n</header>\n<main>\n");
    body.push_str("<p class=\"note\">Regions are the projects the two policies decide differently (for a concept, where both apply; the applicability regions are those of <code>in_scope</code>). <b>exact</b>: every project in a region is decided so; <b>searched, not proven</b>: dates or computed amounts were tried at the boundaries of the periods and constants the rules name. Article texts are compared in simplified characters (OpenCC); they are shown as written, the differing wording marked.</p>\n");
    // summary table
    body.push_str("<table id=\"summary\"><thead><tr><th>concept or duty</th><th>status</th><th>A</th><th>B</th><th>changes</th><th>regions</th></tr></thead><tbody>\n");
    let entries: Vec<&Entry> = d
        .applicability
        .iter()
        .chain(d.concepts.iter())
        .chain(d.obligations.iter())
        .collect();
    for e in &entries {
        let side = |rules: &[RuleView]| {
            if rules.is_empty() {
                "—".to_string()
            } else {
                let mut cites: Vec<String> = rules.iter().map(|r| esc(&r.cite)).collect();
                cites.dedup();
                cites.join("<br>")
            }
        };
        let _ = writeln!(
            body,
            "<tr class=\"entry\" data-entry=\"{}\" data-status=\"{}\"><td><a href=\"#{}\"><code>{}</code></a>{}</td><td>{} <span class=\"proof\">{}</span></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&e.name),
            e.status.word(),
            esc(&entry_id(e)),
            esc(&e.name),
            if e.obligation { " (duty)" } else { "" },
            status_badge(e.status),
            proof_text(e),
            side(&e.a),
            side(&e.b),
            esc(&e
                .changes
                .iter()
                .map(|c| c.text())
                .collect::<Vec<_>>()
                .join("; ")),
            e.regions.len()
        );
    }
    body.push_str("</tbody></table>\n");
    for e in &entries {
        entry_section(&mut body, a, b, d, e);
    }
    body.push_str("</main>\n");
    page(&title, &body)
}

fn rules_html(rules: &[RuleView]) -> String {
    if rules.is_empty() {
        return "<p class=\"muted\">no rule</p>".into();
    }
    rules
        .iter()
        .map(|r| {
            format!(
                "<p class=\"rule\"><b>{}</b> <code>{}</code></p>",
                esc(&r.cite),
                esc(&r.short)
            )
        })
        .collect()
}

fn entry_section(body: &mut String, a: &Program, b: &Program, d: &Diff, e: &Entry) {
    let _ = write!(
        body,
        "<section class=\"entry\" id=\"{}\" data-status=\"{}\">\n<h2><code>{}</code> {} <span class=\"proof\">{}</span></h2>\n",
        esc(&entry_id(e)),
        e.status.word(),
        esc(&e.name),
        status_badge(e.status),
        proof_text(e)
    );
    if let Some(doc) = &e.doc {
        let _ = writeln!(body, "<p class=\"muted\">{}</p>", esc(doc));
    }
    if !e.changes.is_empty() {
        body.push_str("<ul class=\"changes\">");
        for c in &e.changes {
            let _ = write!(body, "<li>{}</li>", esc(&c.text()));
        }
        body.push_str("</ul>\n");
    }
    // the article texts side by side, the differing wording marked
    let (xa, xb) = (articles(a, &e.a), articles(b, &e.b));
    let ta: String = xa
        .iter()
        .map(|(_, t)| t.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    let tb: String = xb
        .iter()
        .map(|(_, t)| t.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    let (sa, sb) = textdiff::diff(&ta, &tb);
    let split = |segs: &[textdiff::Segment], heads: &[(String, String)]| -> String {
        // the articles were joined by one newline each: cut the runs there again
        let mut parts: Vec<Vec<textdiff::Segment>> = vec![Vec::new()];
        let mut lines_left: Vec<usize> =
            heads.iter().map(|(_, t)| t.matches('\n').count()).collect();
        let mut k = 0;
        for seg in segs {
            let mut cur = String::new();
            for ch in seg.text.chars() {
                if ch == '\n' && k + 1 < heads.len() && lines_left[k] == 0 {
                    parts[k].push(textdiff::Segment {
                        text: std::mem::take(&mut cur),
                        same: seg.same,
                    });
                    parts.push(Vec::new());
                    k += 1;
                    continue;
                }
                if ch == '\n' && k < lines_left.len() && lines_left[k] > 0 {
                    lines_left[k] -= 1;
                }
                cur.push(ch);
            }
            parts[k].push(textdiff::Segment {
                text: cur,
                same: seg.same,
            });
        }
        heads
            .iter()
            .zip(parts)
            .map(|((h, _), p)| {
                format!(
                    "<div class=\"article\"><h4>{}</h4>{}</div>",
                    esc(h),
                    marked(&p)
                )
            })
            .collect()
    };
    let _ = write!(
        body,
        "<div class=\"sides\">\n<div class=\"side a\"><h3>A · {}</h3>{}{}</div>\n<div class=\"side b\"><h3>B · {}</h3>{}{}</div>\n</div>\n",
        esc(&d.a.label()),
        rules_html(&e.a),
        split(&sa, &xa),
        esc(&d.b.label()),
        rules_html(&e.b),
        split(&sb, &xb),
    );
    if !e.regions.is_empty() {
        body.push_str("<div class=\"regions\"><h3>Decided differently</h3><ol>\n");
        for r in &e.regions {
            let facts =
                serde_json::to_string_pretty(&serde_json::Value::Object(r.witness.facts.clone()))
                    .unwrap_or_default();
            let _ = write!(
                body,
                "<li><p class=\"decision\">A: {} · B: {}{}</p><ul>",
                esc(&short(&r.a.key)),
                esc(&short(&r.b.key)),
                if r.exact { "" } else { " (searched)" }
            );
            for line in region_lines(r, 8) {
                let line = line.trim_start().trim_start_matches("· ");
                let _ = write!(body, "<li>{}</li>", esc(line));
            }
            let _ = writeln!(
                body,
                "</ul><p>e.g. A: {} — B: {}</p><p class=\"muted\">witness, as of {}{}:</p><pre class=\"witness\">{}</pre></li>",
                esc(&r.a.shown),
                esc(&r.b.shown),
                r.witness.as_of,
                if r.both_apply || e.obligation || e.name == "in_scope" {
                    ""
                } else {
                    " (no such project falls under both: the rules as if both applied)"
                },
                esc(&facts)
            );
        }
        body.push_str("</ol></div>\n");
    }
    if let Proof::Searched { how } = &e.proof {
        let _ = writeln!(body, "<p class=\"note\">{}</p>", esc(how));
    }
    body.push_str("</section>\n");
}

/// The compare report: the matrix, agreeing cells in one colour per group.
pub fn compare_html(programs: &[&Program], m: &Matrix) -> String {
    let mut body = String::new();
    let title = format!(
        "tiao compare: {}",
        m.policies
            .iter()
            .map(|p| p.label())
            .collect::<Vec<_>>()
            .join(" · ")
    );
    let _ = write!(
        body,
        "<header><h1>{}</h1><p class=\"muted\">as of {}. Cells of one colour (and one mark ①②…) agree: no project is decided differently where both apply. Rows: concepts, then duties.</p>",
        esc(&title),
        m.as_of
    );
    body.push_str("<nav class=\"filters\"><button data-filter=\"all\">all</button><button data-filter=\"concept\">concepts</button><button data-filter=\"obligation\">duties</button></nav></header>\n<main>\n<table id=\"matrix\"><thead><tr><th>concept or duty</th>");
    for p in &m.policies {
        let _ = write!(
            body,
            "<th>{}<br><code>{}</code><br><span class=\"muted\">{}</span></th>",
            esc(&p.label()),
            esc(&p.id),
            esc(&p.in_force)
        );
    }
    body.push_str("</tr></thead><tbody>\n");
    for row in &m.rows {
        let kind = if row.obligation {
            "obligation"
        } else {
            "concept"
        };
        let _ = write!(
            body,
            "<tr class=\"row\" data-row=\"{}\" data-status=\"{kind}\"><td><code>{}</code>{}<br><span class=\"muted\">{}</span></td>",
            esc(&row.name),
            esc(&row.name),
            if row.obligation { " (duty)" } else { "" },
            esc(row.doc.as_deref().unwrap_or(""))
        );
        for (k, c) in row.cells.iter().enumerate() {
            match c {
                None => body.push_str("<td class=\"empty\">—</td>"),
                Some(c) => {
                    let class = c
                        .group
                        .map(|g| format!(" g{}", (g - 1) % 8 + 1))
                        .unwrap_or_default();
                    let _ = write!(
                        body,
                        "<td class=\"cell{class}\" data-group=\"{}\"><span class=\"mark\">{}</span>",
                        c.group.map(|g| g.to_string()).unwrap_or_default(),
                        group_mark(c.group)
                    );
                    for r in &c.rules {
                        let _ = write!(
                            body,
                            "<div class=\"rule\"><b>{}</b> <code>{}</code></div>",
                            esc(&r.cite),
                            esc(&r.short)
                        );
                    }
                    if let Some(p) = programs.get(k) {
                        let texts = articles(p, &c.rules);
                        if !texts.is_empty() {
                            body.push_str("<details><summary>text</summary>");
                            for (h, t) in texts {
                                let _ = write!(
                                    body,
                                    "<div class=\"article\"><h4>{}</h4>{}</div>",
                                    esc(&h),
                                    esc(&t)
                                );
                            }
                            body.push_str("</details>");
                        }
                    }
                    body.push_str("</td>");
                }
            }
        }
        body.push_str("</tr>\n");
    }
    body.push_str("</tbody></table>\n</main>\n");
    page(&title, &body)
}
