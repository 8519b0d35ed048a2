//! The bundled policies: each checks cleanly, and its article text equals its source document
//! after the policy's own recorded repairs (so `tiao render` reproduces the law).
#![expect(
    clippy::expect_used,
    reason = "a test fails loudly on a broken fixture"
)]

use std::path::{Path, PathBuf};

fn policies() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("policies/ exists")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .collect();
    files.retain(|p| p.extension().is_some_and(|e| e == "tiao"));
    files.sort();
    files
}

fn compile(path: &Path) -> tiao::ir::Program {
    let text = std::fs::read_to_string(path).expect("readable policy");
    let compiled = tiao::compile(&path.display().to_string(), &text);
    assert!(
        compiled.diagnostics.is_empty(),
        "{} has diagnostics:\n{}",
        path.display(),
        compiled.render_diagnostics()
    );
    compiled.program.expect("no errors, so a program")
}

#[test]
fn every_bundled_policy_checks_without_warnings() {
    let files = policies();
    assert!(
        files.iter().any(|p| p.ends_with("xinzhou.tiao")),
        "新洲 is bundled"
    );
    for p in files {
        compile(&p);
    }
}

#[test]
fn every_bundled_policy_reproduces_its_source_text() {
    for p in policies() {
        let program = compile(&p);
        let id = &program.document.meta.id;
        let source = p
            .parent()
            .expect("in policies/")
            .join("sources")
            .join(format!("{id}.txt"));
        let raw = std::fs::read_to_string(&source)
            .unwrap_or_else(|e| panic!("{}: {e}", source.display()));
        let mismatches = tiao::analysis::sources::compare(&program.document, &raw);
        assert!(
            mismatches.is_empty(),
            "{} differs from {}:\n{}",
            p.display(),
            source.display(),
            mismatches
                .iter()
                .map(|m| m.message.clone())
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}

#[test]
fn xinzhou_has_every_article_and_no_missing_one() {
    let program = compile(&Path::new(env!("CARGO_MANIFEST_DIR")).join("policies/xinzhou.tiao"));
    let numbers: Vec<u32> = program.document.articles.iter().map(|a| a.number).collect();
    assert_eq!(
        numbers,
        (1..=25).collect::<Vec<_>>(),
        "新洲 has 25 articles (第一条…第二十五条)"
    );
    assert_eq!(program.document.chapters.len(), 6, "新洲 has 6 chapters");
    let missing: Vec<u32> = program
        .document
        .articles
        .iter()
        .filter(|a| a.rule_count == 0 && a.descriptive.is_none())
        .map(|a| a.number)
        .collect();
    assert!(
        missing.is_empty(),
        "articles neither encoded nor descriptive: {missing:?}"
    );
}

#[test]
fn xinzhou_renders_as_the_official_text() {
    let program = compile(&Path::new(env!("CARGO_MANIFEST_DIR")).join("policies/xinzhou.tiao"));
    insta::assert_snapshot!(
        "render_xinzhou",
        tiao::analysis::render::render(&program.document)
    );
}

#[test]
fn a_repair_that_matches_nothing_is_reported() {
    let policy = r#"
policy demo {
  title "示例"
  in_force from 2022-06-21
  repair "—9—" => "" because "a page number that is not in the source"
}
chapter "第一章 总则" {
  article 1 {
    para "为加强管理,制定本办法。"
    descriptive "purpose"
  }
}
"#;
    let compiled = tiao::compile("demo.tiao", policy);
    let program = compiled.program.expect("checks");
    let raw = "示例\n第一章 总则\n第一条 为加强管理,制定本办法。\n";
    let mismatches = tiao::analysis::sources::compare(&program.document, raw);
    assert_eq!(mismatches.len(), 1);
    assert!(
        mismatches[0].message.contains("matches nothing"),
        "{}",
        mismatches[0].message
    );
    // and a text that differs from the source is reported with its article
    let raw2 = "示例\n—9—\n第一章 总则\n第一条 为加强管理,制定本细则。\n";
    let mismatches = tiao::analysis::sources::compare(&program.document, raw2);
    assert_eq!(mismatches.len(), 1, "{mismatches:?}");
    assert_eq!(mismatches[0].article, 1);
}

fn scenario_cases_by_policy() -> Vec<(PathBuf, tiao::scenario::ScenarioFile)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let mut out = Vec::new();
    for e in std::fs::read_dir(&dir)
        .expect("tests/scenarios exists")
        .filter_map(|e| e.ok())
    {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "json") {
            let s = tiao::scenario::parse(&std::fs::read_to_string(&p).expect("readable"))
                .expect("valid scenario file");
            let target = p.parent().expect("in a folder").join(&s.policy);
            out.push((
                std::fs::canonicalize(&target).expect("the scenario's policy exists"),
                s,
            ));
        }
    }
    out
}

