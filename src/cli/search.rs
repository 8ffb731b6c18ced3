//! `sorot search` and `sorot check`: the corpus search, label-all and the
//! consistency check from a terminal.

use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use crate::io::search::{self as corpus, FileResult, Found, LabelAll, Source};
use crate::model::search::{AttrTest, EntityRef, Matcher, Query, Scope, SpanFilter};
use crate::model::{Timestamp, plural};

/// The options of `sorot search`.
#[derive(Clone, Debug, Default)]
pub struct SearchOptions {
    pub pattern: String,
    pub regex: bool,
    pub ignore_case: bool,
    pub ignore_accents: bool,
    pub whole_word: bool,
    /// Find spans with this label whose text matches.
    pub label: Option<String>,
    /// Find matches inside spans with this label.
    pub inside: Option<String>,
    /// `NAME=VALUE` (the attribute has that value) or `NAME` with
    /// `missing` (it is not set), on the spans of `label`/`inside`.
    pub attribute: Option<String>,
    pub missing: Option<String>,
    /// Only spans that are no argument of this relation type.
    pub not_in: Option<String>,
    pub label_as: Option<String>,
    /// With `label_as`: link every hit to the entity of this name (found by
    /// name or alias in each file, added where it is missing).
    pub link_to: Option<String>,
    pub annotator: String,
    pub json: bool,
}

impl SearchOptions {
    /// The query, or what is wrong with the options, in words.
    pub fn query(&self) -> Result<Query, String> {
        let filter_asked = self.attribute.is_some() || self.missing.is_some() || self.not_in.is_some();
        let attribute = match (&self.attribute, &self.missing) {
            (Some(_), Some(_)) => return Err("--attribute and --missing: use one".into()),
            (Some(a), None) => match a.split_once('=') {
                Some((n, v)) if !n.is_empty() => Some(AttrTest::Is(n.to_owned(), v.to_owned())),
                _ => return Err(format!("--attribute {a}: write NAME=VALUE, e.g. certainty=hedged")),
            },
            (None, Some(m)) => Some(AttrTest::Missing(m.clone())),
            (None, None) => None,
        };
        let filter = |label: &str| SpanFilter {
            label: label.to_owned(),
            attribute: attribute.clone(),
            not_argument_of: self.not_in.clone(),
        };
        let scope = match (&self.label, &self.inside) {
            (Some(_), Some(_)) => return Err("--label and --inside: use one".into()),
            (Some(l), None) => Scope::Spans(filter(l)),
            (None, Some(l)) => Scope::Inside(filter(l)),
            (None, None) if filter_asked => {
                return Err("--attribute, --missing and --not-in need --label or --inside".into());
            }
            (None, None) => Scope::Text,
        };
        if self.pattern.is_empty() && scope == Scope::Text {
            return Err("the pattern is empty: give a text to find, or --label to list spans".into());
        }
        Ok(Query {
            pattern: self.pattern.clone(),
            regex: self.regex,
            ignore_case: self.ignore_case,
            ignore_accents: self.ignore_accents,
            whole_word: self.whole_word,
            scope,
        })
    }
}

fn json_hit(file: &std::path::Path, document: &str, f: &Found) -> serde_json::Value {
    serde_json::json!({
        "file": file.display().to_string(),
        "document": document,
        "start": f.start,
        "end": f.end,
        "start_byte": f.range.start(),
        "end_byte": f.range.end(),
        "line": f.line,
        "col": f.col,
        "text": f.text,
        "before": f.before,
        "after": f.after,
        "labels": f.labels,
    })
}

/// `sorot search PATH... PATTERN`: exit 0 when something was found, 1 when
/// nothing was, 2 when the query or a file could not be read.
pub fn search(opts: &SearchOptions, paths: &[PathBuf], out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let query = match opts.query() {
        Ok(q) => q,
        Err(e) => {
            let _ = writeln!(err, "sorot search: {e}");
            return 2;
        }
    };
    let matcher = match Matcher::new(&query) {
        Ok(m) => m,
        Err(e) => {
            let _ = writeln!(err, "sorot search: {e}");
            return 2;
        }
    };
    let sources = corpus::sources(paths);
    if sources.is_empty() {
        let _ = writeln!(err, "sorot search: no annotation files or articles in {}", super::list_paths(paths));
        return 2;
    }
    if let Some(label) = &opts.label_as {
        return label_as(&sources, &matcher, opts, label, out, err);
    }
    let cancel = AtomicBool::new(false);
    let (mut hits, mut files_hit, mut failed) = (0usize, 0usize, false);
    let mut json_hits = Vec::new();
    corpus::search(&sources, &matcher, None, &cancel, |_, _, r| match r {
        FileResult::Failed(e) => {
            failed = true;
            let _ = writeln!(err, "{e}");
        }
        FileResult::Hits(fh) => {
            if !fh.hits.is_empty() {
                files_hit += 1;
            }
            let file = fh.source.annotation_path();
            for f in &fh.hits {
                hits += 1;
                if opts.json {
                    json_hits.push(json_hit(file, &fh.document, f));
                } else {
                    let _ =
                        writeln!(out, "{}:{}:{}: {}[{}]{}", file.display(), f.line, f.col, f.before, f.text, f.after);
                }
            }
        }
    });
    if opts.json {
        let doc = serde_json::json!({ "hits": json_hits, "files": sources.len() });
        let _ = writeln!(out, "{doc}");
    }
    let _ = writeln!(err, "{} in {} of {} files", plural(hits, "hit"), files_hit, sources.len());
    if failed {
        2
    } else if hits == 0 {
        1
    } else {
        0
    }
}

