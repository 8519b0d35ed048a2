//! The interpreter's semantics, on small policies: default logic, unknown facts, conflicts,
//! deadlines. Expected values follow from the legal rules named in each test.
#![expect(
    clippy::expect_used,
    reason = "a test fails loudly on a broken fixture"
)]

use chrono::NaiveDate;
use tiao::calendar::Calendar;
use tiao::eval::{self, verdict};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn verdict(policy: &str, facts: &str, as_of: NaiveDate) -> serde_json::Value {
    let compiled = tiao::compile("test.tiao", policy);
    let rendered = compiled.render_diagnostics();
    let program = compiled.program.unwrap_or_else(|| panic!("{rendered}"));
    let facts = eval::parse_facts(&program, facts).unwrap_or_else(|e| panic!("{e:?}"));
    let ev = eval::evaluate(&program, &facts, as_of, Calendar::official());
    verdict::to_json(&program, &facts, &ev)
}

const HEADER: &str = "policy t {\n  title \"测试\"\n  in_force from 2022-06-21\n}\n";

#[test]
fn exception_overrides_the_base_definition() {
    // 烟台第七条 / 江西第二十一条: 原则上不再进行…环境影响评价等审批, 涉及新建土建工程、高耗能的项目除外.
    let p = format!(
        "{HEADER}article 7 {{ para \"除涉及新建土建工程、高耗能的项目外,原则上不再进行环境影响评价等审批。\" {{
    define environmental_approvals_required = false
    exception environmental_approvals_required = true when has_civil_works or high_energy_consumption
  }} }}"
    );
    let v = verdict(
        &p,
        r#"{"has_civil_works": false, "high_energy_consumption": false}"#,
        day(2024, 1, 2),
    );
    assert_eq!(
        v["concepts"]["environmental_approvals_required"]["value"],
        false
    );
    let v = verdict(&p, r#"{"has_civil_works": true}"#, day(2024, 1, 2));
    assert_eq!(
        v["concepts"]["environmental_approvals_required"]["value"], true,
        "true or unknown is true (Kleene)"
    );
    assert_eq!(
        v["concepts"]["environmental_approvals_required"]["because"][0]["exception"],
        true
    );
    let v = verdict(&p, r#"{"has_civil_works": false}"#, day(2024, 1, 2));
    assert_eq!(
        v["concepts"]["environmental_approvals_required"]["value"],
        serde_json::Value::Null
    );
    assert_eq!(
        v["concepts"]["environmental_approvals_required"]["waiting_on"],
        serde_json::json!(["high_energy_consumption"])
    );
}

#[test]
fn unknown_propagates_only_where_it_matters() {
    let p = format!(
        "{HEADER}article 8 {{ para \"投资300万元以上或技术复杂的项目初步设计报审前需进行专家论证。\" {{
    define expert_review_required = total_investment >= 300万元 or technically_complex
  }} }}"
    );
    // 300万元以上 includes 300万元 (《民法典》第1259条): true regardless of technically_complex
    let v = verdict(&p, r#"{"total_investment": "300万元"}"#, day(2024, 1, 2));
    assert_eq!(v["concepts"]["expert_review_required"]["value"], true);
    let v = verdict(&p, r#"{"total_investment": 2999999.99}"#, day(2024, 1, 2));
    assert_eq!(
        v["concepts"]["expert_review_required"]["value"],
        serde_json::Value::Null
    );
    assert_eq!(
        v["concepts"]["expert_review_required"]["waiting_on"],
        serde_json::json!(["technically_complex"])
    );
}

#[test]
fn two_applicable_rules_that_disagree_are_a_conflict_at_evaluation() {
    // not provable statically (the conditions read a concept), so the interpreter reports it
    let p = format!(
        "{HEADER}concept large: bool \"大型\"
article 23 {{
  para \"500万元及以上的信息化项目应当实行工程监理制。\" {{
    define large = total_investment >= 500万元
    define supervision_required = true when large
  }}
  para \"500万元以下的信息化项目,建设单位应视项目情况选择设置监理机构。\" {{
    define supervision_required = false when not large or total_investment == 500万元
  }}
}}"
    );
    let v = verdict(&p, r#"{"total_investment": "500万元"}"#, day(2024, 1, 2));
    let c = &v["concepts"]["supervision_required"];
    assert_eq!(c["value"], serde_json::Value::Null);
    assert_eq!(c["conflict"][0]["article"], "第二十三条");
    assert_eq!(c["conflict"].as_array().map(Vec::len), Some(2));
    let v = verdict(&p, r#"{"total_investment": "600万元"}"#, day(2024, 1, 2));
    assert_eq!(v["concepts"]["supervision_required"]["value"], true);
}

#[test]
fn reasons_collect_every_item_that_holds() {
    let p = format!(
        "{HEADER}article 37 {{ para \"原则上有下列情形之一的,不安排运维经费:\" {{
    item \"(一)未按要求共享数据资源或者重复采集数据的数字化系统;\" {{
      reason data_not_shared for maintenance_funding_denied when not data_shared or duplicate_data_collection
    }}
    item \"(二)不符合密码应用和网络安全要求,或者存在重大安全隐患的数字化系统;\" {{
      reason security for maintenance_funding_denied when not crypto_compliant or major_security_risk
    }}
  }} }}"
    );
    let v = verdict(
        &p,
        r#"{"data_shared": false, "duplicate_data_collection": false, "crypto_compliant": true, "major_security_risk": false}"#,
        day(2024, 1, 2),
    );
    let value = &v["concepts"]["maintenance_funding_denied"]["value"];
    assert_eq!(value.as_array().map(Vec::len), Some(1));
    assert_eq!(value[0]["id"], "data_not_shared");
    assert_eq!(value[0]["article"], "第三十七条");
    assert_eq!(value[0]["item"], "(一)");
    assert_eq!(
        value[0]["text"],
        "(一)未按要求共享数据资源或者重复采集数据的数字化系统;"
    );
    let v = verdict(
        &p,
        r#"{"data_shared": true, "duplicate_data_collection": false}"#,
        day(2024, 1, 2),
    );
    assert_eq!(
        v["concepts"]["maintenance_funding_denied"]["value"],
        serde_json::Value::Null
    );
    assert_eq!(
        v["concepts"]["maintenance_funding_denied"]["possible"][0]["id"],
        "security"
    );
}