/// The README's table of bundled policies is what `tiao coverage --markdown` prints, and every
/// bundled document is fully encoded and tested.
#[test]
fn readme_table_matches_coverage() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README");
    let start = readme
        .find("<!-- coverage-table:start -->")
        .expect("table start marker");
    let end = readme
        .find("<!-- coverage-table:end -->")
        .expect("table end marker");
    let table: Vec<&str> = readme[start..end]
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .collect();
    let scenarios = scenario_cases_by_policy();
    let order = ["xinzhou", "yantai", "tengzhou", "jingle", "jiangxi"];
    let mut expected: Vec<String> = tiao::analysis::coverage::Coverage::MARKDOWN_HEADER
        .lines()
        .map(str::to_string)
        .collect();
    for id in order {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("policies/{id}.tiao"));
        let program = compile(&path);
        let canon = std::fs::canonicalize(&path).expect("exists");
        let tested: Vec<tiao::analysis::coverage::Tested> = scenarios
            .iter()
            .filter(|(p, _)| *p == canon)
            .flat_map(|(_, s)| s.cases.iter())
            .flat_map(tiao::scenario::expectations)
            .collect();
        let report = tiao::analysis::coverage::coverage(&program, &tested);
        assert_eq!(
            report.missing, 0,
            "{id}: articles missing: {:?}",
            report.missing_articles
        );
        assert!(
            report.untested.is_empty(),
            "{id}: provisions without a test: {:?}",
            report.untested
        );
        expected.push(report.markdown_row());
    }
    assert_eq!(
        table,
        expected.iter().map(String::as_str).collect::<Vec<_>>(),
        "regenerate with `tiao coverage policies/{{xinzhou,yantai,tengzhou,jingle,jiangxi}}.tiao --markdown`"
    );
}

/// 《民法典》第1259条: 以上、以下 include the number, 超过、不满 exclude it. The bundled policies
/// depart from it in exactly two places, each on purpose and explained in a note:
/// 新洲 Art. 7 defines 以上 as 含本数, so its 20万元以下 excludes 20万元; 烟台 Art. 23 reads
/// 500萬元以下 as "the rest" because 500萬元及以上 already claims 500萬元 (the document's overlap).
#[test]
fn boundary_readings_differ_from_the_civil_code_only_where_noted() {
    let mut differing = Vec::new();
    for p in policies() {
        let text = std::fs::read_to_string(&p).expect("readable");
        let compiled = tiao::compile(&p.display().to_string(), &text);
        let program = compiled.program.as_ref().expect("checks");
        let readings = tiao::analysis::boundaries::boundary_readings(program, |e| {
            compiled.sources.slice(e.span).to_string()
        });
        for r in readings.into_iter().filter(|r| !r.follows_civil_code) {
            let article = program
                .document
                .article(r.cite.article)
                .expect("cited article exists");
            assert!(
                !article.notes.is_empty(),
                "{} article {}: a reading that differs needs a note",
                p.display(),
                r.cite.article
            );
            differing.push((
                program.document.meta.id.clone(),
                r.cite.article,
                r.phrase,
                r.comparison,
            ));
        }
    }
    differing.sort();
    differing.dedup();
    assert_eq!(
        differing,
        vec![
            (
                "xinzhou".to_string(),
                7,
                "20万元以下".to_string(),
                "total_investment < 20万元".to_string()
            ),
            (
                "yantai".to_string(),
                23,
                "500萬元以下".to_string(),
                "total_investment < 500万元".to_string()
            ),
        ]
    );
}
