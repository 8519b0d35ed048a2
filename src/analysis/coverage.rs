//! `tiao coverage`: how much of a document is encoded, and which provisions no scenario tests.
//!
//! An article is *encoded* when it contains rules, *descriptive* when it says why nothing in it
//! can be computed, and *missing* otherwise. A provision (one rule) counts as tested when some
//! scenario case expects a value of its concept or obligation and cites the rule's article.

use crate::ir::{Program, article_heading};

/// One expectation of a test: the concept or obligation it checks and the article it cites.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tested {
    pub name: String,
    /// The article heading as the verdict writes it (`第七条`).
    pub article: String,
    pub obligation: bool,
}

#[derive(Debug, Clone)]
pub struct Coverage {
    pub id: String,
    pub script: crate::ir::Script,
    pub title: String,
    pub number: String,
    pub jurisdiction: String,
    pub in_force: String,
    pub articles: usize,
    pub encoded: usize,
    pub descriptive: Vec<(u32, String)>,
    pub missing_articles: Vec<u32>,
    pub missing: usize,
    pub provisions: usize,
    /// (article heading, concept or obligation, rule source) of provisions without a test.
    pub untested: Vec<(String, String, String)>,
}

pub fn coverage(p: &Program, tests: &[Tested]) -> Coverage {
    let doc = &p.document;
    let script = doc.meta.script;
    let mut encoded = 0;
    let mut descriptive = Vec::new();
    let mut missing_articles = Vec::new();
    for a in &doc.articles {
        if a.rule_count > 0 {
            encoded += 1;
        } else if let Some(d) = &a.descriptive {
            descriptive.push((a.number, d.clone()));
        } else {
            missing_articles.push(a.number);
        }
    }
    let tested = |name: &str, article: u32, obligation: bool| {
        let heading = article_heading(article, script);
        tests
            .iter()
            .any(|t| t.obligation == obligation && t.name == name && t.article == heading)
    };
    // every provision: (concept or obligation, is an obligation, citation, rule source)
    let provisions_iter = p
        .concepts
        .iter()
        .flat_map(|c| {
            let rules = c
                .rules
                .iter()
                .map(move |r| (&c.name, false, &r.cite, &r.source));
            rules.chain(
                c.reasons
                    .iter()
                    .map(move |r| (&c.name, false, &r.cite, &r.source)),
            )
        })
        .chain(p.obligations.iter().flat_map(|o| {
            o.rules
                .iter()
                .map(move |r| (&o.name, true, &r.cite, &r.source))
        }));
    let mut provisions = 0;
    let mut untested = Vec::new();
    for (name, obligation, cite, source) in provisions_iter {
        provisions += 1;
        if !tested(name, cite.article, obligation) {
            untested.push((
                article_heading(cite.article, script),
                name.clone(),
                source.clone(),
            ));
        }
    }
    let meta = &doc.meta;
    Coverage {
        id: meta.id.clone(),
        script: meta.script,
        title: meta.title.clone(),
        number: meta.number.clone().unwrap_or_else(|| "—".into()),
        jurisdiction: meta.jurisdiction.clone().unwrap_or_default(),
        in_force: meta
            .in_force_rule()
            .trim_start_matches("in_force ")
            .to_string(),
        articles: doc.articles.len(),
        encoded,
        missing: missing_articles.len(),
        descriptive,
        missing_articles,
        provisions,
        untested,
    }
}

impl Coverage {
    pub fn text(&self) -> String {
        let mut s = format!(
            "{} ({}) {}\n  articles {}: {} encoded, {} descriptive, {} missing\n",
            self.title,
            self.id,
            self.number,
            self.articles,
            self.encoded,
            self.descriptive.len(),
            self.missing
        );
        for (n, reason) in &self.descriptive {
            s.push_str(&format!(
                "    descriptive {}: {reason}\n",
                article_heading(*n, self.script)
            ));
        }
        for n in &self.missing_articles {
            s.push_str(&format!(
                "    MISSING {}\n",
                article_heading(*n, self.script)
            ));
        }
        s.push_str(&format!(
            "  provisions {}: {} tested, {} without a test\n",
            self.provisions,
            self.provisions - self.untested.len(),
            self.untested.len()
        ));
        for (a, name, src) in &self.untested {
            s.push_str(&format!("    untested {a} {name}: {src}\n"));
        }
        s
    }

    /// The header of the Markdown table whose rows [`Coverage::markdown_row`] prints.
    pub const MARKDOWN_HEADER: &'static str = "| policy | document | number | jurisdiction | in force | articles | encoded | descriptive | missing | provisions tested |\n|---|---|---|---|---|---|---|---|---|---|";

    pub fn markdown_row(&self) -> String {
        format!(
            "| `{}` | {} | {} | {} | {} | {} | {} | {} | {} | {}/{} |",
            self.id,
            self.title,
            self.number,
            self.jurisdiction,
            self.in_force,
            self.articles,
            self.encoded,
            self.descriptive.len(),
            self.missing,
            self.provisions - self.untested.len(),
            self.provisions
        )
    }
}
