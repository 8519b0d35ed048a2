//! The examples in docs/language.md and README.md are compiled here so that they cannot rot.
//! A ```tiao block must check without errors (a `policy` header is added when the block has
//! none); a ```tiao fails=CODE block must report CODE.
#![expect(
    clippy::expect_used,
    reason = "a test fails loudly on a broken fixture"
)]

use std::path::Path;

const HEADER: &str = "policy docs_example {\n  title \"文档示例\"\n  in_force from 2022-06-21\n}\n";

fn blocks(markdown: &str) -> Vec<(String, String, usize)> {
    let mut out = Vec::new();
    let mut current: Option<(String, String, usize)> = None;
    for (i, line) in markdown.lines().enumerate() {
        match &mut current {
            None => {
                if let Some(info) = line.strip_prefix("```") {
                    if info.starts_with("tiao") {
                        current = Some((info.to_string(), String::new(), i + 1));
                    }
                }
            }
            Some((_, body, _)) => {
                if line.starts_with("```") {
                    out.extend(current.take());
                } else {
                    body.push_str(line);
                    body.push('\n');
                }
            }
        }
    }
    out
}

fn check_file(name: &str) -> usize {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(name);
    let text = std::fs::read_to_string(&path).expect("readable");
    let mut failures = Vec::new();
    let found = blocks(&text);
    for (info, body, line) in &found {
        let source = if body.contains("policy ") && body.trim_start().starts_with("policy") {
            body.clone()
        } else {
            format!("{HEADER}{body}")
        };
        let compiled = tiao::compile(&format!("{name}:{line}"), &source);
        let codes: Vec<&str> = compiled
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.code)
            .collect();
        match info
            .split_whitespace()
            .find_map(|w| w.strip_prefix("fails="))
        {
            Some(code) => {
                if !codes.contains(&code) {
                    failures.push(format!("{name}:{line}: expected {code}, got {codes:?}"));
                }
            }
            None => {
                if !codes.is_empty() {
                    failures.push(format!(
                        "{name}:{line}: {codes:?}\n{}",
                        compiled.render_diagnostics()
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    found.len()
}

#[test]
fn language_guide_examples_check() {
    let n = check_file("docs/language.md");
    assert!(n >= 12, "only {n} examples found in docs/language.md");
}

#[test]
fn readme_examples_check() {
    assert!(check_file("README.md") >= 1);
}

#[test]
fn chinese_walkthrough_examples_check() {
    let n = check_file("docs/walkthrough.zh-CN.md");
    assert!(n >= 6, "only {n} examples found in the walkthrough");
}

/// The README shows an article, a project's facts and the verdict; the verdict excerpt shown must
/// be what `eval` gives (every field shown must match).
#[test]
fn readme_verdict_excerpt_is_what_eval_prints() {
    verdict_excerpt_is_what_eval_prints("README.md", "tiao readme");
}

/// The walkthrough evaluates its policy with articles 7 and 12 (the ```tiao walkthrough block) on
/// the facts it shows; the verdict excerpt must be what `eval` gives.
#[test]
fn walkthrough_verdict_excerpt_is_what_eval_prints() {
    verdict_excerpt_is_what_eval_prints("docs/walkthrough.zh-CN.md", "tiao walkthrough");
}

/// `file` shows a policy (the block opening with `policy_tag`), facts (```json facts) and a
/// verdict excerpt (```json verdict).
fn verdict_excerpt_is_what_eval_prints(file: &str, policy_tag: &str) {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(file))
        .expect("the document");
    let grab = |tag: &str| -> String {
        let start = text
            .find(&format!("```{tag}"))
            .unwrap_or_else(|| panic!("README has a ```{tag} block"));
        let body = &text[start..];
        let body = &body[body.find('\n').map(|i| i + 1).unwrap_or(0)..];
        body[..body.find("```").unwrap_or(body.len())].to_string()
    };
    let policy = {
        let body = grab(policy_tag);
        if body.trim_start().starts_with("policy") {
            body
        } else {
            format!("{HEADER}{body}")
        }
    };
    let facts = grab("json facts");
    let excerpt: serde_json::Value =
        serde_json::from_str(&grab("json verdict")).expect("the excerpt is JSON");
    let compiled = tiao::compile(file, &policy);
    let rendered = compiled.render_diagnostics();
    let program = compiled.program.unwrap_or_else(|| panic!("{rendered}"));
    let facts = tiao::eval::parse_facts(&program, &facts).expect("facts");
    let as_of = excerpt["as_of"]
        .as_str()
        .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .expect("the excerpt gives its as_of date");
    let ev = tiao::eval::evaluate(
        &program,
        &facts,
        as_of,
        tiao::calendar::Calendar::official(),
    );
    let actual = tiao::eval::verdict::to_json(&program, &facts, &ev);
    fn subset(expected: &serde_json::Value, actual: &serde_json::Value, path: &str) {
        match (expected, actual) {
            (serde_json::Value::Object(e), serde_json::Value::Object(a)) => {
                for (k, v) in e {
                    subset(
                        v,
                        a.get(k).unwrap_or(&serde_json::Value::Null),
                        &format!("{path}.{k}"),
                    );
                }
            }
            (serde_json::Value::Array(e), serde_json::Value::Array(a)) => {
                for (i, v) in e.iter().enumerate() {
                    subset(
                        v,
                        a.get(i).unwrap_or(&serde_json::Value::Null),
                        &format!("{path}[{i}]"),
                    );
                }
            }
            _ => assert_eq!(expected, actual, "README verdict differs at {path}"),
        }
    }
    subset(&excerpt, &actual, "verdict");
}
