//! The messages a user reads for malformed input, pinned exactly: policies, facts, scenario files
//! and command-line arguments. Each case is one small broken input; its rendered message (what
//! the terminal shows, with the exit code for the command line) is an insta snapshot under
//! `tests/snapshots/messages__<name>.snap`, reviewed as a drafter would read it: what is wrong,
//! where, and what to write instead.
//!
//! A case must fail: a policy case must report an error or a warning, a facts or scenario case an
//! error, a command-line case a non-zero exit code. Add a case by adding a row.
#![expect(
    clippy::expect_used,
    reason = "a test fails loudly on a broken fixture"
)]

use std::process::Command;

/// The opening every policy case shares: a valid `policy` block.
const HEADER: &str = "policy demo {\n  title \"示例办法\"\n  in_force from 2022-06-21\n}\n";

/// An article whose paragraph holds `rules`.
fn with_rules(rules: &str) -> String {
    format!(
        "{HEADER}article 7 {{\n  para \"投资20万元以上(含本数,下同)的由区大数据中心负责技术审查。\" {{\n    {rules}\n  }}\n}}\n"
    )
}

/// A policy case: a name and the whole file.
fn policy_cases() -> Vec<(&'static str, String)> {
    let r = with_rules;
    let deadline = |d: &str| {
        format!(
            "{HEADER}article 18 {{\n  para \"项目实施单位应在签订正式合同5个工作日内,将合同文本报县政务信息管理局备案。\" {{\n    obligation contract_filing: contract_filed_on {d}\n  }}\n}}\n"
        )
    };
    vec![
        ("policy_missing_equals", r("define technical_review_required total_investment >= 20万元")),
        ("policy_double_equals", r("define technical_review_required == total_investment >= 20万元")),
        ("policy_unclosed_text", format!("{HEADER}article 7 {{\n  para \"投资20万元以下的自行组织实施。\n  descriptive \"example\"\n}}\n")),
        ("policy_unclosed_article", format!("{HEADER}article 7 {{\n  para \"投资20万元以下的自行组织实施。\"\n  descriptive \"example\"\n")),
        ("policy_unclosed_paren", r("define technical_review_required = (total_investment >= 20万元 and not classified")),
        ("policy_extra_paren", r("define technical_review_required = total_investment >= 20万元)")),
        ("policy_fullwidth_colon", deadline("within 5个工作日 after contract_signed_on").replace("contract_filing:", "contract_filing：")),
        ("policy_fullwidth_paren", r("define technical_review_required = （total_investment >= 20万元)")),
        ("policy_fullwidth_digit", r("define technical_review_required = total_investment >= ２０万元")),
        ("policy_ideographic_comma", r("define technical_review_required = total_investment >= 20万元、")),
        ("policy_chinese_quotes", format!("{HEADER}article 7 {{\n  para “投资20万元以下的自行组织实施。”\n  descriptive \"example\"\n}}\n")),
        ("policy_corner_quotes", format!("{HEADER}article 7 {{\n  para 「投资20万元以下的自行组织实施。」\n  descriptive \"example\"\n}}\n")),
        ("policy_zero_width_space", r("define technical_review_required\u{200B} = total_investment >= 20万元")),
        ("policy_no_break_space", r("define\u{00A0}technical_review_required = total_investment >= 20万元")),
        ("policy_unit_apart", deadline("within 5 工作日 after contract_signed_on")),
        ("policy_missing_after", deadline("within 5个工作日 contract_signed_on")),
        ("policy_between_missing_and", deadline("between 12个月 24个月 after contract_signed_on")),
        ("policy_if_without_else", r("define technical_review_required = if classified then false")),
        ("policy_keyword_as_name", r("define for = total_investment >= 20万元")),
        ("policy_misspelled_keyword", r("defne technical_review_required = total_investment >= 20万元")),
        ("policy_rule_outside_article", format!("{HEADER}define technical_review_required = total_investment >= 20万元\n")),
        ("policy_article_without_number", format!("{HEADER}article {{\n  para \"投资20万元以下的自行组织实施。\"\n  descriptive \"example\"\n}}\n")),
        ("policy_para_without_text", format!("{HEADER}article 7 {{\n  para {{\n    define technical_review_required = total_investment >= 20万元\n  }}\n}}\n")),
        ("policy_bad_date", "policy demo {\n  title \"示例办法\"\n  in_force from 2022-02-30\n}\narticle 7 {\n  para \"投资20万元以下的自行组织实施。\"\n  descriptive \"example\"\n}\n".to_string()),
        ("policy_bad_escape", format!("{HEADER}article 7 {{\n  para \"投资20万元以下的\\q自行组织实施。\"\n  descriptive \"example\"\n}}\n")),
        ("policy_stray_comma", r("define technical_review_required = total_investment >= 20万元,")),
        ("policy_number_without_unit", r("define technical_review_required = total_investment >= 20")),
        ("policy_unknown_name", r("define technical_review_required = total_investmnet >= 20万元")),
        ("policy_title_twice", "policy demo {\n  title \"示例办法\"\n  title \"示例办法(修订)\"\n  in_force from 2022-06-21\n}\narticle 7 {\n  para \"投资20万元以下的自行组织实施。\"\n  descriptive \"example\"\n}\n".into()),
        ("policy_in_force_twice", "policy demo {\n  title \"示例办法\"\n  in_force from 2022-06-21\n  in_force from 2023-01-01\n}\narticle 7 {\n  para \"投资20万元以下的自行组织实施。\"\n  descriptive \"example\"\n}\n".into()),
        ("policy_until_before_from", "policy demo {\n  title \"示例办法\"\n  in_force from 2022-06-21 until 2021-06-21\n}\narticle 7 {\n  para \"投资20万元以下的自行组织实施。\"\n  descriptive \"example\"\n}\n".into()),
        ("policy_for_zero_years", "policy demo {\n  title \"示例办法\"\n  in_force from 2022-06-21 for 0年\n}\narticle 7 {\n  para \"投资20万元以下的自行组织实施。\"\n  descriptive \"example\"\n}\n".into()),
        ("policy_reversed_window", deadline("between 24个月 and 12个月 after contract_signed_on")),
        ("policy_zero_period", deadline("within 0日 after contract_signed_on")),
        ("policy_nested_too_deep", r(&format!("define technical_review_required = {}total_investment >= 20万元{}", "(".repeat(300), ")".repeat(300)))),
        ("policy_chain_too_long", r(&format!("define technical_review_required = {}", (1..=300).map(|i| format!("total_investment >= {i}万元")).collect::<Vec<_>>().join(" or ")))),
        ("policy_long_line", r(&format!("define technical_review_required = {} and total_investmnet >= 20万元", (1..=80).map(|i| format!("total_investment >= {i}万元")).collect::<Vec<_>>().join(" and ")))),
        ("policy_missing_title", "policy demo {\n  in_force from 2022-06-21\n}\narticle 7 {\n  para \"投资20万元以下的自行组织实施。\"\n  descriptive \"example\"\n}\n".into()),
        ("policy_misspelled_metadata", "policy demo {\n  titel \"示例办法\"\n  in_force from 2022-06-21\n}\narticle 7 {\n  para \"投资20万元以下的自行组织实施。\"\n  descriptive \"example\"\n}\n".into()),
        ("policy_empty_file", String::new()),
    ]
}