#[test]
fn working_day_deadline_across_national_day_2024() {
    // 静乐第十八条: 签订正式合同5个工作日内备案. Signed Friday 2024-09-27; 国办发明电〔2023〕7号:
    // 09-29 (Sun) is a working day, 10-01..10-07 are holidays, 10-12 (Sat) is a working day.
    // Working days after 09-27: 09-29 (1), 09-30 (2), 10-08 (3), 10-09 (4), 10-10 (5).
    let p = format!(
        "{HEADER}article 18 {{ para \"项目实施单位应在签订正式合同5个工作日内,将合同文本报县政务信息管理局备案。\" {{
    obligation contract_filing: contract_filed_on within 5个工作日 after contract_signed_on
  }} }}"
    );
    // not filed (`false`): pending before the due date, overdue after it
    let v = verdict(
        &p,
        r#"{"contract_signed_on": "2024-09-27", "contract_filed_on": false}"#,
        day(2024, 10, 9),
    );
    let o = &v["obligations"][0];
    assert_eq!(o["due"], "2024-10-10");
    assert_eq!(o["status"], "pending");
    let v = verdict(
        &p,
        r#"{"contract_signed_on": "2024-09-27", "contract_filed_on": false}"#,
        day(2024, 10, 11),
    );
    assert_eq!(v["obligations"][0]["status"], "overdue");
    // the filing not mentioned at all: nothing is invented — met, late or overdue
    let v = verdict(
        &p,
        r#"{"contract_signed_on": "2024-09-27"}"#,
        day(2024, 10, 11),
    );
    assert_eq!(v["obligations"][0]["status"], "unknown");
    assert_eq!(
        v["obligations"][0]["possible"],
        serde_json::json!(["met", "late", "overdue"])
    );
    assert_eq!(
        v["obligations"][0]["waiting_on"],
        serde_json::json!(["contract_filed_on"])
    );
    let v = verdict(
        &p,
        r#"{"contract_signed_on": "2024-09-27", "contract_filed_on": "2024-10-10"}"#,
        day(2024, 12, 1),
    );
    assert_eq!(v["obligations"][0]["status"], "met");
    let v = verdict(
        &p,
        r#"{"contract_signed_on": "2024-09-27", "contract_filed_on": "2024-10-11"}"#,
        day(2024, 12, 1),
    );
    assert_eq!(v["obligations"][0]["status"], "late");
    // no contract signed yet: the duty has not arisen
    let v = verdict(&p, r#"{"contract_signed_on": false}"#, day(2024, 12, 1));
    assert_eq!(v["obligations"][0]["status"], "not_triggered");
    // nothing said about the contract: whether the duty arose is unknown, and so is the filing
    let v = verdict(&p, r#"{}"#, day(2024, 12, 1));
    assert_eq!(v["obligations"][0]["status"], "unknown");
    assert_eq!(
        v["obligations"][0]["waiting_on"],
        serde_json::json!(["contract_signed_on", "contract_filed_on"])
    );
}

#[test]
fn month_window_and_half_year() {
    // 新洲第十七条: 投入运行后12至24个月内开展自评. Operation 2023-01-31: the window opens on
    // 2024-01-31 and its last day would be 2025-01-31 (《民法典》第202条), but that day is in the
    // 春节 holiday 2025-01-28..02-04 (国办发明电〔2024〕12号), so the period ends on 2025-02-05,
    // the day after the holiday (第203条).
    let p = format!(
        "{HEADER}article 17 {{ para \"投入运行后 12 至 24 个月内开展自评。\" {{
    obligation self_evaluation: self_evaluation_submitted_on between 12个月 and 24个月 after operation_started_on
  }} }}
