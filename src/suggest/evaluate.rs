//! How good suggestions are: exact span and label against the analyst's
//! annotations, per label and overall, as `sorot suggest evaluate` reports.

use std::collections::{BTreeMap, HashSet};
use std::time::Instant;

use super::{Learner, Suggestion};
use crate::model::Store;
use crate::model::agreement::Counts;

/// Figures of one evaluation.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Report {
    pub overall: Counts,
    pub labels: BTreeMap<String, Counts>,
    pub train_seconds: f64,
    pub suggest_seconds: f64,
    pub train_documents: usize,
    pub test_documents: usize,
}

/// Adds the comparison of `suggested` with the spans of `gold` that have
/// one of `labels` (exact extent and label) to `report`.
pub fn score(report: &mut Report, gold: &Store, suggested: &[Suggestion], labels: &[String]) {
    let want: HashSet<(usize, usize, &str)> = gold
        .spans()
        .filter(|s| labels.iter().any(|l| l == gold.label_name(s.label)))
        .map(|s| {
            let e = s.extent();
            (e.start(), e.end(), gold.label_name(s.label))
        })
        .collect();
    let got: HashSet<(usize, usize, &str)> =
        suggested.iter().map(|s| (s.range.start(), s.range.end(), s.label.as_str())).collect();
    for l in labels {
        report.labels.entry(l.clone()).or_default();
    }
    for k in &want {
        let c = report.labels.entry(k.2.to_owned()).or_default();
        if got.contains(k) {
            c.matched += 1;
            report.overall.matched += 1;
        } else {
            c.missed += 1;
            report.overall.missed += 1;
        }
    }
    for k in got.difference(&want) {
        report.labels.entry(k.2.to_owned()).or_default().extra += 1;
        report.overall.extra += 1;
    }
}

/// Trains on `train`, suggests on the texts of `test` (their annotations
/// unseen) and scores against them; only the labels the training files use
/// are suggested and scored.
pub fn evaluate(learner: &dyn Learner, train: &[&Store], test: &[&Store], progress: &dyn Fn(usize, usize)) -> Report {
    evaluate_labels(learner, train, test, None, progress)
}

/// [`evaluate`], scoring `labels` when given (a label the training files
/// never use is then missed wherever the test files have it, not left out).
pub fn evaluate_labels(
    learner: &dyn Learner,
    train: &[&Store],
    test: &[&Store],
    labels: Option<&[String]>,
    progress: &dyn Fn(usize, usize),
) -> Report {
    let trained = super::labels_in(train, None);
    let scored: Vec<String> = labels.map_or_else(|| trained.clone(), <[String]>::to_vec);
    let labels = trained;
    let started = Instant::now();
    let model = super::train(learner, train, &labels, progress);
    let train_seconds = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let suggested: Vec<Vec<Suggestion>> =
        test.iter().map(|s| super::suggest(model.as_ref(), s.text().as_str())).collect();
    let suggest_seconds = started.elapsed().as_secs_f64();
    let mut report = Report {
        train_seconds,
        suggest_seconds,
        train_documents: train.len(),
        test_documents: test.len(),
        ..Report::default()
    };
    for (gold, s) in test.iter().zip(&suggested) {
        score(&mut report, gold, s, &scored);
    }
    report
}

/// The report as `--json` prints it.
pub fn to_json(r: &Report) -> serde_json::Value {
    // null where there is nothing to judge (as the table's "—").
    let figures = |c: &Counts| {
        serde_json::json!({
            "precision": c.precision_if_any(),
            "recall": c.recall_if_any(),
            "f1": c.f1_if_any(),
            "matched": c.matched,
            "missed": c.missed,
            "extra": c.extra,
        })
    };
    serde_json::json!({
        "overall": figures(&r.overall),
        "labels": r.labels.iter().map(|(k, c)| (k.clone(), figures(c))).collect::<serde_json::Map<_, _>>(),
        "train_seconds": r.train_seconds,
        "suggest_seconds": r.suggest_seconds,
        "train_documents": r.train_documents,
        "test_documents": r.test_documents,
    })
}

/// The report as a table.
pub fn to_text(r: &Report) -> String {
    use crate::model::agreement::figure;
    let mut out = format!("{:<16} {:>6} {:>6} {:>6} {:>7}\n", "label", "P", "R", "F1", "spans");
    let mut row = |name: &str, c: &Counts| {
        out.push_str(&format!(
            "{:<16} {:>6} {:>6} {:>6} {:>7}\n",
            name,
            figure(c.precision_if_any()),
            figure(c.recall_if_any()),
            figure(c.f1_if_any()),
            c.matched + c.missed
        ));
    };
    for (k, c) in &r.labels {
        row(k, c);
    }
    row("overall", &r.overall);
    out.push_str(&format!(
        "trained on {} in {:.2} s; suggested for {} in {:.2} s\n",
        crate::model::plural(r.train_documents, "document"),
        r.train_seconds,
        crate::model::plural(r.test_documents, "document"),
        r.suggest_seconds
    ));
    out
}
