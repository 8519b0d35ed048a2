//! What the user sees from the `tiao` binary: output and exit codes, snapshot-tested.
#![expect(
    clippy::expect_used,
    reason = "a test fails loudly on a broken fixture"
)]

use std::process::Command;

fn tiao(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tiao"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the tiao binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn temp_file(name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("tiao-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write temp file");
    path.display().to_string()
}

#[test]
fn eval_example_json_verdict() {
    let (code, out, err) = tiao(&[
        "eval",
        "policies/xinzhou.tiao",
        "--facts",
        "examples/xinzhou-project.json",
        "--as-of",
        "2025-01-15",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON verdict");
    assert_eq!(v["schema"], "tiao.verdict/2");
    assert_eq!(v["policy"]["id"], "xinzhou");
    assert_eq!(v["policy"]["in_force"], true);
    // 新洲第七条: 投资20万元以上 → 技术审查; 第八条: 300万元以上 → 专家论证. The example invests 350万元.
    assert_eq!(v["concepts"]["technical_review_required"]["value"], true);
    assert_eq!(v["concepts"]["expert_review_required"]["value"], true);
    assert_eq!(
        v["concepts"]["expert_review_required"]["because"][0]["article"],
        "第八条"
    );
    // 第十六条: 建成后半年内申请验收: completed 2024-08-30 → due 2025-02-28 (a Friday, a working day)
    let acc = v["obligations"]
        .as_array()
        .expect("array")
        .iter()
        .find(|o| o["id"] == "acceptance_application")
        .cloned()
        .expect("obligation");
    assert_eq!(acc["due"], "2025-02-28");
    assert_eq!(acc["status"], "pending");
    insta::assert_snapshot!("eval_example_json", out);
}

#[test]
fn eval_example_text_summary() {
    let (code, out, err) = tiao(&[
        "eval",
        "policies/xinzhou.tiao",
        "--facts",
        "examples/xinzhou-project.json",
        "--as-of",
        "2025-01-15",
        "--format",
        "text",
    ]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("eval_example_text", out);
}

#[test]
fn check_clean_policy_exits_zero() {
    let (code, _, err) = tiao(&["check", "policies/xinzhou.tiao"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("ok"), "{err}");
}

#[test]
fn check_errors_as_json_with_lines_and_columns() {
    let (code, out, _) = tiao(&[
        "check",
        "--error-format",
        "json",
        "tests/corpus/unknown_name.tiao",
    ]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON diagnostics");
    assert_eq!(v[0]["code"], "E0102");
    assert_eq!(v[0]["labels"][0]["line"], 9);
    // columns count characters: `总投资` starts at character 40 of its line
    assert_eq!(v[0]["labels"][0]["column"], 40);
    insta::assert_snapshot!("check_json", out);
}

#[test]
fn bad_facts_are_located_errors_naming_the_field() {
    let facts = temp_file(
        "bad.json",
        "{\n  \"total_investment\": \"五百万\",\n  \"completed_on\": \"2024/08/30\",\n  \"clasified\": true\n}\n",
    );
    let (code, out, err) = tiao(&[
        "eval",
        "policies/xinzhou.tiao",
        "--facts",
        &facts,
        "--as-of",
        "2025-01-15",
    ]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    let err = err.replace(&facts, "bad.json");
    insta::assert_snapshot!("bad_facts", err);
}

#[test]
fn bad_as_of_and_missing_files_exit_two() {
    let (code, _, err) = tiao(&[
        "eval",
        "policies/xinzhou.tiao",
        "--facts",
        "examples/xinzhou-project.json",
        "--as-of",
        "2025-13-01",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("--as-of"), "{err}");
    let (code, _, err) = tiao(&["check", "policies/no-such-file.tiao"]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot read"), "{err}");
}

#[test]
fn render_prints_the_article() {
    let (code, out, _) = tiao(&["render", "policies/xinzhou.tiao", "--article", "7"]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with(
            "第七条 区直各部门、区属事业单位、各街镇的政府信息化项目,投资20万元以下的自行组织实施"
        ),
        "{out}"
    );
    assert_eq!(out.lines().count(), 2, "Art. 7 has two paragraphs");
}

#[test]
fn scenario_failures_name_the_article_and_exit_one() {
    let scenario = temp_file(
        "wrong.json",
        &format!(
            r#"{{ "policy": "{}/policies/xinzhou.tiao", "cases": [
  {{ "name": "deliberately wrong: 20万元 is 以上 (含本数) under Art. 7, so technical review IS required",
     "as_of": "2024-05-06", "facts": {{ "total_investment": "20万元", "uses_fiscal_funds": true, "classified": false, "office_equipment_purchase": false }},
     "expect": {{ "technical_review_required": {{ "value": false, "article": "第七条" }} }} }} ] }}"#,
            env!("CARGO_MANIFEST_DIR")
        ),
    );
    let (code, out, _) = tiao(&["test", &scenario]);
    assert_eq!(code, 1);
    assert!(out.contains("FAIL"), "{out}");
    assert!(
        out.contains("第七条: `technical_review_required` expected false, got true"),
        "{out}"
    );
    assert!(out.contains("0 passed, 1 failed"), "{out}");
}

/// `--calendar FILE`: a newer calendar computes a deadline the bundled one cannot place; a broken
/// file is a located error (exit 2). The 2027 block here is made up for the test, not official.
#[test]
fn a_newer_calendar_file_places_a_deadline_in_its_year() {
    let policy = temp_file(
        "cal.tiao",
        "policy cal {\n title \"日历\"\n in_force from 2022-01-01\n}\narticle 18 {\n  para \"项目实施单位应在签订正式合同5个工作日内，将合同文本报县政务信息管理局备案。\" {\n    obligation contract_filing: contract_filed_on within 5个工作日 after contract_signed_on\n  }\n}\n",
    );
    let facts = temp_file(
        "cal.json",
        r#"{"contract_signed_on": "2026-12-28", "contract_filed_on": false}"#,
    );
    let bundled = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/calendar/cn-workdays.txt"),
    )
    .expect("bundled calendar");
    // hypothetical 2027: 元旦 on Fri 01-01 only
    let calendar = temp_file(
        "cal.txt",
        &format!(
            "{bundled}\n# 2027 — hypothetical, for this test only\nyear 2027\nholiday 2027-01-01 元旦\n"
        ),
    );
    // bundled: 12-29, 12-30, 12-31 are working days 1–3, the rest falls in 2027
    let (code, out, _) = tiao(&["eval", &policy, "--facts", &facts, "--as-of", "2026-12-29"]);
    assert_eq!(code, 3, "a deadline the calendar cannot place: {out}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["obligations"][0]["due"], serde_json::Value::Null);
    assert_eq!(v["obligations"][0]["status"], "pending");
    // with 2027: 01-04 (Mon) and 01-05 are working days 4 and 5
    let (code, out, err) = tiao(&[
        "eval",
        &policy,
        "--facts",
        &facts,
        "--as-of",
        "2026-12-29",
        "--calendar",
        &calendar,
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["obligations"][0]["due"], "2027-01-05");
    // a calendar whose years are not consecutive is refused, naming the line
    let broken = temp_file(
        "broken.txt",
        &format!("{bundled}\nyear 2028\nholiday 2028-01-01 元旦\n"),
    );
    let (code, _, err) = tiao(&[
        "eval",
        &policy,
        "--facts",
        &facts,
        "--as-of",
        "2026-12-29",
        "--calendar",
        &broken,
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("calendar line"), "{err}");
}

#[cfg(unix)]
#[test]
fn coverage_reads_a_folder_that_links_back_to_itself_once() {
    let dir = std::env::temp_dir().join(format!("tiao-cli-loop-{}", std::process::id()));
    let inner = dir.join("scenarios");
    std::fs::create_dir_all(&inner).expect("temp dir");
    let link = inner.join("again");
    if !link.exists() {
        std::os::unix::fs::symlink(&dir, &link).expect("symlink");
    }
    let (code, out, err) = tiao(&[
        "coverage",
        "policies/xinzhou.tiao",
        "--scenarios",
        &dir.display().to_string(),
    ]);
    // no scenario files, so nothing is tested, and the command ends
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.is_empty(), "{err}");
    assert!(out.contains("xinzhou"), "{out}");
}