article 16 {{ para \"信息化项目建成后半年内,建设单位应当申请区行政审批局组织进行验收评估。\" {{
    obligation acceptance_application: acceptance_applied_on within 半年 after completed_on
  }} }}"
    );
    let v = verdict(
        &p,
        r#"{"operation_started_on": "2023-01-31", "self_evaluation_submitted_on": "2023-12-29", "completed_on": "2024-08-31"}"#,
        day(2024, 9, 1),
    );
    let obligations = v["obligations"].as_array().expect("array");
    let se = obligations
        .iter()
        .find(|o| o["id"] == "self_evaluation")
        .expect("self_evaluation");
    assert_eq!(se["earliest"], "2024-01-31");
    assert_eq!(se["due"], "2025-02-05");
    assert_eq!(
        se["status"], "pending",
        "a report before the window opens does not count"
    );
    assert_eq!(se["early"], true);
    // 2024-08-31 + 半年 = 2025-02-28 (February has no 31st: its last day), a Friday.
    let acc = obligations
        .iter()
        .find(|o| o["id"] == "acceptance_application")
        .expect("acceptance_application");
    assert_eq!(acc["due"], "2025-02-28");
}

#[test]
fn a_deadline_beyond_the_calendar_is_an_error_not_a_guess() {
    let p = format!(
        "{HEADER}article 18 {{ para \"签订正式合同5个工作日内备案。\" {{
    obligation contract_filing: contract_filed_on within 5个工作日 after contract_signed_on
  }} }}"
    );
    // Signed Mon 2026-12-28: 12-29, 12-30, 12-31 are the first three working days; the other two
    // fall in 2027, which no State Council notice covers yet. The due day is not guessed, but it
    // cannot be before 2027-01-02 (two more days after 2026-12-31), and as of 2026-12-29 the
    // unfiled contract is certainly not overdue.
    let v = verdict(
        &p,
        r#"{"contract_signed_on": "2026-12-28", "contract_filed_on": false}"#,
        day(2026, 12, 29),
    );
    let o = &v["obligations"][0];
    assert_eq!(o["due"], serde_json::Value::Null);
    assert_eq!(o["due_not_before"], "2027-01-02");
    assert_eq!(o["status"], "pending");
    assert!(
        o["error"].as_str().is_some_and(|e| e.contains("2027")),
        "{o}"
    );
    // a week later the bound no longer tells: pending or overdue
    let v = verdict(
        &p,
        r#"{"contract_signed_on": "2026-12-28", "contract_filed_on": false}"#,
        day(2027, 1, 8),
    );
    assert_eq!(v["obligations"][0]["status"], "unknown");
    assert_eq!(
        v["obligations"][0]["possible"],
        serde_json::json!(["pending", "overdue"])
    );
}