#[test]
fn policy_messages_are_pinned() {
    let cases = policy_cases();
    assert!(cases.len() >= 40, "{} policy cases", cases.len());
    for (name, text) in cases {
        let compiled = tiao::compile(&format!("{name}.tiao"), &text);
        assert!(
            !compiled.diagnostics.is_empty(),
            "{name}: the malformed policy was accepted without a word"
        );
        insta::assert_snapshot!(format!("messages__{name}"), compiled.render_diagnostics());
    }
}

fn tiao(dir: &std::path::Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_tiao"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the tiao binary runs");
    let code = out.status.code().unwrap_or(-1);
    assert_ne!(code, 0, "`tiao {}` succeeded", args.join(" "));
    format!(
        "$ tiao {}\nexit code {code}\n{}{}",
        args.join(" "),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A scratch folder holding a valid policy and facts, to break one argument at a time.
fn scratch() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("tiao-messages-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("scenarios")).expect("temp dir");
    std::fs::write(
        dir.join("p.tiao"),
        with_rules("define technical_review_required = total_investment >= 20万元"),
    )
    .expect("write");
    std::fs::write(dir.join("f.json"), "{\"total_investment\": \"20万元\"}").expect("write");
    std::fs::write(dir.join("utf16.tiao"), [0xFF, 0xFE, b'p', 0, b'o', 0]).expect("write");
    // 政务 in GBK
    std::fs::write(dir.join("gbk.tiao"), [b'/', b'/', b' ', 0xD5, 0xFE, 0xCE, 0xF1, b'\n'])
        .expect("write");
    dir
}

#[test]
fn command_line_messages_are_pinned() {
    let dir = scratch();
    let cases: Vec<(&str, Vec<&str>)> = vec![
        ("cli_eval_without_facts", vec!["eval", "p.tiao"]),
        ("cli_eval_impossible_date", vec!["eval", "p.tiao", "--facts", "f.json", "--as-of", "2024-13-01"]),
        ("cli_eval_far_future", vec!["eval", "p.tiao", "--facts", "f.json", "--as-of", "9999-06-01"]),
        ("cli_eval_unpadded_date", vec!["eval", "p.tiao", "--facts", "f.json", "--as-of", "2024-3-5"]),
        ("cli_eval_slashed_date", vec!["eval", "p.tiao", "--facts", "f.json", "--as-of", "2024/01/01"]),
        ("cli_missing_policy_file", vec!["check", "nosuch.tiao"]),
        ("cli_policy_is_a_folder", vec!["check", "scenarios"]),
        ("cli_missing_facts_file", vec!["eval", "p.tiao", "--facts", "nosuch.json", "--as-of", "2024-01-01"]),
        ("cli_missing_scenarios_folder", vec!["coverage", "p.tiao", "--scenarios", "nosuch"]),
        ("cli_bench_zero_iterations", vec!["bench", "p.tiao", "--facts", "f.json", "--iterations", "0"]),
        ("cli_bench_huge_iterations", vec!["bench", "p.tiao", "--facts", "f.json", "--iterations", "4000000000"]),
        ("cli_unknown_command", vec!["evaluate", "p.tiao"]),
        ("cli_render_no_such_article", vec!["render", "p.tiao", "--article", "999"]),
        ("cli_missing_calendar", vec!["eval", "p.tiao", "--facts", "f.json", "--as-of", "2024-01-01", "--calendar", "nosuch.txt"]),
        ("cli_utf16_policy", vec!["check", "utf16.tiao"]),
        ("cli_gbk_policy", vec!["check", "gbk.tiao"]),
    ];
    let dir_text = dir.display().to_string();
    for (name, args) in cases {
        let shown = tiao(&dir, &args).replace(&dir_text, "$DIR");
        insta::assert_snapshot!(format!("messages__{name}"), shown);
    }
}