fn label_as(
    sources: &[Source],
    matcher: &Matcher,
    opts: &SearchOptions,
    label: &str,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    // The entity's type is what the label's spans link to (in the first
    // document's schema; every file checks it again).
    let link = match &opts.link_to {
        None => None,
        Some(name) => {
            let kind = sources.first().and_then(|s| s.load().ok()).and_then(|st| {
                let l = st.schema().label_index(label)?;
                st.schema().labels.get(l)?.entity_type.clone()
            });
            match kind {
                Some(kind) => Some(EntityRef { name: name.clone(), kind, aliases: Vec::new(), external_id: None }),
                None => {
                    let _ = writeln!(
                        err,
                        "sorot search: {label} spans do not link to entities; --link-to needs a label that does"
                    );
                    return 2;
                }
            }
        }
    };
    let cancel = AtomicBool::new(false);
    let (mut added, mut files, mut failed) = (0usize, 0usize, false);
    let how = LabelAll { label: label.to_owned(), link, author: opts.annotator.clone(), now: Timestamp::now() };
    corpus::label_all(sources, matcher, &how, &cancel, |_, _, r| match r {
        Err(e) => {
            failed = true;
            let _ = writeln!(err, "{e}");
        }
        Ok(l) => {
            let p = &l.plan;
            if p.added + p.already + p.invalid + p.linked == 0 {
                return;
            }
            added += p.added;
            if p.added + p.linked > 0 {
                files += 1;
            }
            let _ = writeln!(out, "{}: {}", l.source.annotation_path().display(), p.summary());
        }
    });
    let _ = writeln!(out, "labelled {} as {label} in {}", plural(added, "span"), plural(files, "file"));
    if failed { 2 } else { 0 }
}

/// `sorot check PATH...`: the consistency findings; exit 1 when there are
/// any, 2 when a file could not be read, 0 when all is consistent.
pub fn check(paths: &[PathBuf], json: bool, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let sources = corpus::sources(paths);
    let sources: Vec<Source> = sources.into_iter().filter(|s| matches!(s, Source::Annotations(_))).collect();
    if sources.is_empty() {
        let _ = writeln!(err, "sorot check: no annotation files in {}", super::list_paths(paths));
        return 2;
    }
    let cancel = AtomicBool::new(false);
    let report = corpus::check(&sources, None, &cancel, |_, _| {});
    for e in &report.errors {
        let _ = writeln!(err, "{e}");
    }
    if json {
        let findings: Vec<serde_json::Value> = report
            .findings
            .iter()
            .map(|(f, places)| {
                let occ: Vec<serde_json::Value> = places
                    .iter()
                    .map(|p| {
                        let mut v = json_hit(p.source.annotation_path(), "", &p.found);
                        v["label"] = serde_json::json!(p.label);
                        v["entity"] = serde_json::json!(p.entity);
                        if let Some(o) = v.as_object_mut() {
                            o.remove("document");
                            o.remove("labels");
                        }
                        v
                    })
                    .collect();
                serde_json::json!({
                    "kind": f.kind.key(),
                    "text": f.text,
                    "usual_label": f.usual_label,
                    "labels": f.labels,
                    "occurrences": occ,
                    "unlisted": f.unlisted,
                })
            })
            .collect();
        let _ = writeln!(out, "{}", serde_json::json!({"findings": findings, "files": report.documents}));
    } else {
        for (f, places) in &report.findings {
            let _ = writeln!(out, "{}", f.summary());
            for p in places {
                let what = match (&p.label, &p.entity) {
                    (Some(l), Some(e)) => format!("{l} → {e}"),
                    (Some(l), None) => l.clone(),
                    (None, _) => "unlabelled".into(),
                };
                let g = &p.found;
                let _ = writeln!(
                    out,
                    "  {}:{}:{}: {}[{}]{}  ({what})",
                    p.source.annotation_path().display(),
                    g.line,
                    g.col,
                    g.before,
                    g.text,
                    g.after
                );
            }
            if f.unlisted > 0 {
                let _ = writeln!(out, "  … and {} more unlabelled", f.unlisted);
            }
        }
    }
    let _ = writeln!(err, "{} in {}", plural(report.findings.len(), "finding"), plural(report.documents, "file"));
    if !report.errors.is_empty() {
        2
    } else if report.findings.is_empty() {
        0
    } else {
        1
    }
}