#[test]
fn in_force_follows_the_metadata() {
    let p = "policy t {\n title \"烟台\"\n in_force from 2022-07-01 until 2024-06-30\n}\narticle 43 { para \"本办法自2022年7月1日起施行,有效期至2024年6月30日。\" descriptive \"in force\" }";
    assert_eq!(
        verdict(p, "{}", day(2024, 6, 30))["policy"]["in_force"],
        true
    );
    assert_eq!(
        verdict(p, "{}", day(2024, 7, 1))["policy"]["in_force"],
        false
    );
    assert_eq!(
        verdict(p, "{}", day(2022, 6, 30))["policy"]["in_force"],
        false
    );
    // 静乐第四十条: 自印发之日起施行,有效期3年 — and the text gives no issue date
    let p = "policy t {\n title \"静乐\"\n issued unknown\n in_force from issued for 3年\n}\narticle 40 { para \"本办法自印发之日起施行，有效期3年。\" descriptive \"in force\" }";
    let v = verdict(p, "{}", day(2024, 6, 30));
    assert_eq!(v["policy"]["in_force"], serde_json::Value::Null);
    assert!(v["notes"].to_string().contains("issue date is not given"));
}

#[test]
fn facts_errors_name_the_field_and_its_place() {
    let compiled = tiao::compile("t.tiao", HEADER);
    let program = compiled.program.expect("checks");
    let errors = eval::parse_facts(
        &program,
        "{\n  \"total_investmnt\": \"500万元\",\n  \"classified\": \"no\",\n  \"approved_on\": \"2024-02-30\",\n  \"budget_adjustment_ratio\": 0.15\n}",
    )
    .expect_err("four bad fields");
    let fields: Vec<(&str, usize)> = errors.iter().map(|e| (e.field.as_str(), e.line)).collect();
    assert_eq!(
        fields,
        vec![
            ("total_investmnt", 2),
            ("classified", 3),
            ("approved_on", 4),
            ("budget_adjustment_ratio", 5)
        ]
    );
    assert_eq!(
        errors[0].hint.as_deref(),
        Some("did you mean `total_investment`?")
    );
    // money with units and plain yuan both read exactly
    let facts = eval::parse_facts(
        &program,
        r#"{"total_investment": "1.5亿元", "construction_investment": 1234567.89}"#,
    )
    .expect("valid");
    let id = program.fact_id("total_investment").expect("declared");
    assert_eq!(
        facts.get(id).map(ToString::to_string),
        Some("1.5亿元".to_string())
    );
}

#[test]
fn a_yearly_duty_has_one_instance_per_year_of_construction() {
    // 新洲第十五条: 在建设期内每年年底之前形成项目绩效评价报告. Construction 2023-05-10 .. 2025-06-30:
    // the year ends inside it are 2023-12-31 and 2024-12-31 (2025-12-31 is after completion).
    let p = format!(
        "{HEADER}fact reports_on: set of date \"报告形成之日\"
article 15 {{ para \"在建设期内每年年底之前形成项目绩效评价报告。\" {{
    obligation annual_performance_report: reports_on every year by 12-31 from construction_started_on until completed_on
  }} }}"
    );
    let v = verdict(
        &p,
        r#"{"construction_started_on": "2023-05-10", "completed_on": "2025-06-30", "reports_on": ["2023-12-29"]}"#,
        day(2025, 8, 1),
    );
    let instances: Vec<(i64, String, String)> = v["obligations"]
        .as_array()
        .expect("array")
        .iter()
        .map(|o| {
            (
                o["year"].as_i64().unwrap_or(0),
                o["due"].as_str().unwrap_or("").to_string(),
                o["status"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        instances,
        vec![
            (2023, "2023-12-31".into(), "met".into()),
            (2024, "2024-12-31".into(), "overdue".into())
        ]
    );
    // still under construction (`completed_on: false`), no report yet: instances run up to the
    // evaluation year
    let v = verdict(
        &p,
        r#"{"construction_started_on": "2023-05-10", "completed_on": false, "reports_on": []}"#,
        day(2024, 6, 1),
    );
    assert_eq!(v["obligations"].as_array().map(Vec::len), Some(2));
    assert_eq!(v["obligations"][0]["status"], "overdue");
    assert_eq!(v["obligations"][1]["status"], "pending");
    // the 2023 report handed in on 2024-01-15 is that year's report, late; the 2024 one is met
    let v = verdict(
        &p,
        r#"{"construction_started_on": "2023-05-10", "completed_on": false, "reports_on": ["2024-01-15", "2024-12-20"]}"#,
        day(2025, 1, 10),
    );
    let o = v["obligations"].as_array().expect("array");
    assert_eq!(
        (o[0]["year"].as_i64(), o[0]["status"].as_str()),
        (Some(2023), Some("late"))
    );
    assert_eq!(o[0]["done_on"], "2024-01-15");
    assert_eq!(
        (o[1]["year"].as_i64(), o[1]["status"].as_str()),
        (Some(2024), Some("met"))
    );
}

#[test]
fn a_sub_item_is_cited_with_its_item() {
    // 滕州第九条第(二)项第1目: 建设内容被列入项目管理负面清单的, 需求审核原则上不予通过.
    let p = format!(
        "{HEADER}article 9 {{ para \"政务信息化项目审核流程……按以下程序组织:\" {{
    item \"(二)需求审核。……存在下列情形的,需求审核原则上不予通过。\" {{
      item \"1.项目建设不符合项目管理的有关规定,建设内容被列入项目管理负面清单的;\" {{
        reason negative_list for not_supported when in_negative_list
      }}
    }}
  }} }}"
    );
    let v = verdict(&p, r#"{"in_negative_list": true}"#, day(2025, 8, 1));
    let reason = &v["concepts"]["not_supported"]["value"][0];
    assert_eq!(reason["item"], "(二)");
    assert_eq!(reason["sub_item"], "1.");
    assert_eq!(reason["cite"], "第九条第一款第(二)项第1目");
}

#[test]
fn records_and_sets_of_facts() {
    // DESIGN §6: funding may be fiscal, joint, purchased service…; 烟台第二条 covers 政府直接投资建设、
    // 政府与企业联合建设、政府向社会购买服务 projects.
    let p = format!(
        "{HEADER}enum Funding \"资金来源\" {{ fiscal \"财政资金\", joint \"政府与企业联合建设\", purchased_service \"政府向社会购买服务\", private \"社会资本\" }}
record Contract \"合同\" {{ amount: money, signed_on: date }}
fact funding_sources: set of Funding \"资金来源\"
fact main_contract: Contract \"主合同\"
concept government_funded: bool default false \"政府投资或购买服务\"
concept large_contract: bool default false \"大额合同\"
article 2 {{ para \"本办法中的政务信息化项目是指由政府直接投资建设、政府与企业联合建设、政府向社会购买服务……的政务信息化项目。\" {{
    define government_funded = fiscal in funding_sources or joint in funding_sources or purchased_service in funding_sources
    define large_contract = main_contract.amount >= 500万元 and main_contract.signed_on >= 2022-07-01
  }} }}"
    );
    let v = verdict(
        &p,
        r#"{"funding_sources": ["private", "joint"], "main_contract": {"amount": "600万元", "signed_on": "2023-03-01"}}"#,
        day(2024, 1, 2),
    );
    assert_eq!(v["concepts"]["government_funded"]["value"], true);
    assert_eq!(v["concepts"]["large_contract"]["value"], true);
    let v = verdict(
        &p,
        r#"{"funding_sources": ["private"], "main_contract": {"amount": "499万元", "signed_on": "2023-03-01"}}"#,
        day(2024, 1, 2),
    );
    assert_eq!(v["concepts"]["government_funded"]["value"], false);
    assert_eq!(v["concepts"]["large_contract"]["value"], false);
    // a record field that is missing is an error naming the field
    let compiled = tiao::compile("t.tiao", &p);
    let program = compiled.program.expect("checks");
    let errors = eval::parse_facts(&program, r#"{"main_contract": {"amount": "600万元"}}"#)
        .expect_err("missing field");
    assert_eq!(errors[0].field, "main_contract");
    assert!(
        errors[0].message.contains("signed_on"),
        "{}",
        errors[0].message
    );
}
